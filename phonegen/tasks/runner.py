"""Run one task record to its end, whatever runs it (Celery or a server thread)."""

import logging
import time
from collections.abc import Callable
from contextlib import nullcontext

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection

from .lease import Heartbeat, TaskLeaseLost
from .models import Task, TaskType
from .services import (
    ProgressReporter,
    TaskCancelled,
    task_complete,
    task_fail,
    task_mark_cancelled,
    task_release,
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


def _settlers() -> dict[str, Callable[[Task], None]]:
    """What a task type does once its task has ended, out of its clients' wait."""
    from phonegen.numbers.services.generation import generation_settle

    return {TaskType.GENERATION: generation_settle}


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
        task.task_id,
        task.task_type,
        task.attempts,
        task.total_items,
    )

    try:
        with _heartbeat(task):
            status = _run_handler(task, handler, reporter, started, final_attempt)
    except TaskLeaseLost:
        # Another runner took the task over while this one looked dead; what
        # this one was writing was rolled back, the other carries on.
        logger.warning("task %s: lease lost to another runner, stopped", task_id)
        return None

    if status is not None:
        _settle_safely(task)
    return status


def _settle_safely(task: Task) -> None:
    # The task has ended and its clients know; what is left only helps later
    # requests, and must not turn a finished task into a retried one.
    settle = _settlers().get(task.task_type)
    if settle is None:
        return
    try:
        settle(task)
    except DatabaseError as error:
        logger.warning("task %s: not settled: %s", task.task_id, error)


def _run_handler(task, handler, reporter, started, final_attempt) -> str | None:
    task_id = task.task_id
    try:
        result = handler(task, reporter)
    except TaskCancelled as cancelled:
        result = cancelled.args[0] if cancelled.args else {}
        task_mark_cancelled(task, result=result)
        logger.info(
            "task %s: cancelled after %d items in %.1fs",
            task_id,
            task.successful_items,
            time.monotonic() - started,
        )
        return task.status
    except TaskLeaseLost:
        raise
    except TRANSIENT_ERRORS as error:
        if not final_attempt:
            logger.warning("task %s: transient error, will retry: %s", task_id, error)
            _release_safely(task)
            raise
        logger.exception("task %s: failed after retries", task_id)
        _fail_safely(task, "The database was unavailable; the task gave up.")
        return "failed"
    except DatabaseError:
        logger.exception("task %s: database error", task_id)
        _fail_safely(task, "A database error stopped the task.")
        return "failed"
    except Exception as error:
        logger.exception("task %s: failed", task_id)
        _fail_safely(task, _public_message(error))
        return "failed"

    task_complete(task, result=result)
    logger.info(
        "task %s: %s completed, %d items in %.1fs",
        task_id,
        task.task_type,
        task.successful_items,
        time.monotonic() - started,
    )
    return task.status


def _heartbeat(task: Task):
    # Only Celery workers can vanish while the service lives on; the embedded
    # runner's threads end with the server, which re-queues them at start.
    if settings.PHONEGEN_TASK_RUNNER == "celery":
        return Heartbeat(task)
    return nullcontext()


def _release_safely(task: Task) -> None:
    """Hand the lease back before a retry; if the database is still away, the
    lease simply runs out and the retry or the recovery takes the task then."""
    _drop_broken_connection()
    try:
        task_release(task, step="Retrying after a database error")
    except DatabaseError as error:
        logger.warning("task %s: lease not released: %s", task.task_id, error)


def _fail_safely(task: Task, message: str) -> None:
    # Re-read the row: the in-memory task may hold progress from a rolled-back
    # batch. Only the lease's own attempt may fail it.
    _drop_broken_connection()
    current = Task.objects.filter(pk=task.pk, attempts=task.attempts).first()
    if current is None:
        logger.warning("task %s: deleted or taken over while it ran", task.pk)
        return
    task_fail(current, message=message)


def _drop_broken_connection() -> None:
    # A connection the server ended answers every later query with an error;
    # Django replaces it only when asked. Inside a caller's transaction it must
    # stay, broken or not.
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _public_message(error: Exception) -> str:
    from phonegen.errors import PhonegenError

    if isinstance(error, PhonegenError):
        return error.message
    return "The task failed unexpectedly; the server log has the details."
