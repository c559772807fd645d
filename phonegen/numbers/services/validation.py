"""Validation of stored numbers against the prefix database, in set-based SQL.

Each batch (see :mod:`.validation_batches`) is one ``UPDATE ... FROM`` (see
:mod:`.validation_sql`) that checks the NANP structure of every number of the
batch and copies the fields of its longest prefix (an NPA-NXX-X block beats its
NPA-NXX). Nothing is read into Python per number, so a batch costs about what
the database needs to rewrite its rows.

A batch the database refuses is split in halves until the rows it refuses are
found; those are marked ``error`` and the rest of the batch is validated.
"""

import logging
import time
from collections import Counter
from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, Min, QuerySet

from phonegen.errors import InvalidInput, NotFound
from phonegen.tasks.models import Task, TaskType
from phonegen.tasks.services import (
    ProgressReporter,
    TaskCancelled,
    estimate_text,
    task_create,
    task_enqueue,
)

from ..models import PhoneNumber, Project, ValidationStatus, ValidationTarget
from ..selectors import validation_selection
from .statistics import statistics_cover, statistics_refresh
from .storage import commit_without_flush
from .validation_batches import IdBatches, ProjectBatches, progress_save
from .validation_parts import parts_planned, parts_validate

logger = logging.getLogger(__name__)

# The most numbers one request may name by id.
MAX_PHONE_IDS = 100_000
# Numbers a second the estimate assumes; deliberately modest.
ESTIMATE_RATE = 20_000
_TARGET_BATCH = 5000


def validation_start(
    *,
    user: AbstractBaseUser,
    project: Project | None = None,
    phone_ids: list[int] | None = None,
    batch_size: int = 1000,
    enqueue: bool = True,
    inline_below: int = 0,
) -> Task:
    """Create (and by default queue) a task validating the selected numbers.

    ``phone_ids`` that are not the user's (or not in ``project``) answer 404 as
    a whole: validating a part of what was asked would hide the mistake. A
    task of fewer than ``inline_below`` numbers is not queued even with
    ``enqueue``: the caller runs it (the legacy synchronous endpoint).
    """
    ids = sorted(set(phone_ids or []))
    if len(ids) > MAX_PHONE_IDS:
        raise InvalidInput(
            f"At most {MAX_PHONE_IDS:,} phone_ids can be validated at once.",
            errors={"phone_ids": [f"Give at most {MAX_PHONE_IDS:,} ids."]},
        )

    with transaction.atomic():
        task = task_create(
            user=user,
            project=project,
            task_type=TaskType.VALIDATION,
            params={
                "project_id": project.pk if project else None,
                "phone_id_count": len(ids),
                "batch_size": batch_size,
            },
            total_items=0,
        )
        ValidationTarget.objects.bulk_create(
            (ValidationTarget(task=task, phone_id=i) for i in ids),
            batch_size=_TARGET_BATCH,
        )
        numbers = validation_selection(
            user=user, project_id=project.pk if project else None, task=task
        )
        total = numbers.count()
        if ids and total != len(ids):
            where = "in this project" if project else "yours"
            raise NotFound(
                f"Some phone_ids do not exist or are not {where}.",
                errors={"phone_ids": [f"{len(ids) - total} ids were not found."]},
            )

        task.total_items = total
        task.save(update_fields=["total_items"])
        if enqueue and total >= inline_below:
            task_enqueue(task)

    logger.info("task %s: validation of %d numbers created", task.task_id, total)
    return task


def estimated_time(total: int) -> str:
    return estimate_text(total, rate=ESTIMATE_RATE)


