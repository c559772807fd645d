from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from phonegen.errors import NotFound
from phonegen.tasks.selectors import task_get

from .common import not_found


@login_required
def task_row(request: HttpRequest, task_id: str) -> HttpResponse:
    """One task's row of a task list, for the page's script to insert when a
    task starts or ends, so that rows are drawn by one template only."""
    try:
        task = task_get(user=request.user, task_id=task_id)
    except NotFound as exc:
        return not_found(request, exc.message)
    return render(request, "dashboard/_task.html", {"task": task})
