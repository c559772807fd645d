"""Pick up tasks whose runner went away before they finished."""

import logging

from .dispatch import dispatch
from .models import ACTIVE_STATUSES, Task

logger = logging.getLogger(__name__)


def tasks_requeue_orphaned() -> int:
    """Queue again every pending or in-progress task (embedded runner start-up).

    Only called when no other process can be running them: with the embedded
    runner, tasks live and die with the server process.
    """
    task_ids = list(
        Task.objects.filter(status__in=ACTIVE_STATUSES).values_list("task_id", flat=True)
    )
    for task_id in task_ids:
        logger.info("task %s: re-queued after restart", task_id)
        dispatch(task_id)
    return len(task_ids)
