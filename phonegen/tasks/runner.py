"""Run one task record to its end, whatever runs it (Celery or a server thread)."""

import logging
import time
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError

from .models import Task, TaskType
from .services import (
    ProgressReporter,
    TaskCancelled,
    task_complete,
    task_fail,
    task_mark_cancelled,
    task_start,
)

logger = logging.getLogger(__name__)

# Errors worth another attempt: the database or the network blinked.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

Handler = Callable[[Task, ProgressReporter], dict]


def _handlers() -> dict[str, Handler]:
    # Imported here: services of other apps import this app's models.
    from phonegen.numbers.importing.service import import_run
    from phonegen.numbers.services.generation import generation_run
    from phonegen.numbers.services.validation import validation_run

    return {
        TaskType.GENERATION: generation_run,
        TaskType.VALIDATION: validation_run,
        TaskType.IMPORT: import_run,
    }


def task_run(task_id, *, final_attempt: bool = True) -> str | None:
    """Run the task ``task_id``; return its final status, or None if it did not run.

    A transient error is re-raised for the caller to retry unless this is the
    ``final_attempt``, in which case the task is marked failed.
    """
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        logger.warning("task %s: no such task, skipped", task_id)
        return None

    task = task_start(task)
    if task is None:
        logger.info("task %s: already finished or cancelled, skipped", task_id)
        return None

    handler = _handlers()[task.task_type]
    reporter = ProgressReporter(task)
    started = time.monotonic()
    logger.info(
        "task %s: %s started (attempt %d, %d items)",
        task.task_id, task.task_type, task.attempts, task.total_items,
    )

    try:
        result = handler(task, reporter)
    except TaskCancelled as cancelled:
        result = cancelled.args[0] if cancelled.args else {}
        task_mark_cancelled(task, result=result)
        logger.info(
            "task %s: cancelled after %d items in %.1fs",
            task.task_id, task.successful_items, time.monotonic() - started,
        )
        return task.status
    except TRANSIENT_ERRORS as error:
        if not final_attempt:
            logger.warning("task %s: transient error, will retry: %s", task_id, error)
            raise
        logger.exception("task %s: failed after retries", task_id)
        _fail_safely(task_id, "The database was unavailable; the task gave up.")
        return "failed"
    except DatabaseError:
        logger.exception("task %s: database error", task_id)
        _fail_safely(task_id, "A database error stopped the task.")
        return "failed"
    except Exception as error:
        logger.exception("task %s: failed", task_id)
        _fail_safely(task_id, _public_message(error))
        return "failed"

    task_complete(task, result=result)
    logger.info(
        "task %s: %s completed, %d items in %.1fs",
        task.task_id, task.task_type, task.successful_items, time.monotonic() - started,
    )
    return task.status


def _fail_safely(task_id, message: str) -> None:
    # Re-read the row: the in-memory task may hold progress from a rolled-back batch.
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        logger.warning("task %s: deleted while it ran (its project went)", task_id)
        return
    task_fail(task, message=message)


def _public_message(error: Exception) -> str:
    from phonegen.errors import PhonegenError

    if isinstance(error, PhonegenError):
        return error.message
    return "The task failed unexpectedly; the server log has the details."
