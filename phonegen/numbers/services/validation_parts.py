"""A big project's validation, split in parts of its numbers walked side by side.

One batch is one statement on one PostgreSQL connection, which keeps one core
of the database busy while the others wait. A project of at least
``PARALLEL_FROM`` numbers is therefore split in ``PHONEGEN_VALIDATION_THREADS``
ranges of its (project, number) key, each walked by a thread of this runner on
a connection of its own.

Each batch still commits with the task's progress. The thread locks the task's
row, adds its batch to the checkpoint as last committed (the counts, and where
its part has got to) and saves it: progress never runs ahead of what is stored
nor moves backwards, and a runner that takes the task over resumes each part
where it stopped.
"""

import copy
import itertools
import logging
import threading
from collections import Counter

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Max, Min, QuerySet

from phonegen.numbering.nanp import is_digits
from phonegen.tasks.models import Task
from phonegen.tasks.services import ProgressReporter, TaskCancelled

from ..models import PhoneNumber
from .storage import commit_without_flush
from .validation_batches import ProjectBatches, progress_save

logger = logging.getLogger(__name__)

# Below this, a second connection costs more than it saves.
PARALLEL_FROM = 50_000


def parts_planned(
    numbers: QuerySet[PhoneNumber], project_id: int, total: int
) -> list[dict] | None:
    """The parts of the project's numbers to walk side by side, as
    ``{"after": number, "until": number or None}``; None for a single walk."""
    threads = settings.PHONEGEN_VALIDATION_THREADS
    if connection.vendor != "postgresql" or threads < 2 or total < PARALLEL_FROM:
        return None
    if connection.in_atomic_block:
        # The threads' connections would not see what this transaction holds.
        return None

    span = numbers.filter(project_id=project_id).aggregate(
        low=Min("number"), high=Max("number")
    )
    low, high = span["low"] or "", span["high"] or ""
    if not (is_digits(low) and is_digits(high) and len(low) == len(high)):
        return None
    first, last = int(low), int(high)
    if last - first < threads:
        return None

    # Even cuts of the numbers' range: a sample's numbers spread over it. The
    # parts cover every string in any case, whatever the project holds.
    cuts = [
        str(first + (last - first) * k // threads).zfill(len(low))
        for k in range(1, threads)
    ]
    edges = ["", *cuts, None]
    return [{"after": a, "until": u} for a, u in itertools.pairwise(edges)]


def parts_validate(
    task: Task, numbers: QuerySet[PhoneNumber], parts: list[dict], batch_size: int
) -> None:
    """Validate every part of the task's project, each in a thread of its own.

    Returns when all are done; raises what stopped one of them (the others
    stop after their batch): :class:`TaskCancelled` only when nothing else
    went wrong.
    """
    stop = threading.Event()
    errors: list[Exception] = []

    def walk(index: int) -> None:
        try:
            _walk(task, numbers, index, parts[index], batch_size, stop)
        except Exception as error:  # noqa: BLE001 - raised again by the caller
            errors.append(error)
            stop.set()
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=walk, args=(i,), name=f"validation-{task.pk}-{i}")
        for i in range(len(parts))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    if errors:
        raise next((e for e in errors if not isinstance(e, TaskCancelled)), errors[0])


def _walk(
    task: Task,
    numbers: QuerySet[PhoneNumber],
    index: int,
    part: dict,
    batch_size: int,
    stop: threading.Event,
) -> None:
    project_id = task.params["project_id"]
    batches = ProjectBatches(
        numbers, project_id, after=part["after"], until=part["until"]
    )
    # A reporter of its own: its throttle, and a task instance no other
    # thread changes while a message about it waits for the commit.
    reporter = ProgressReporter(copy.copy(task))
    total = task.total_items
    logger.info("task %s: part %d from %r started", task.task_id, index, part)

    size = batch_size
    while size == batch_size and not stop.is_set():
        with transaction.atomic():
            commit_without_flush()
            checked, size = batches.validate_next(batch_size)
            if size:
                saved = reporter.locked_checkpoint()
                counts = Counter(saved.get("counts", {}))
                counts.update(checked)
                saved["parts"][index]["after"] = batches.last
                place = {
                    "project_id": project_id,
                    "parts": saved["parts"],
                    "batches": saved.get("batches", 0) + 1,
                }
                progress_save(reporter, counts, total, place)
        if size == batch_size:
            reporter.check_cancelled()
    logger.info("task %s: part %d done", task.task_id, index)
