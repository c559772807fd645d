import logging

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from phonegen.numbers.selectors import number_validation_list, project_get
from phonegen.numbers.services.validation import estimated_time, validation_start
from phonegen.tasks.models import Task, TaskStatus
from phonegen.tasks.runner import task_run

from ..errors import error_body
from ..responses import ok, user_id_check
from ..schema import envelope, errors
from ..serializers.validation import (
    ValidatedNumberSerializer,
    ValidationInputSerializer,
    ValidationResultSerializer,
    ValidationStartedSerializer,
)

logger = logging.getLogger(__name__)

# The legacy endpoint lists at most this many of the numbers it validated.
LEGACY_LIST_LIMIT = 1000

STARTED = "Phone number validation started"


def _start(request: Request, *, inline_below: int = 0) -> Task:
    """Validate the body, check who asks and for what, create the task."""
    data = ValidationInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    user_id_check(request)
    fields = data.validated_data

    project_id = fields.get("project_id")
    project = (
        project_get(user=request.user, project_id=project_id) if project_id else None
    )
    return validation_start(
        user=request.user,
        project=project,
        phone_ids=fields.get("phone_ids"),
        batch_size=fields["batch_size"],
        inline_below=inline_below,
    )


def _started(task: Task) -> dict:
    return {
        "task_id": str(task.task_id),
        "total": task.total_items,
        "estimated_time": estimated_time(task.total_items),
        "status": task.status,
    }


class ValidationStartApi(APIView):
    @extend_schema(
        tags=["validation"],
        summary="Start a background task that validates stored numbers",
        request=ValidationInputSerializer,
        responses={
            201: envelope("ValidationStartResponse", ValidationStartedSerializer()),
            **errors(400, 401, 403, 404),
        },
    )
    def post(self, request: Request) -> Response:
        task = _start(request)
        return ok(STARTED, _started(task), status=status.HTTP_201_CREATED)


class ValidationLegacyApi(APIView):
    """Legacy endpoint kept for clients of the original API.

    Below ``PHONEGEN_SYNC_LIMIT`` selected numbers it validates them within the
    request and answers 200 with the results; from that limit on it starts a
    background task and answers 201 like ``validate-numbers-enhanced/``.
    """

    @extend_schema(
        tags=["validation"],
        summary="Validate numbers (legacy: synchronous below 10,000)",
        request=ValidationInputSerializer,
        responses={
            200: envelope("ValidationLegacyResponse", ValidationResultSerializer()),
            201: envelope(
                "ValidationLegacyStartResponse", ValidationStartedSerializer()
            ),
            **errors(400, 401, 403, 404, 503),
        },
    )
    def post(self, request: Request) -> Response:
        limit = settings.PHONEGEN_SYNC_LIMIT
        task = _start(request, inline_below=limit)
        if task.total_items >= limit:
            return ok(STARTED, _started(task), status=status.HTTP_201_CREATED)

        # The task row is committed before it runs, exactly as a worker would
        # find it, so the same runner code does the work.
        task_run(task.task_id)
        task.refresh_from_db()
        if task.status != TaskStatus.COMPLETED:
            logger.warning(
                "task %s: synchronous validation %s", task.task_id, task.status
            )
            body = error_body(
                f"The validation did not complete: {task.error_message or task.status}",
                code="validation_failed",
                extra={"task_id": str(task.task_id), "status": task.status},
            )
            return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)

        return ok("Phone numbers validated", _result(task))


def _result(task: Task) -> dict:
    counts = task.result_data
    numbers = number_validation_list(task=task, limit=LEGACY_LIST_LIMIT)
    return _started(task) | {
        "validated": counts["validated"],
        "valid": counts["valid"],
        "invalid": counts["invalid"],
        "failed": counts["failed"],
        "by_status": counts["by_status"],
        "numbers": ValidatedNumberSerializer(numbers, many=True).data,
        "numbers_truncated": counts["validated"] > len(numbers),
    }
