"""Validation of stored numbers against the prefix database, in set-based SQL.

Each batch is one ``UPDATE ... FROM`` that checks the NANP structure of every
number in an id range and copies the fields of its longest prefix (an NPA-NXX-X
block beats its NPA-NXX). Nothing is read into Python per number, so a batch
costs about what the database needs to rewrite its rows.

A batch the database refuses is split in halves until the rows it refuses are
found; those are marked ``error`` and the rest of the batch is validated.
"""

import functools
import logging
import time
from collections import Counter

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from phonegen.errors import InvalidInput, NotFound
from phonegen.numbering.nanp import is_geographic_npa
from phonegen.prefixes.models import PhonePrefix
from phonegen.tasks.models import Task, TaskType
from phonegen.tasks.runner import TRANSIENT_ERRORS
from phonegen.tasks.services import (
    ProgressReporter,
    TaskCancelled,
    estimate_text,
    task_create,
    task_enqueue,
)

from ..models import PhoneNumber, Project, ValidationStatus, ValidationTarget
from ..selectors import validation_selection
from .statistics import statistics_refresh

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

    Validating is idempotent, so a task delivered again simply starts over.
    """
    numbers = validation_selection(
        user=task.user, project_id=task.params.get("project_id"), task=task
    )
    batch_size = task.params.get("batch_size", 1000)
    counts: Counter = Counter()
    started = time.monotonic()
    statistics_refresh(PhoneNumber, ValidationTarget)
    total = numbers.count()
    last_id = 0
    batches = 0

    while True:
        # Each batch is the next ids in order (keyset), so a batch costs the
        # same at the end of a million numbers as at the start.
        ids = list(
            numbers.filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids and batches:
            break
        with transaction.atomic():
            # The batch as a range of the selection: two parameters where a
            # list of ids would be thousands, parsed twice per batch.
            if ids:
                batch = numbers.filter(id__gte=ids[0], id__lte=ids[-1])
                counts.update(numbers_validate_isolated(batch))
            batches += 1
            processed = sum(counts.values())
            reporter.advance(
                processed=processed,
                successful=counts[ValidationStatus.VALID],
                failed=counts[ValidationStatus.ERROR],
                total=max(total, processed),
                step=f"Validated {processed:,} of {max(total, processed):,} numbers",
            )
        logger.debug("task %s: batch %d validated", task.task_id, batches)
        if len(ids) < batch_size:
            break
        last_id = ids[-1]
        try:
            reporter.check_cancelled()
        except TaskCancelled:
            raise TaskCancelled(_result(counts, batches, started)) from None

    result = _result(counts, batches, started)
    logger.info(
        "task %s: %d numbers validated (%d valid, %d invalid, %d failed) at %s/s",
        task.task_id, result["validated"], result["valid"], result["invalid"],
        result["failed"], result["numbers_per_second"],
    )  # fmt: skip
    return result


def numbers_validate_isolated(
    numbers: QuerySet[PhoneNumber], *, low: int = 0, high: int | None = None
) -> dict:
    """:func:`numbers_validate`, but rows the database refuses to update are
    marked ``error`` instead of failing the others.

    A batch in which every row fails is not one bad record but a broken
    database: that error is raised for the task to fail (or be retried).
    """
    try:
        with transaction.atomic():
            return numbers_validate(numbers, low=low, high=high)
    except TRANSIENT_ERRORS:
        raise
    except DatabaseError as error:
        ids = list(
            _scoped(numbers, low, high).order_by("id").values_list("id", flat=True)
        )
        if len(ids) <= 1:
            return _mark_failed(numbers, ids, error)
        middle = ids[len(ids) // 2 - 1]
        counts = Counter(numbers_validate_isolated(numbers, low=low, high=middle))
        counts.update(numbers_validate_isolated(numbers, low=middle, high=high))
        if counts[ValidationStatus.ERROR] == len(ids):
            raise
        return dict(counts)


def _mark_failed(
    numbers: QuerySet[PhoneNumber], ids: list[int], error: DatabaseError
) -> dict:
    if not ids:
        raise error
    logger.warning("number %s could not be validated: %s", ids[0], error)
    try:
        with transaction.atomic():
            numbers.filter(id=ids[0]).update(
                validation_status=ValidationStatus.ERROR,
                valid_number=None,
                validation_attempted=True,
                validation_date=timezone.now(),
                validation_source="internal",
            )
    except DatabaseError:
        logger.warning("number %s could not be marked as failed", ids[0])
    return {ValidationStatus.ERROR: 1}


def _scoped(
    numbers: QuerySet[PhoneNumber], low: int, high: int | None
) -> QuerySet[PhoneNumber]:
    scoped = numbers.filter(id__gt=low)
    if high is not None:
        scoped = scoped.filter(id__lte=high)
    return scoped


def numbers_validate(
    numbers: QuerySet[PhoneNumber], *, low: int = 0, high: int | None = None
) -> dict:
    """Validate the numbers of ``numbers`` with ``low < id <= high`` (no upper
    bound when ``high`` is None); return how many got each status."""
    scoped = _scoped(numbers, low, high)
    bounds = scoped.order_by().aggregate(first=Min("id"), last=Max("id"))
    if bounds["first"] is None:
        return {}
    # No ORDER BY inside the IN (...) list: it would only cost a sort.
    ids_sql, ids_params = scoped.order_by().values("id").query.sql_with_params()

    with connection.cursor() as cursor:
        checked_at = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(
            _update_sql(ids_sql),
            [checked_at, *ids_params, bounds["first"], bounds["last"]],
        )
        # The statuses come back from the UPDATE itself: no second query.
        return dict(Counter(status for (status,) in cursor.fetchall()))


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


@functools.cache
def _non_geographic_npas() -> str:
    npas = [str(n) for n in range(200, 1000) if not is_geographic_npa(str(n))]
    return ", ".join(f"'{npa}'" for npa in npas)


def _not_all_digits(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"{column} !~ '^[0-9]+$'"
    # SQLite's GLOB: a character that is not a digit, anywhere.
    return f"{column} GLOB '*[^0-9]*'"


def _update_sql(ids_sql: str) -> str:
    table = PhoneNumber._meta.db_table
    prefixes = PhonePrefix._meta.db_table
    # Positions in the stored form 1NPANXXXXXX: NPA at 2, NXX at 5, line at 8.
    malformed = f"""
        length(n.number) <> 11 OR {_not_all_digits("n.number")}
        OR substr(n.number, 1, 1) <> '1'
        OR substr(n.number, 2, 1) IN ('0', '1') OR substr(n.number, 3, 2) = '11'
        OR substr(n.number, 5, 1) IN ('0', '1')
        OR (substr(n.number, 6, 2) = '11'
            AND substr(n.number, 2, 3) NOT IN ({_non_geographic_npas()}))
    """
    fictional = """
        substr(n.number, 5, 3) = '555'
        AND (substr(n.number, 8, 2) = '01' OR substr(n.number, 8, 4) = '1212')
    """
    # The longest prefix decides carrier and type; a block without a location
    # of its own sits where its NPA-NXX does.
    return f"""
        UPDATE {table} SET
            prefix = v.prefix, carrier = v.carrier, brand = v.brand,
            line_type = v.line_type, city = v.city, state = v.state,
            country = v.country, validation_status = v.status,
            valid_number = (v.status = 'valid'), validation_attempted = TRUE,
            validation_date = v.checked_at, validation_source = 'internal'
        FROM (
            SELECT n.id AS id, %s AS checked_at,
                CASE
                    WHEN {malformed} THEN 'invalid_format'
                    WHEN {fictional} THEN 'fictional'
                    WHEN p7.id IS NULL AND p6.id IS NULL THEN 'unassigned_prefix'
                    ELSE 'valid'
                END AS status,
                CASE WHEN p7.id IS NOT NULL THEN p7.prefix
                     ELSE coalesce(p6.prefix, '') END AS prefix,
                CASE WHEN p7.id IS NOT NULL THEN p7.carrier
                     ELSE coalesce(p6.carrier, '') END AS carrier,
                CASE WHEN p7.id IS NOT NULL THEN p7.brand
                     ELSE coalesce(p6.brand, '') END AS brand,
                CASE WHEN p7.id IS NOT NULL THEN p7.line_type
                     ELSE coalesce(p6.line_type, 'unknown') END AS line_type,
                coalesce(nullif(p7.city, ''), p6.city, '') AS city,
                coalesce(nullif(p7.state, ''), p6.state, '') AS state,
                coalesce(nullif(p7.country, ''), p6.country, '') AS country
            FROM {table} n
            LEFT JOIN {prefixes} p7 ON p7.prefix = substr(n.number, 2, 7)
            LEFT JOIN {prefixes} p6 ON p6.prefix = substr(n.number, 2, 6)
            WHERE n.id IN ({ids_sql})
        ) AS v
        WHERE {table}.id = v.id AND {table}.id BETWEEN %s AND %s
        RETURNING {table}.validation_status
    """
