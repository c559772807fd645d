from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from phonegen.numbers.models import PhoneNumber, Project
from phonegen.tasks.housekeeping import tasks_delete_old
from phonegen.tasks.models import Task, TaskStatus, TaskType


@pytest.fixture
def project(db):
    owner = get_user_model().objects.create_user("keeper", password="pw-keeper-1")
    return Project.objects.create(owner=owner, name="kept")


def _task(project, status, finished_days_ago):
    completed = None
    if finished_days_ago is not None:
        completed = timezone.now() - timedelta(days=finished_days_ago)
    return Task.objects.create(
        user=project.owner,
        project=project,
        task_type=TaskType.GENERATION,
        status=status,
        completed_at=completed,
    )


class TasksDeleteOldTests:
    def test_it_deletes_only_finished_tasks_past_retention(self, project, settings):
        settings.PHONEGEN_TASK_RETENTION_DAYS = 30
        old_done = _task(project, TaskStatus.COMPLETED, 31)
        old_failed = _task(project, TaskStatus.FAILED, 45)
        recent = _task(project, TaskStatus.COMPLETED, 29)
        running = _task(project, TaskStatus.IN_PROGRESS, None)

        removed = tasks_delete_old()

        assert removed == 2
        left = set(Task.objects.values_list("task_id", flat=True))
        assert left == {recent.task_id, running.task_id}
        assert old_done.task_id not in left and old_failed.task_id not in left

    def test_it_keeps_the_numbers_of_deleted_tasks(self, project):
        task = _task(project, TaskStatus.COMPLETED, 100)
        PhoneNumber.objects.create(project=project, task=task, number="12122001234")

        assert tasks_delete_old(days=7) == 1

        assert PhoneNumber.objects.filter(project=project).count() == 1

    def test_the_retention_can_be_given(self, project):
        _task(project, TaskStatus.CANCELLED, 3)

        assert tasks_delete_old(days=5) == 0
        assert tasks_delete_old(days=2) == 1
