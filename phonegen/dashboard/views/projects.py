from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from phonegen.errors import Conflict
from phonegen.numbers.models import Project
from phonegen.numbers.selectors import number_breakdown, project_list
from phonegen.numbers.services.projects import project_create
from phonegen.tasks.selectors import task_list

from ..charts import carrier_chart
from ..forms import GenerationForm, ImportForm, ProjectForm
from .common import page_context, project_page

# Tasks listed on a project's page, newest first.
TASK_LIMIT = 20


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's projects with their counts, and a form to create one."""
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_create(owner=request.user, name=form.cleaned_data["name"])
        except Conflict as exc:
            form.add_error("name", exc.errors.get("name", [exc.message])[0])
        else:
            return redirect("dashboard:project", project_id=project.pk)

    projects = project_list(user=request.user)
    status = 400 if form.errors else 200
    return render(
        request,
        "dashboard/home.html",
        {"projects": projects, "form": form},
        status=status,
    )


@project_page
def project_detail(request: HttpRequest, project: Project) -> HttpResponse:
    """Generate, import and validate; the project's tasks live; its chart."""
    tasks = task_list(user=request.user, project_id=project.pk)[:TASK_LIMIT]
    context = page_context(
        request,
        project,
        "project",
        tasks=tasks,
        generation_form=GenerationForm(auto_id="generate-%s"),
        import_form=ImportForm(auto_id="import-%s"),
        chart=carrier_chart(number_breakdown(project=project)),
    )
    return render(request, "dashboard/project.html", context)


@project_page
def project_summary(request: HttpRequest, project: Project) -> HttpResponse:
    """The project's counts and chart alone, for the page's script to redraw
    when a task ends, so that they are drawn by the same templates."""
    context = {
        "project": project,
        "chart": carrier_chart(number_breakdown(project=project)),
    }
    return render(request, "dashboard/_project_summary.html", context)