def validation_run(task: Task, reporter: ProgressReporter) -> dict:
    """Validate the task's numbers batch by batch; return counts by status.

    Each batch saves where it ended as the task's checkpoint, so a run that
    takes the task over after a lost worker goes on from there with the
    counts so far, rather than starting again.
    """
    batch_size = task.params.get("batch_size", 1000)
    resumed = task.checkpoint or {}
    counts: Counter = Counter(resumed.get("counts", {}))
    batches = resumed.get("batches", 0)
    started = time.monotonic()
    statistics_refresh(PhoneNumber, ValidationTarget)
    # Counted when the task was created: counting again would read every
    # number once more before validating any.
    total = task.total_items
    if reporter.resumed_cancelled():
        raise TaskCancelled(_result(counts, batches, started))
    statistics_cover(_selection(task), total)

    parts = _parts(task, resumed, total)
    if parts:
        if "parts" not in resumed:
            # Each part's batches add to the checkpoint: it names them first.
            with transaction.atomic():
                place = {"project_id": task.params["project_id"], "parts": parts}
                progress_save(reporter, counts, total, place | {"batches": 0})
        try:
            parts_validate(task, _selection(task), parts, batch_size)
        except TaskCancelled:
            counts, batches = _saved_progress(reporter)
            raise TaskCancelled(_result(counts, batches, started)) from None
        counts, batches = _saved_progress(reporter)
        walks = []
    else:
        walks = _batches(task, resumed)

    for numbers in walks:
        size = batch_size
        while size == batch_size:
            with transaction.atomic():
                commit_without_flush()
                checked, size = numbers.validate_next(batch_size)
                if size:
                    counts.update(checked)
                    batches += 1
                    place = numbers.position() | {"batches": batches}
                    progress_save(reporter, counts, total, place)
            logger.debug("task %s: batch %d validated", task.task_id, batches)
            if size == batch_size:
                try:
                    reporter.check_cancelled()
                except TaskCancelled:
                    raise TaskCancelled(_result(counts, batches, started)) from None
    if not batches:
        # Nothing to validate: the task still reports where it stands.
        progress_save(reporter, counts, total, {})

    result = _result(counts, batches, started)
    logger.info(
        "task %s: %d numbers validated (%d valid, %d invalid, %d failed) at %s/s",
        task.task_id, result["validated"], result["valid"], result["invalid"],
        result["failed"], result["numbers_per_second"],
    )  # fmt: skip
    return result


def _parts(task: Task, resumed: dict, total: int) -> list[dict] | None:
    """The parts of a project to walk side by side: those a checkpoint names,
    else, for a new run, those worth it (see :mod:`.validation_parts`)."""
    project_id = task.params.get("project_id")
    if project_id is None or task.params.get("phone_id_count"):
        return None
    if resumed:
        return resumed.get("parts")
    return parts_planned(_selection(task), project_id, total)


def _saved_progress(reporter: ProgressReporter) -> tuple[Counter, int]:
    """The progress the parts saved, taken into the reporter's task (which the
    runner finishes from); the counts and batches of the checkpoint."""
    task = reporter.task
    task.refresh_from_db(fields=_PROGRESS_FIELDS)
    saved = task.checkpoint or {}
    return Counter(saved.get("counts", {})), saved.get("batches", 0)


_PROGRESS_FIELDS = [
    "total_items",
    "processed_items",
    "successful_items",
    "failed_items",
    "progress",
    "current_step",
    "estimated_completion",
    "heartbeat_at",
    "checkpoint",
]


def _batches(task: Task, resumed: dict) -> Iterator[ProjectBatches | IdBatches]:
    """The walks through the task's numbers, from where ``resumed`` (a
    checkpoint) ended: the ids it names, else each of its projects in turn."""
    project_id = task.params.get("project_id")
    numbers = _selection(task)
    if task.params.get("phone_id_count"):
        span = ValidationTarget.objects.filter(task=task).aggregate(
            first=Min("phone_id"), last=Max("phone_id")
        )
        if span["first"] is not None:
            first = resumed.get("after_id", span["first"] - 1) + 1
            yield IdBatches(numbers, first, span["last"])
        return
    if project_id is not None:
        projects = [project_id]
    else:
        projects = Project.objects.filter(owner=task.user).order_by("id")
        projects = list(projects.values_list("id", flat=True))
    for project in projects:
        if project < resumed.get("project_id", project):
            continue
        after = resumed.get("after", "") if project == resumed.get("project_id") else ""
        yield ProjectBatches(numbers, project, after=after)


def _selection(task: Task) -> QuerySet[PhoneNumber]:
    return validation_selection(
        user=task.user, project_id=task.params.get("project_id"), task=task
    )


def _result(counts: Counter, batches: int, started: float) -> dict:
    elapsed = time.monotonic() - started
    processed = sum(counts.values())
    valid = counts[ValidationStatus.VALID]
    failed = counts[ValidationStatus.ERROR]
    return {
        "validated": processed,
        "valid": valid,
        "invalid": processed - valid - failed,
        "failed": failed,
        "by_status": dict(counts),
        "batches": batches,
        "seconds": round(elapsed, 3),
        "numbers_per_second": round(processed / elapsed) if elapsed > 0 else None,
    }
