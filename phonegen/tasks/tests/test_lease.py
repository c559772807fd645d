"""The lease on a running task, and the recovery of tasks that lost their runner."""

from datetime import timedelta

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone

from phonegen.numbers.models import PhoneNumber, Project
from phonegen.tasks import recovery, runner
from phonegen.tasks.lease import TaskLeaseLost
from phonegen.tasks.models import Task, TaskStatus, TaskType
from phonegen.tasks.recovery import tasks_recover_stale
from phonegen.tasks.services import (
    ProgressReporter,
    task_complete,
    task_create,
    task_start,
)

LEASE = 60


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.PHONEGEN_TASK_LEASE_SECONDS = LEASE
    settings.PHONEGEN_TASK_MAX_ATTEMPTS = 3
    settings.PHONEGEN_TASK_REQUEUE_SECONDS = 600


@pytest.fixture
def project(alice):
    return Project.objects.create(owner=alice, name="leased")


@pytest.fixture
def task(alice, project):
    return task_create(
        user=alice,
        task_type=TaskType.GENERATION,
        params={"area_code": "212", "quantity": 10},
        total_items=10,
        project=project,
    )


@pytest.fixture
def dispatched(monkeypatch) -> list:
    """Task ids the recovery queues, instead of running them in a thread."""
    queued: list = []
    monkeypatch.setattr(recovery, "dispatch", queued.append)
    return queued


def _age_heartbeat(task: Task, seconds: float) -> None:
    Task.objects.filter(pk=task.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=seconds)
    )


class TaskStartLeaseTests:
    def test_it_takes_a_pending_task_as_attempt_one(self, task):
        started = task_start(task)

        task.refresh_from_db()
        assert started is not None
        assert (task.status, task.attempts) == (TaskStatus.IN_PROGRESS, 1)

    def test_it_leaves_a_task_whose_runner_is_alive(self, task):
        task_start(task)

        assert task_start(task) is None

        task.refresh_from_db()
        assert (task.status, task.attempts) == (TaskStatus.IN_PROGRESS, 1)

    def test_it_takes_over_a_task_whose_heartbeat_is_older_than_the_lease(self, task):
        task_start(task)
        _age_heartbeat(task, LEASE + 1)

        second = task_start(task)

        assert second is not None and second.attempts == 2
        task.refresh_from_db()
        assert task.heartbeat_at > timezone.now() - timedelta(seconds=5)


class FencingTests:
    def test_a_batch_of_a_runner_that_lost_the_lease_is_rolled_back(
        self, task, project
    ):
        old = task_start(task)
        _age_heartbeat(task, LEASE + 1)
        task_start(task)
        reporter = ProgressReporter(old)

        with pytest.raises(TaskLeaseLost), transaction.atomic():
            PhoneNumber.objects.create(project=project, task=old, number="12125550100")
            reporter.advance(processed=1, successful=1)

        assert not PhoneNumber.objects.filter(project=project).exists()
        task.refresh_from_db()
        assert (task.processed_items, task.attempts) == (0, 2)

    def test_a_runner_that_lost_the_lease_cannot_finish_the_task(self, task):
        old = task_start(task)
        _age_heartbeat(task, LEASE + 1)
        task_start(task)

        with pytest.raises(TaskLeaseLost):
            task_complete(old, result={"numbers": 10})

        task.refresh_from_db()
        assert task.status == TaskStatus.IN_PROGRESS
        assert task.result_data == {}

    def test_the_holder_advances_and_finishes(self, task):
        held = task_start(task)
        reporter = ProgressReporter(held)

        reporter.advance(processed=10, successful=10)
        task_complete(held, result={"numbers": 10})

        task.refresh_from_db()
        assert (task.status, task.processed_items, task.progress) == (
            TaskStatus.COMPLETED, 10, 100,
        )  # fmt: skip


class CheckpointTests:
    def test_a_run_that_takes_over_finds_the_last_stored_checkpoint(self, task):
        first = task_start(task)
        reporter = ProgressReporter(first)
        reporter.advance(processed=4, successful=4, checkpoint={"last_id": 40})
        reporter.advance(processed=8, successful=8, checkpoint={"last_id": 80})
        _age_heartbeat(task, LEASE + 1)

        second = task_start(task)

        assert second.checkpoint == {"last_id": 80}
        assert second.processed_items == 8


class RecoveryTests:
    def test_a_task_whose_worker_vanished_is_queued_again(
        self, task, dispatched, django_capture_on_commit_callbacks
    ):
        task_start(task)
        _age_heartbeat(task, LEASE + 1)

        with django_capture_on_commit_callbacks(execute=True):
            counts = tasks_recover_stale()

        task.refresh_from_db()
        assert counts["requeued"] == 1
        assert dispatched == [task.task_id]
        assert task.status == TaskStatus.PENDING
        assert task_start(task).attempts == 2

    def test_a_live_task_is_left_alone(self, task, dispatched):
        task_start(task)
        _age_heartbeat(task, LEASE - 10)

        counts = tasks_recover_stale()

        task.refresh_from_db()
        assert counts == {"requeued": 0, "failed": 0, "pending_requeued": 0}
        assert dispatched == []
        assert task.status == TaskStatus.IN_PROGRESS

    def test_a_task_that_lost_its_worker_too_often_is_failed(self, task, dispatched):
        for _ in range(3):
            Task.objects.filter(pk=task.pk).update(status=TaskStatus.PENDING)
            task_start(task)
        _age_heartbeat(task, LEASE + 1)

        counts = tasks_recover_stale()

        task.refresh_from_db()
        assert counts["failed"] == 1 and dispatched == []
        assert task.status == TaskStatus.FAILED
        assert "started 3 times" in task.error_message
        assert task.completed_at is not None

    def test_a_task_pending_too_long_is_queued_once_more(
        self, task, alice, project, dispatched
    ):
        fresh = task_create(
            user=alice, task_type=TaskType.GENERATION, params={}, total_items=1,
            project=project,
        )  # fmt: skip
        _age_heartbeat(task, 601)

        counts = tasks_recover_stale()

        assert counts["pending_requeued"] == 1
        assert dispatched == [task.task_id]
        assert fresh.task_id not in dispatched
        assert tasks_recover_stale()["pending_requeued"] == 0


class RunnerRetryTests:
    def test_a_transient_error_hands_the_lease_back_for_the_retry(
        self, task, monkeypatch
    ):
        def handler(task, reporter):
            raise OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(runner, "_handlers", lambda: {TaskType.GENERATION: handler})

        with pytest.raises(OperationalError):
            runner.task_run(task.task_id, final_attempt=False)

        task.refresh_from_db()
        assert task.status == TaskStatus.PENDING
        assert task.current_step == "Retrying after a database error"
        assert task_start(task).attempts == 2

    def test_the_final_attempt_fails_the_task_with_a_message(self, task, monkeypatch):
        def handler(task, reporter):
            raise OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(runner, "_handlers", lambda: {TaskType.GENERATION: handler})

        assert runner.task_run(task.task_id, final_attempt=True) == "failed"

        task.refresh_from_db()
        assert task.status == TaskStatus.FAILED
        assert task.error_message == "The database was unavailable; the task gave up."
