from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from phonegen.numbers.selectors import project_list
from phonegen.numbers.services.projects import project_create

from ..pagination import PageQuerySerializer, paginated
from ..responses import ok, user_id_check
from ..schema import envelope, errors, page_envelope
from ..serializers.projects import (
    ProjectCreateInputSerializer,
    ProjectListItemSerializer,
    ProjectOutputSerializer,
)


class ProjectCreateApi(APIView):
    @extend_schema(
        tags=["projects"],
        summary="Create a project",
        request=ProjectCreateInputSerializer,
        responses={
            201: envelope("ProjectCreateResponse", ProjectOutputSerializer()),
            **errors(400, 401, 403, 409),
        },
    )
    def post(self, request: Request) -> Response:
        data = ProjectCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_id_check(request)

        project = project_create(owner=request.user, name=data.validated_data["name"])
        return ok(
            "Project created",
            ProjectOutputSerializer(project).data,
            status=status.HTTP_201_CREATED,
        )


class ProjectListApi(APIView):
    @extend_schema(
        tags=["projects"],
        summary="List your projects with their number and task counts",
        parameters=[PageQuerySerializer],
        responses={
            200: page_envelope("ProjectListResponse", ProjectListItemSerializer),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        user_id_check(request)
        return paginated(
            request,
            project_list(user=request.user),
            message="Projects",
            serializer=ProjectListItemSerializer,
        )


class ProjectsApi(ProjectListApi, ProjectCreateApi):
    """``/api/projects/``: the contract puts listing (GET) and creating (POST)
    on one URL; each stays its own operation above."""
