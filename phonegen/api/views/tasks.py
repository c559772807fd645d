from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from phonegen.tasks.selectors import task_get, task_list
from phonegen.tasks.services import task_cancel

from ..pagination import PageQuerySerializer, paginated
from ..responses import ok, user_id_check
from ..schema import envelope, errors, page_envelope
from ..serializers.tasks import (
    TaskListQuerySerializer,
    TaskSerializer,
    UserIdQuerySerializer,
)

TASK_ID = OpenApiParameter("task_id", str, OpenApiParameter.PATH, description="uuid")


class TaskListApi(APIView):
    @extend_schema(
        tags=["tasks"],
        summary="List your tasks, newest first",
        parameters=[TaskListQuerySerializer, PageQuerySerializer],
        responses={
            200: page_envelope("TaskListResponse", TaskSerializer),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        query = TaskListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user_id_check(request)
        filters = query.validated_data

        tasks = task_list(
            user=request.user,
            project_id=filters.get("project_id"),
            status=filters.get("status", ""),
            task_type=filters.get("task_type", ""),
        )
        return paginated(request, tasks, message="Tasks", serializer=TaskSerializer)


class TaskProgressApi(APIView):
    @extend_schema(
        tags=["tasks"],
        summary="Progress of one task",
        parameters=[TASK_ID, UserIdQuerySerializer],
        responses={
            200: envelope("TaskProgressResponse", TaskSerializer()),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request: Request, task_id: str) -> Response:
        query = UserIdQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user_id_check(request)

        task = task_get(user=request.user, task_id=task_id)
        return ok(
            f"Task {task.get_status_display().lower()}", TaskSerializer(task).data
        )


class TaskCancelApi(APIView):
    @extend_schema(
        tags=["tasks"],
        summary="Cancel a pending or running task",
        description=(
            "A pending task is cancelled at once; a running one stops after its "
            "current batch and keeps the numbers it stored. A finished task "
            "answers 409."
        ),
        parameters=[TASK_ID],
        request=UserIdQuerySerializer,
        responses={
            200: envelope("TaskCancelResponse", TaskSerializer()),
            **errors(400, 401, 403, 404, 409),
        },
    )
    def post(self, request: Request, task_id: str) -> Response:
        body = UserIdQuerySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user_id_check(request)

        task = task_cancel(task=task_get(user=request.user, task_id=task_id))
        message = "Task cancelled" if task.is_finished else "Cancellation requested"
        return ok(message, TaskSerializer(task).data)
