"""Periodic clean-up of old finished tasks."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import FINISHED_STATUSES, Task

logger = logging.getLogger(__name__)


def tasks_delete_old(*, days: int | None = None) -> int:
    """Delete tasks that finished more than ``days`` ago (default: the retention
    setting); return how many went.

    Numbers the tasks stored stay: they belong to their projects. Import report
    rows go with their task.
    """
    days = settings.PHONEGEN_TASK_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    old = Task.objects.filter(status__in=FINISHED_STATUSES, completed_at__lt=cutoff)

    deleted, by_model = old.delete()
    removed = by_model.get(Task._meta.label, 0)
    logger.info(
        "deleted %d tasks finished before %s (%d rows in all)",
        removed,
        cutoff.isoformat(),
        deleted,
    )
    return removed
