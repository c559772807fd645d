"""Create, start, advance, finish and cancel task records."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from phonegen.errors import Conflict, ServiceUnavailable, TooManyRequests

from .events import Throttle, task_publish
from .lease import TaskLeaseLost, held_by, lease_expired_before
from .models import ACTIVE_STATUSES, Task, TaskStatus, TaskType

logger = logging.getLogger(__name__)

# At most this many progress events a second per task reach the channel layer.
PROGRESS_EVENTS_PER_SECOND = 4


QUEUE_UNAVAILABLE = "The task queue could not be reached, so the task was not started."


class TaskCancelled(Exception):
    """Raised inside a running task when its owner asked to cancel it."""


def task_create(
    *,
    user: AbstractBaseUser,
    task_type: TaskType,
    params: dict,
    total_items: int,
    project=None,
) -> Task:
    """A new pending task; the caller enqueues it once its transaction commits.

    Refused with 429 when the user already has as many unfinished tasks as
    ``PHONEGEN_MAX_ACTIVE_TASKS`` allows.
    """
    limit = settings.PHONEGEN_MAX_ACTIVE_TASKS
    active = Task.objects.filter(user=user, status__in=ACTIVE_STATUSES).count()
    if active >= limit:
        raise TooManyRequests(
            f"You have {active} unfinished tasks; at most {limit} may run at once.",
            errors={"tasks": [f"Wait for a task to finish (limit {limit})."]},
            retry_after=10,
        )

    return Task.objects.create(
        user=user,
        project=project,
        task_type=task_type,
        params=params,
        total_items=total_items,
        current_step="Waiting for a worker",
        # For a pending task, when it was last queued (see recovery).
        heartbeat_at=timezone.now(),
    )


def estimate_text(items: int, *, rate: int) -> str:
    """A rough, human duration for ``items`` at ``rate`` a second: "about 3 seconds"."""
    seconds = max(1, round(items / rate))
    return f"about {seconds} second{'s' if seconds != 1 else ''}"


def task_enqueue(task: Task) -> None:
    """Hand ``task`` to the background runner once the current transaction commits.

    If the queue cannot take it, the task is failed with the reason and the
    request answers 503: a task left pending would run later, after the user
    has already asked again.
    """
    transaction.on_commit(lambda: _dispatch_or_fail(task))


def _dispatch_or_fail(task: Task) -> None:
    from .dispatch import QueueUnavailable, dispatch

    try:
        dispatch(task.task_id)
    except QueueUnavailable:
        task_give_up(task, message=QUEUE_UNAVAILABLE)
        raise ServiceUnavailable(
            f"{QUEUE_UNAVAILABLE} Try again in a moment.",
            errors={"task": ["The task queue is unavailable."]},
            retry_after=10,
        ) from None


def task_cancel(*, task: Task) -> Task:
    """Cancel a pending task at once, or ask a running one to stop after its batch."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.is_finished:
            raise Conflict(
                f"The task is already {task.status} and cannot be cancelled.",
                errors={"task_id": [f"Task is {task.status}."]},
            )

        task.cancel_requested = True
        if task.status == TaskStatus.PENDING:
            _finish(task, TaskStatus.CANCELLED, step="Cancelled before it started")
        else:
            task.save(update_fields=["cancel_requested"])

    if task.status == TaskStatus.CANCELLED:
        task_publish(task, "task_cancelled")
    logger.info("task %s: cancel requested (status %s)", task.task_id, task.status)
    return task


class ProgressReporter:
    """Saves a running task's progress and tells its WebSocket clients.

    Services call :meth:`advance` once per batch, inside the transaction that
    stores the batch, so that the progress a client sees never runs ahead of
    what is stored.
    """

    def __init__(self, task: Task) -> None:
        self.task = task
        self._throttle = Throttle(1 / PROGRESS_EVENTS_PER_SECOND)

    def resumed_cancelled(self) -> bool:
        """True for a task taken over from a lost runner after its cancel was
        asked: the handler reports what is stored, without another batch."""
        return self.task.processed_items > 0 and self.task.cancel_requested

    def check_cancelled(self) -> None:
        """Raise :class:`TaskCancelled` if the owner has asked to cancel."""
        requested = (
            Task.objects.filter(pk=self.task.pk)
            .values_list("cancel_requested", flat=True)
            .first()
        )
        if requested:
            raise TaskCancelled()

    def locked_checkpoint(self) -> dict:
        """The checkpoint as last committed, with the task's row locked until the
        caller's transaction ends: runners sharing one task (the parts of a
        validation) take turns to add their batch to it, and none overwrites
        what another stored."""
        rows = held_by(self.task).select_for_update().values_list("checkpoint")
        row = rows.first()
        if row is None:
            raise TaskLeaseLost()
        return row[0] or {}

    def advance(
        self,
        *,
        processed: int,
        successful: int,
        failed: int = 0,
        step: str = "",
        total: int | None = None,
        checkpoint: dict | None = None,
    ) -> None:
        """Record how far the task has got (absolute counts, not increments), and
        the ``checkpoint`` a later run would resume from."""
        task = self.task
        now = timezone.now()
        if total is not None:
            task.total_items = total
        if checkpoint is not None:
            task.checkpoint = checkpoint
        task.processed_items = processed
        task.successful_items = successful
        task.failed_items = failed
        task.progress = _percent(processed, task.total_items)
        task.current_step = step or task.current_step
        task.estimated_completion = _estimate(task, now)
        task.heartbeat_at = now
        # Fenced by the lease: a runner that lost its task to another must not
        # store its batch, so the caller's transaction is rolled back.
        saved = held_by(task).update(
            total_items=task.total_items,
            processed_items=processed,
            successful_items=successful,
            failed_items=failed,
            progress=task.progress,
            current_step=task.current_step,
            estimated_completion=task.estimated_completion,
            heartbeat_at=now,
            checkpoint=task.checkpoint,
        )
        if not saved:
            raise TaskLeaseLost()

        # The throttle keeps slow clients and the channel layer's per-channel
        # capacity out of trouble; the batch that reaches the total always gets
        # through, so the last progress a client sees is the real last one.
        last = task.total_items > 0 and processed >= task.total_items
        if self._throttle.ready(force=last):
            transaction.on_commit(lambda: task_publish(task, "task_progress"))


