"""Pick up tasks whose runner went away, or whose queue message was lost."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .dispatch import QueueUnavailable, dispatch
from .lease import lease_expired_before
from .models import ACTIVE_STATUSES, Task, TaskStatus
from .services import task_give_up

logger = logging.getLogger(__name__)


def tasks_requeue_orphaned() -> int:
    """Queue again every pending or in-progress task (embedded runner start-up).

    Only called when no other process can be running them: with the embedded
    runner, tasks live and die with the server process, so an in-progress task
    is free to take whatever its heartbeat says.
    """
    Task.objects.filter(status=TaskStatus.IN_PROGRESS).update(
        status=TaskStatus.PENDING, current_step="Resuming after a restart"
    )
    task_ids = list(
        Task.objects.filter(status__in=ACTIVE_STATUSES).values_list(
            "task_id", flat=True
        )
    )
    for task_id in task_ids:
        logger.info("task %s: re-queued after restart", task_id)
        dispatch(task_id)
    return len(task_ids)


def tasks_recover_stale() -> dict[str, int]:
    """Re-queue tasks that lost their worker or their queue message (Celery beat).

    - In progress with a heartbeat older than the lease: the worker died. The task
      goes back to pending and is queued again; after
      ``PHONEGEN_TASK_MAX_ATTEMPTS`` runs it is failed instead, so that a task
      that kills its worker every time does not go round for ever.
    - Pending and not queued for ``PHONEGEN_TASK_REQUEUE_SECONDS``: its message
      may be gone with a broker that restarted empty. Queued once more; a second
      delivery of a task finds it running or finished and does nothing.
    """
    now = timezone.now()
    counts = {"requeued": 0, "failed": 0, "pending_requeued": 0}

    for task_id in _stale_ids(TaskStatus.IN_PROGRESS, lease_expired_before(now)):
        outcome = _recover_in_progress(task_id, now)
        if outcome:
            counts[outcome] += 1

    queued_before = now - timedelta(seconds=settings.PHONEGEN_TASK_REQUEUE_SECONDS)
    for task_id in _stale_ids(TaskStatus.PENDING, queued_before):
        touched = Task.objects.filter(
            pk=task_id, status=TaskStatus.PENDING, heartbeat_at__lt=queued_before
        ).update(heartbeat_at=now)
        if touched and _dispatch_quietly(task_id):
            logger.info("task %s: still pending, queued again", task_id)
            counts["pending_requeued"] += 1

    if any(counts.values()):
        logger.info("recovery: %s", counts)
    return counts


def _stale_ids(status: TaskStatus, before) -> list:
    stale = Task.objects.filter(status=status).filter(heartbeat_at__lt=before)
    never = Task.objects.filter(status=status, heartbeat_at__isnull=True)
    return list((stale | never).values_list("task_id", flat=True))


def _recover_in_progress(task_id, now) -> str | None:
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(pk=task_id).first()
        # Checked again under the lock: the runner may have beaten since.
        if task is None or task.status != TaskStatus.IN_PROGRESS:
            return None
        if task.heartbeat_at and task.heartbeat_at >= lease_expired_before(now):
            return None

        if task.attempts >= settings.PHONEGEN_TASK_MAX_ATTEMPTS:
            logger.warning(
                "task %s: worker lost on attempt %d, given up", task_id, task.attempts
            )
            task_give_up(
                task,
                message=(
                    "The worker running this task stopped responding, and the task "
                    f"had already been started {task.attempts} times (the limit); "
                    "it was given up."
                ),
            )
            return "failed"

        task.status = TaskStatus.PENDING
        task.current_step = "Re-queued: its worker stopped responding"
        task.heartbeat_at = now
        task.save(update_fields=["status", "current_step", "heartbeat_at"])
        transaction.on_commit(lambda: _dispatch_quietly(task_id))

    logger.warning(
        "task %s: worker lost after attempt %d, re-queued", task_id, task.attempts
    )
    return "requeued"


def _dispatch_quietly(task_id) -> bool:
    # With the broker away, the task stays pending and the next round tries again.
    try:
        dispatch(task_id)
    except QueueUnavailable:
        return False
    return True
