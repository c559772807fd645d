"""Hand a task to whatever runs background work in this deployment.

Production: a Celery queue served by ``celery worker`` processes. Embedded
default: a small pool of threads inside the server process.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The broker could not take the task's message."""


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def dispatch(task_id) -> None:
    """Queue the task ``task_id`` for a worker."""
    if settings.PHONEGEN_TASK_RUNNER == "celery":
        from .tasks import task_run_task

        try:
            task_run_task.delay(str(task_id))
        except BrokerError as error:
            logger.error("task %s: broker unavailable, not queued: %s", task_id, error)
            raise QueueUnavailable(str(error)) from error
    else:
        _thread_executor().submit(_run_in_thread, task_id)
    logger.info("task %s: queued (%s)", task_id, settings.PHONEGEN_TASK_RUNNER)


def _thread_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.PHONEGEN_THREAD_WORKERS,
                thread_name_prefix="phonegen-task",
            )
        return _executor


def _run_in_thread(task_id) -> None:
    from .runner import task_run

    close_old_connections()
    try:
        task_run(task_id)
    except Exception:
        logger.exception("task %s: runner thread crashed", task_id)
    finally:
        connections.close_all()


def wait_for_threads() -> None:
    """Block until every queued thread task has run (used on shutdown and in tests)."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True)