def task_start(task: Task) -> Task | None:
    """Take the lease of ``task`` for this attempt; None when it must not run.

    A finished task (say, delivered twice), one that another runner holds with a
    live heartbeat, and one whose cancel was asked before it started are left
    alone. An in-progress task whose heartbeat is older than the lease has lost
    its runner, and is taken over; if its cancel was asked meanwhile, its
    handler reports what it had stored (``ProgressReporter.resumed_cancelled``)
    and stores nothing more.
    """
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status not in ACTIVE_STATUSES:
            return None
        if task.status == TaskStatus.IN_PROGRESS and not _lease_expired(task):
            logger.info("task %s: held by a live runner, not started", task.pk)
            return None
        if task.cancel_requested and not task.processed_items:
            _finish(task, TaskStatus.CANCELLED, step="Cancelled before it started")
            # Sent once committed, so a client that reads the task on hearing
            # of it finds it cancelled.
            transaction.on_commit(lambda: task_publish(task, "task_cancelled"))
            return None

        now = timezone.now()
        first_attempt = task.started_at is None
        task.status = TaskStatus.IN_PROGRESS
        task.started_at = task.started_at or now
        task.heartbeat_at = now
        task.attempts += 1
        task.current_step = "Starting" if first_attempt else "Resuming"
        task.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "attempts",
                "current_step",
            ]
        )

    task_publish(task, "task_started")
    return task


def task_complete(task: Task, *, result: dict, step: str = "Completed") -> None:
    task.result_data = result
    task.progress = 100
    _finish_held(task, TaskStatus.COMPLETED, step=step)
    task_publish(task, "task_completed")


def task_mark_cancelled(task: Task, *, result: dict) -> None:
    task.result_data = result
    _finish_held(task, TaskStatus.CANCELLED, step="Cancelled")
    task_publish(task, "task_cancelled")


def task_release(task: Task, *, step: str) -> bool:
    """Give the lease back so that a retry of this task may take it at once."""
    released = held_by(task).update(
        status=TaskStatus.PENDING, current_step=step, heartbeat_at=timezone.now()
    )
    return bool(released)


def task_fail(task: Task, *, message: str, result: dict | None = None) -> None:
    """Mark the task failed; its runner must still hold the lease."""
    task.error_message = message
    if result is not None:
        task.result_data = result
    _finish_held(task, TaskStatus.FAILED, step="Failed")
    task_publish(task, "task_failed")


def task_give_up(task: Task, *, message: str) -> None:
    """Fail a task that no runner holds (its last runner vanished)."""
    task.error_message = message
    _finish(task, TaskStatus.FAILED, step="Failed")
    transaction.on_commit(lambda: task_publish(task, "task_failed"))


def _finish(task: Task, status: TaskStatus, *, step: str) -> None:
    now = timezone.now()
    task.status = status
    task.current_step = step
    task.completed_at = now
    task.estimated_completion = None
    task.save()


def _finish_held(task: Task, status: TaskStatus, *, step: str) -> None:
    """Finish a task as its runner: only while the runner still holds the lease."""
    task.status = status
    task.current_step = step
    task.completed_at = timezone.now()
    task.estimated_completion = None
    finished = held_by(task).update(
        status=status,
        current_step=step,
        completed_at=task.completed_at,
        estimated_completion=None,
        progress=task.progress,
        processed_items=task.processed_items,
        successful_items=task.successful_items,
        failed_items=task.failed_items,
        total_items=task.total_items,
        result_data=task.result_data,
        error_message=task.error_message,
    )
    if not finished:
        raise TaskLeaseLost()


def _lease_expired(task: Task) -> bool:
    return task.heartbeat_at is None or task.heartbeat_at < lease_expired_before()


def _percent(processed: int, total: int) -> int:
    if total <= 0:
        return 0
    return min(100, processed * 100 // total)


def _estimate(task: Task, now):
    if task.started_at is None or task.processed_items <= 0 or task.total_items <= 0:
        return None
    elapsed = (now - task.started_at).total_seconds()
    remaining = task.total_items - task.processed_items
    return now + timedelta(seconds=elapsed / task.processed_items * remaining)
