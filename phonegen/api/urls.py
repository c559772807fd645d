"""HTTP routes of the API, grouped as the contract lists them."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from .views.auth import AuthTokenCreateApi
from .views.docs import DocsSwaggerApi, docs_asset
from .views.fallback import api_not_found
from .views.generation import GenerationLegacyApi, GenerationStartApi
from .views.health import HealthApi
from .views.imports import ImportRowListApi, ImportStartApi
from .views.numbers import NumberExportApi, NumberListApi
from .views.prefixes import CarrierListApi, PrefixListApi
from .views.projects import ProjectsApi
from .views.tasks import TaskCancelApi, TaskListApi, TaskProgressApi
from .views.validation import ValidationLegacyApi, ValidationStartApi

app_name = "api"

generation_patterns = [
    path(
        "generate-numbers-enhanced/",
        GenerationStartApi.as_view(),
        name="generation-start",
    ),
    path("generate-numbers/", GenerationLegacyApi.as_view(), name="generation-legacy"),
]

validation_patterns = [
    path(
        "validate-numbers-enhanced/",
        ValidationStartApi.as_view(),
        name="validation-start",
    ),
    path("validate-numbers/", ValidationLegacyApi.as_view(), name="validation-legacy"),
]

task_patterns = [
    path("tasks/", TaskListApi.as_view(), name="task-list"),
    path(
        "tasks/<str:task_id>/progress/", TaskProgressApi.as_view(), name="task-progress"
    ),
    path("tasks/<str:task_id>/cancel/", TaskCancelApi.as_view(), name="task-cancel"),
]

number_patterns = [
    path("numbers/", NumberListApi.as_view(), name="number-list"),
    path("numbers/export/", NumberExportApi.as_view(), name="number-export"),
    path("numbers/import/", ImportStartApi.as_view(), name="import-start"),
    path(
        "numbers/import/<str:task_id>/rows/",
        ImportRowListApi.as_view(),
        name="import-rows",
    ),
]

prefix_patterns = [
    path("prefixes/", PrefixListApi.as_view(), name="prefix-list"),
    path("carriers/", CarrierListApi.as_view(), name="carrier-list"),
]

api_patterns = [
    path("auth/token/", AuthTokenCreateApi.as_view(), name="auth-token"),
    path("projects/", ProjectsApi.as_view(), name="projects"),
    path(
        "phone-generator/",
        include(
            generation_patterns
            + validation_patterns
            + task_patterns
            + number_patterns
            + prefix_patterns
        ),
    ),
    path("health/", HealthApi.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsSwaggerApi.as_view(), name="docs"),
    path("docs/assets/<path:path>", docs_asset, name="docs-asset"),
    # Last: any other /api/ URL answers a JSON 404.
    re_path(r"^(?P<path>.*)$", api_not_found, name="not-found"),
]

urlpatterns = [path("api/", include(api_patterns))]
