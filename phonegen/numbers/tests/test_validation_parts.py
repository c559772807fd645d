"""A big project's validation walked in parts, side by side, on PostgreSQL.

The parts run in threads with connections of their own, which see only what
is committed: these tests use transactional databases.
"""

import threading
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from phonegen.numbers.models import PhoneNumber
from phonegen.numbers.services import validation_parts
from phonegen.numbers.services.validation import validation_run, validation_start
from phonegen.tasks.lease import TaskLeaseLost
from phonegen.tasks.models import Task
from phonegen.tasks.runner import task_run
from phonegen.tasks.services import ProgressReporter, TaskCancelled, task_start

from .test_validation_service import store

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Spread over 212-200, 212-201 and 212-202, so that each third of the range
# holds well over a batch; the ten-digit one sorts among them as a string.
VALID = [str(12122000000 + 50 * k) for k in range(400)]
UNASSIGNED = [str(12122020000 + 50 * k) for k in range(150)]
MALFORMED = ["1212201000"]
EVERY = VALID + UNASSIGNED + MALFORMED
EXPECTED = {"valid": 400, "unassigned_prefix": 150, "invalid_format": 1}


@pytest.fixture
def in_parts(settings, monkeypatch):
    """Three parts from 100 numbers on, instead of two from 50,000."""
    settings.PHONEGEN_VALIDATION_THREADS = 3
    monkeypatch.setattr(validation_parts, "PARALLEL_FROM", 100)


@pytest.fixture
def stored(project, small_npa):
    store(project, *EVERY)


def started(owner, project) -> Task:
    task = validation_start(user=owner, project=project, batch_size=40, enqueue=False)
    return task_start(task)


@contextmanager
def a_batch_per_part_before_a_cancel_is_seen(parts: int = 3):
    """Hold each part's first look at the cancel until every part has stored
    a batch: a part whose thread started late would otherwise find the others
    already stopped and store nothing, which is right but not what is tested."""
    barrier = threading.Barrier(parts, timeout=30)
    waited: set[int] = set()
    check_cancelled = ProgressReporter.check_cancelled

    def after_every_first_batch(reporter):
        part = threading.current_thread() is not threading.main_thread()
        if part and threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            barrier.wait()
        check_cancelled(reporter)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ProgressReporter, "check_cancelled", after_every_first_batch)
        yield


def stopped_after_a_batch_per_part(owner, project) -> Task:
    """A task whose cancel stopped each part after its first batch; its row
    still says in progress, as a runner that died there leaves it."""
    task = started(owner, project)
    Task.objects.filter(pk=task.pk).update(cancel_requested=True)
    with a_batch_per_part_before_a_cancel_is_seen(), pytest.raises(TaskCancelled):
        validation_run(task, ProgressReporter(task))
    return task


@pytest.mark.usefixtures("in_parts", "stored")
class PartsTests:
    def test_every_number_is_validated_once_with_the_counts_of_one_walk(
        self, owner, project
    ):
        task = started(owner, project)

        result = validation_run(task, ProgressReporter(task))

        assert result["by_status"] == EXPECTED
        assert result["validated"] == len(EVERY)
        statuses = Counter(
            PhoneNumber.objects.values_list("validation_status", flat=True)
        )
        assert statuses == EXPECTED
        task.refresh_from_db()
        assert (task.processed_items, task.total_items) == (len(EVERY), len(EVERY))
        assert task.successful_items == 400
        parts = task.checkpoint["parts"]
        edges = ["", *(part["until"] for part in parts[:-1]), None]
        assert len(parts) == 3
        for part, low, high in zip(parts, edges, edges[1:], strict=False):
            inside = [n for n in EVERY if n > low and (high is None or n <= high)]
            # Each part ended on the last number of its range.
            assert (part["until"], part["after"]) == (high, max(inside))
        assert result["batches"] == task.checkpoint["batches"] >= 3

    def test_the_runner_finishes_the_task_with_what_the_parts_stored(
        self, owner, project
    ):
        task = validation_start(
            user=owner, project=project, batch_size=40, enqueue=False
        )

        assert task_run(task.task_id) == "completed"

        task.refresh_from_db()
        assert (task.processed_items, task.successful_items, task.progress) == (
            len(EVERY),
            400,
            100,
        )
        assert task.result_data["by_status"] == EXPECTED

    def test_a_cancelled_run_resumes_each_part_and_counts_no_number_twice(
        self, owner, project
    ):
        task = started(owner, project)
        Task.objects.filter(pk=task.pk).update(cancel_requested=True)

        with (
            a_batch_per_part_before_a_cancel_is_seen(),
            pytest.raises(TaskCancelled) as cancelled,
        ):
            validation_run(task, ProgressReporter(task))

        # Every part stopped after its first batch.
        assert cancelled.value.args[0]["validated"] == 3 * 40
        assert PhoneNumber.objects.filter(validation_attempted=True).count() == 3 * 40
        Task.objects.filter(pk=task.pk).update(cancel_requested=False)
        task.refresh_from_db()

        result = validation_run(task, ProgressReporter(task))

        assert result["by_status"] == EXPECTED
        assert PhoneNumber.objects.filter(validation_attempted=False).count() == 0
        task.refresh_from_db()
        assert task.processed_items == len(EVERY)

    def test_a_task_cancelled_while_its_runner_was_lost_reports_what_it_stored(
        self, owner, project
    ):
        task = stopped_after_a_batch_per_part(owner, project)
        # The runner died there: its lease runs out, and another takes over.
        Task.objects.filter(pk=task.pk).update(
            heartbeat_at=timezone.now() - timedelta(days=1)
        )

        assert task_run(task.task_id) == "cancelled"

        task.refresh_from_db()
        assert task.result_data["validated"] == task.processed_items == 3 * 40
        assert sum(task.result_data["by_status"].values()) == 3 * 40
        assert PhoneNumber.objects.filter(validation_attempted=True).count() == 3 * 40

    def test_a_runner_that_lost_the_task_stores_none_of_its_batches(
        self, owner, project
    ):
        task = stopped_after_a_batch_per_part(owner, project)
        task.refresh_from_db()
        # Another runner took the task over while this one resumes its parts.
        Task.objects.filter(pk=task.pk).update(
            attempts=task.attempts + 1, cancel_requested=False
        )
        task.cancel_requested = False

        with pytest.raises(TaskLeaseLost):
            validation_run(task, ProgressReporter(task))

        assert PhoneNumber.objects.filter(validation_attempted=True).count() == 3 * 40
        task.refresh_from_db()
        assert task.processed_items == 3 * 40


@pytest.mark.usefixtures("stored")
class PlanTests:
    def test_a_project_below_the_threshold_is_walked_once(self, owner, project):
        task = started(owner, project)

        validation_run(task, ProgressReporter(task))

        task.refresh_from_db()
        assert "parts" not in task.checkpoint
        assert task.checkpoint["after"] == max(EVERY)

    def test_the_parts_cover_the_numbers_range_in_even_cuts(self, project, in_parts):
        parts = validation_parts.parts_planned(
            PhoneNumber.objects.all(), project.pk, total=len(EVERY)
        )

        # 12122000000 to 12122027450, in thirds.
        assert parts == [
            {"after": "", "until": "12122009150"},
            {"after": "12122009150", "until": "12122018300"},
            {"after": "12122018300", "until": None},
        ]
