"""Validation of stored numbers against the prefix database, in set-based SQL.

Each batch is one ``UPDATE ... FROM`` that checks the NANP structure of every
number in an id range and copies the fields of its longest prefix (an NPA-NXX-X
block beats its NPA-NXX). Nothing is read into Python per number, so a batch
costs about what the database needs to rewrite its rows.
"""

import functools
import logging
import time

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from phonegen.errors import NotFound
from phonegen.numbering.nanp import is_geographic_npa
from phonegen.prefixes.models import PhonePrefix
from phonegen.tasks.models import Task, TaskType
from phonegen.tasks.services import (
    ProgressReporter,
    TaskCancelled,
    task_create,
    task_enqueue,
)

from ..models import PhoneNumber, Project, ValidationStatus

logger = logging.getLogger(__name__)


def validation_selection(
    *, user: AbstractBaseUser, project_id: int | None = None, phone_ids=None
) -> QuerySet[PhoneNumber]:
    """The user's numbers a validation request names (all of them by default)."""
    numbers = PhoneNumber.objects.filter(project__owner=user)
    if project_id is not None:
        numbers = numbers.filter(project_id=project_id)
    if phone_ids:
        numbers = numbers.filter(id__in=phone_ids)
    return numbers


def validation_start(
    *,
    user: AbstractBaseUser,
    project: Project | None = None,
    phone_ids: list[int] | None = None,
    batch_size: int = 1000,
    enqueue: bool = True,
) -> Task:
    """Create (and by default queue) a task validating the selected numbers.

    ``phone_ids`` that are not the user's answer 404 as a whole: validating a
    part of what was asked would hide the mistake.
    """
    phone_ids = sorted(set(phone_ids or []))
    with transaction.atomic():
        numbers = validation_selection(
            user=user, project_id=project.pk if project else None, phone_ids=phone_ids
        )
        total = numbers.count()
        if phone_ids and total != len(phone_ids):
            raise NotFound(
                "Some phone_ids do not exist or are not yours.",
                errors={"phone_ids": [f"{len(phone_ids) - total} ids were not found."]},
            )

        task = task_create(
            user=user,
            project=project,
            task_type=TaskType.VALIDATION,
            params={
                "project_id": project.pk if project else None,
                "phone_ids": phone_ids,
                "batch_size": batch_size,
            },
            total_items=total,
        )
        if enqueue:
            task_enqueue(task)

    logger.info("task %s: validation of %d numbers queued", task.task_id, total)
    return task


def validation_run(task: Task, reporter: ProgressReporter) -> dict:
    """Validate the task's numbers batch by batch; return counts by status."""
    numbers = validation_selection(
        user=task.user,
        project_id=task.params.get("project_id"),
        phone_ids=task.params.get("phone_ids"),
    )
    batch_size = task.params.get("batch_size", 1000)
    counts: dict[str, int] = {}
    started = time.monotonic()
    total = numbers.count()
    last_id = 0
    processed = 0
    batches = 0

    while True:
        ids = list(
            numbers.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[
                batch_size - 1 : batch_size
            ]
        )
        upper = ids[0] if ids else None
        with transaction.atomic():
            batch_counts = numbers_validate(numbers, low=last_id, high=upper)
            done = sum(batch_counts.values())
            for status, n in batch_counts.items():
                counts[status] = counts.get(status, 0) + n
            processed += done
            batches += 1
            valid = counts.get(ValidationStatus.VALID, 0)
            reporter.advance(
                processed=processed,
                successful=valid,
                failed=counts.get(ValidationStatus.ERROR, 0),
                total=max(total, processed),
                step=f"Validated {processed:,} of {max(total, processed):,} numbers",
            )
        logger.debug("task %s: batch %d validated (%d)", task.task_id, batches, done)
        if upper is None:
            break
        last_id = upper
        reporter.check_cancelled()

    return _result(counts, processed, batches, started)


def numbers_validate(numbers: QuerySet[PhoneNumber], *, low: int, high: int | None) -> dict:
    """Validate the numbers of ``numbers`` with ``low < id <= high`` (no upper
    bound when ``high`` is None); return how many got each status."""
    scoped = numbers.filter(id__gt=low)
    if high is not None:
        scoped = scoped.filter(id__lte=high)
    ids_sql, ids_params = scoped.values("id").query.sql_with_params()

    with connection.cursor() as cursor:
        checked_at = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(_update_sql(ids_sql), [checked_at, *ids_params])

    rows = scoped.values("validation_status").annotate(n=Count("id"))
    return {row["validation_status"]: row["n"] for row in rows}


def _result(counts: dict, processed: int, batches: int, started: float) -> dict:
    elapsed = time.monotonic() - started
    valid = counts.get(ValidationStatus.VALID, 0)
    failed = counts.get(ValidationStatus.ERROR, 0)
    return {
        "validated": processed,
        "valid": valid,
        "invalid": processed - valid - failed,
        "failed": failed,
        "by_status": counts,
        "batches": batches,
        "seconds": round(elapsed, 3),
        "numbers_per_second": round(processed / elapsed) if elapsed > 0 else None,
    }


@functools.cache
def _non_geographic_npas() -> str:
    npas = [str(n) for n in range(200, 1000) if not is_geographic_npa(str(n))]
    return ", ".join(f"'{npa}'" for npa in npas)


def _update_sql(ids_sql: str) -> str:
    table = PhoneNumber._meta.db_table
    prefixes = PhonePrefix._meta.db_table
    # Positions in the stored form 1NPANXXXXXX: NPA at 2, NXX at 5, line at 8.
    malformed = f"""
        length(n.number) <> 11 OR substr(n.number, 1, 1) <> '1'
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
        WHERE {table}.id = v.id
    """
