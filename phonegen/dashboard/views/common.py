"""What every dashboard page shares: the signed-in user's project, or a 404
page in HTML (the site-wide handler answers JSON, for the API)."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from phonegen.errors import NotFound
from phonegen.numbers.models import Project
from phonegen.numbers.selectors import project_list
from phonegen.prefixes.models import LineTypeChoices

# Stands for a task id in the URL patterns handed to the page's script.
TASK_ID_SLOT = "00000000-0000-0000-0000-000000000000"


def project_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; ``project_id`` in the URL becomes the user's project,
    with its counts. Another user's project, or a missing one, is a 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, project_id: int, **kwargs) -> HttpResponse:
        project = project_list(user=request.user).filter(pk=project_id).first()
        if project is None:
            return not_found(request, "No such project.")
        try:
            return view(request, project, **kwargs)
        except NotFound as exc:
            return not_found(request, exc.message)

    return wrapper


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "dashboard/not_found.html", {"message": message}, status=404)


def page_context(
    request: HttpRequest, project: Project, page_name: str, **context
) -> dict:
    """The template context of a project's page, with the script's settings."""
    return {
        "project": project,
        "page_name": page_name,
        "config": _script_config(request, project),
        **context,
    }


def _script_config(request: HttpRequest, project: Project) -> dict:
    """What the page's script needs: who, which project, and where things are.

    The WebSocket authenticates with the session cookie, so no token is ever
    written into a page.
    """
    username = request.user.get_username()
    task = {"task_id": TASK_ID_SLOT}
    return {
        "username": username,
        "projectId": project.pk,
        "taskIdSlot": TASK_ID_SLOT,
        "lineTypes": dict(LineTypeChoices.choices),
        "urls": {
            "generate": reverse("api:generation-start"),
            "validate": reverse("api:validation-start"),
            "import": reverse("api:import-start"),
            "carriers": reverse("api:carrier-list"),
            "cancel": reverse("api:task-cancel", kwargs=task),
            "row": reverse("dashboard:task-row", kwargs=task),
            "summary": reverse(
                "dashboard:project-summary", kwargs={"project_id": project.pk}
            ),
            "importReport": reverse(
                "dashboard:import-report", kwargs={"project_id": project.pk, **task}
            ),
            "socket": reverse("dashboard:home") + f"ws/tasks/{quote(username)}/",
        },
    }
