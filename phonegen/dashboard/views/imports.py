from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from phonegen.numbers.importing.selectors import (
    import_row_details,
    import_row_list,
    import_task_get,
)
from phonegen.numbers.models import Project

from ..forms import ImportRowFilterForm
from .common import not_found, page_context, project_page

PAGE_SIZE = 100


@project_page
def import_report(request: HttpRequest, project: Project, task_id) -> HttpResponse:
    """An import's progress, counts and per-line report, a page at a time."""
    task = import_task_get(user=request.user, task_id=task_id)
    if task.project_id != project.pk:
        return not_found(request, "No such import in this project.")

    form = ImportRowFilterForm(request.GET or None)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
    page = Paginator(import_row_list(task=task, outcome=outcome), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = page_context(
        request,
        project,
        "import-report",
        task=task,
        form=form,
        page=page,
        rows=import_row_details(task=task, rows=page.object_list),
        query=urlencode({"outcome": outcome} if outcome else {}),
    )
    return render(request, "dashboard/import_report.html", context)
