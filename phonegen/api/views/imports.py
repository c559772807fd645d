from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from phonegen.numbering.nanp import is_digits
from phonegen.numbers.importing.selectors import (
    import_row_details,
    import_row_list,
    import_task_get,
)
from phonegen.numbers.importing.service import (
    import_save_upload,
    import_size_check,
    import_start,
)
from phonegen.numbers.selectors import project_get
from phonegen.tasks.models import Task

from ..pagination import PageQuerySerializer, Pagination
from ..responses import ok, user_id_check
from ..schema import envelope, errors, page_envelope
from ..serializers.imports import (
    ImportInputSerializer,
    ImportRowQuerySerializer,
    ImportRowSerializer,
    ImportStartedSerializer,
)

TASK_ID = OpenApiParameter("task_id", str, OpenApiParameter.PATH, description="uuid")
# Room for the multipart envelope and the form fields around the file.
MULTIPART_OVERHEAD = 64 * 1024


class ImportStartApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["import"],
        summary="Upload a phone list into a project (a background task)",
        description=(
            "Multipart upload. The task normalises every line, stores each valid "
            "number once in E.164, validates what it stored and keeps a per-line "
            "report. A file over PHONEGEN_IMPORT_MAX_BYTES answers 413."
        ),
        request={"multipart/form-data": ImportInputSerializer},
        responses={
            201: envelope("ImportStartResponse", ImportStartedSerializer()),
            **errors(400, 401, 403, 404, 413, 415),
        },
    )
    def post(self, request: Request) -> Response:
        # Refused before the body is read, not after it has been spooled to disk.
        length = request.META.get("CONTENT_LENGTH") or ""
        if is_digits(length):
            import_size_check(int(length) - MULTIPART_OVERHEAD)

        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_id_check(request)
        fields = data.validated_data

        project = project_get(user=request.user, project_id=fields["project_id"])
        upload = fields["file"]
        path = import_save_upload(upload)
        task = import_start(
            user=request.user,
            project=project,
            path=path,
            filename=upload.name,
            column=fields.get("column") or None,
            batch_size=fields["batch_size"],
        )
        return ok(
            "Phone list import started", _started(task), status=status.HTTP_201_CREATED
        )


def _started(task: Task) -> dict:
    params = task.params
    return {
        "task_id": str(task.task_id),
        "file": params["filename"],
        "column": params["column_name"] or str(params["column"] + 1),
        "total_lines": task.total_items,
        "status": task.status,
        "rows_url": reverse("api:import-rows", kwargs={"task_id": task.task_id}),
    }


class ImportRowListApi(APIView):
    @extend_schema(
        tags=["import"],
        summary="The per-line report of an import",
        description=(
            "Every line of the file in order with its outcome (stored, "
            "duplicate_in_file, duplicate_in_project, refused), the reason and "
            "message of a refusal, and for a number in the project its "
            "validation status, carrier and line type."
        ),
        parameters=[TASK_ID, ImportRowQuerySerializer, PageQuerySerializer],
        responses={
            200: page_envelope("ImportRowListResponse", ImportRowSerializer),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request: Request, task_id: str) -> Response:
        query = ImportRowQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user_id_check(request)
        filters = query.validated_data

        task = import_task_get(user=request.user, task_id=task_id)
        rows = import_row_list(
            task=task,
            outcome=filters.get("outcome", ""),
            reason=filters.get("reason", ""),
        )
        pagination = Pagination()
        page = pagination.paginate_queryset(rows, request)
        entries = import_row_details(task=task, rows=page)
        return ok(
            "Import report",
            pagination.page_data(ImportRowSerializer(entries, many=True).data),
        )
