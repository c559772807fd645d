"""Celery tasks: thin wrappers that hand a task id to the runner."""

from celery import shared_task
from celery.utils.log import get_task_logger

from .runner import TRANSIENT_ERRORS, task_run

logger = get_task_logger(__name__)


@shared_task(
    bind=True,
    name="phonegen.task_run",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def task_run_task(self, task_id: str) -> str | None:
    """Run the phonegen task ``task_id`` (generation, validation, import)."""
    final = self.request.retries >= self.max_retries
    return task_run(task_id, final_attempt=final)


@shared_task(name="phonegen.tasks_delete_old")
def tasks_delete_old_task() -> int:
    """Delete finished tasks older than the retention setting (run by beat)."""
    from .housekeeping import tasks_delete_old

    return tasks_delete_old()


@shared_task(name="phonegen.tasks_recover_stale")
def tasks_recover_stale_task() -> dict[str, int]:
    """Re-queue tasks that lost their worker or their message (run by beat)."""
    from .recovery import tasks_recover_stale

    return tasks_recover_stale()
