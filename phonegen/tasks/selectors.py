"""Read task records, always within one user's own."""

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from phonegen.errors import NotFound
from phonegen.numbers.selectors import project_get

from .models import Task


def task_get(*, user: AbstractBaseUser, task_id: str | uuid.UUID) -> Task:
    """The task ``task_id`` of ``user``; :class:`NotFound` for a malformed id or
    a task that is not theirs."""
    try:
        key = task_id if isinstance(task_id, uuid.UUID) else uuid.UUID(str(task_id))
    except ValueError:
        raise NotFound(
            "Task not found.", errors={"task_id": ["Not a task id."]}
        ) from None

    task = Task.objects.filter(pk=key, user=user).first()
    if task is None:
        raise NotFound("Task not found.", errors={"task_id": ["No such task."]})
    return task


def task_list(
    *,
    user: AbstractBaseUser,
    project_id: int | None = None,
    status: str = "",
    task_type: str = "",
) -> QuerySet[Task]:
    """``user``'s tasks, newest first, optionally of one project, status or type.

    A ``project_id`` that is not one of ``user``'s projects raises NotFound.
    """
    tasks = Task.objects.filter(user=user)
    if project_id is not None:
        tasks = tasks.filter(project=project_get(user=user, project_id=project_id))
    if status:
        tasks = tasks.filter(status=status)
    if task_type:
        tasks = tasks.filter(task_type=task_type)
    return tasks.order_by("-created_at", "-task_id")
