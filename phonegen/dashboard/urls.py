"""The dashboard's pages; the API stays under /api/."""

from django.urls import path

from .views.assets import asset
from .views.auth import SignInView, SignOutView
from .views.imports import import_report
from .views.numbers import number_table
from .views.projects import home, project_detail, project_summary
from .views.tasks import task_row

app_name = "dashboard"

urlpatterns = [
    path("", home, name="home"),
    path("sign-in/", SignInView.as_view(), name="sign-in"),
    path("sign-out/", SignOutView.as_view(), name="sign-out"),
    path("projects/<int:project_id>/", project_detail, name="project"),
    path("projects/<int:project_id>/summary/", project_summary, name="project-summary"),
    path("projects/<int:project_id>/numbers/", number_table, name="numbers"),
    path(
        "projects/<int:project_id>/imports/<uuid:task_id>/",
        import_report,
        name="import-report",
    ),
    path("tasks/<uuid:task_id>/row/", task_row, name="task-row"),
    path("static/dashboard/<path:path>", asset, name="asset"),
]
