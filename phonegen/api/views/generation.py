import logging

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from phonegen.numbers.selectors import number_e164_list, project_get
from phonegen.numbers.services.generation import (
    GenerationRequest,
    estimated_time,
    generation_start,
)
from phonegen.tasks.models import Task, TaskStatus
from phonegen.tasks.runner import task_run

from ..errors import error_body
from ..responses import ok, user_id_check
from ..schema import envelope, errors
from ..serializers.fields import WholeNumberField
from ..serializers.generation import (
    GenerationInputSerializer,
    GenerationResultSerializer,
    GenerationStartedSerializer,
)

logger = logging.getLogger(__name__)

# The legacy endpoint lists the numbers it generated up to this many; beyond,
# it points to the paginated listing.
LEGACY_LIST_LIMIT = 1000


def _start(request: Request, *, enqueue: bool) -> Task:
    """Validate the body, check who asks and for which project, start the task."""
    data = GenerationInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    user_id_check(request)
    fields = data.validated_data

    project = project_get(user=request.user, project_id=fields["project_id"])
    generation = GenerationRequest(
        area_code=fields["area_code"],
        quantity=fields["quantity"],
        carrier_filter=(fields.get("carrier_filter") or "").strip(),
        type_filter=fields.get("type_filter") or "",
        batch_size=fields["batch_size"],
    )
    return generation_start(
        user=request.user, project=project, request=generation, enqueue=enqueue
    )


def _started(task: Task) -> dict:
    return {
        "task_id": str(task.task_id),
        "area_code": task.params["area_code"],
        "quantity": task.params["quantity"],
        "estimated_time": estimated_time(task.params["quantity"]),
        "status": task.status,
    }


class GenerationStartApi(APIView):
    @extend_schema(
        tags=["generation"],
        summary="Start a background task that generates numbers",
        request=GenerationInputSerializer,
        responses={
            201: envelope("GenerationStartResponse", GenerationStartedSerializer()),
            **errors(400, 401, 403, 404, 422),
        },
    )
    def post(self, request: Request) -> Response:
        task = _start(request, enqueue=True)
        return ok(
            "Phone number generation started",
            _started(task),
            status=status.HTTP_201_CREATED,
        )


class GenerationLegacyApi(APIView):
    """Legacy endpoint kept for clients of the original API.

    Below ``PHONEGEN_SYNC_LIMIT`` numbers it generates them within the request
    and answers with the result; from that limit on it starts a background task
    and answers like ``generate-numbers-enhanced/``.
    """

    @extend_schema(
        tags=["generation"],
        summary="Generate numbers (legacy: synchronous below 10,000)",
        request=GenerationInputSerializer,
        responses={
            201: envelope("GenerationLegacyResponse", GenerationResultSerializer()),
            **errors(400, 401, 403, 404, 422, 503),
        },
    )
    def post(self, request: Request) -> Response:
        quantity = _quantity(request)
        if quantity is None or quantity >= settings.PHONEGEN_SYNC_LIMIT:
            task = _start(request, enqueue=True)
            return ok(
                "Phone number generation started",
                _started(task),
                status=status.HTTP_201_CREATED,
            )

        # The task row is committed before it runs, exactly as a worker would
        # find it, so the same runner code does the work.
        task = _start(request, enqueue=False)
        task_run(task.task_id)
        task.refresh_from_db()
        if task.status != TaskStatus.COMPLETED:
            logger.warning(
                "task %s: synchronous generation %s", task.task_id, task.status
            )
            body = error_body(
                f"The generation did not complete: {task.error_message or task.status}",
                code="generation_failed",
                extra={"task_id": str(task.task_id), "status": task.status},
            )
            return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)

        return ok(
            "Phone numbers generated", _result(task), status=status.HTTP_201_CREATED
        )


def _quantity(request: Request) -> int | None:
    # Only picks the path; the serializer validates the value itself. Read as
    # the serializer reads it, so that "9999.0" takes the same path as 9999.
    raw = request.data.get("quantity") if isinstance(request.data, dict) else None
    try:
        return WholeNumberField().to_internal_value(raw)
    except serializers.ValidationError:
        return None


def _result(task: Task) -> dict:
    data = _started(task) | {"generated": task.successful_items}
    if task.successful_items <= LEGACY_LIST_LIMIT:
        data["numbers"] = number_e164_list(task=task)
    else:
        query = urlencode({"project_id": task.project_id, "task_id": str(task.task_id)})
        data["numbers_url"] = f"{reverse('api:number-list')}?{query}"
    return data
