"""The batches a validation walks through, and the validation of one batch.

A batch is the next numbers after the last one validated (keyset), read along
an index, so that the last batch of a million numbers costs what the first
does, and no batch walks on past the end of the selection:

- a project's numbers go in number order, along the (project, number) key;
- numbers named by id go in id order, within the range of the ids named.

Each batch is one statement (see :mod:`.validation_sql`). Only when the
database refuses a row are the batch's ids read, to find that row.
"""

import logging
from collections import Counter
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from phonegen.tasks.runner import TRANSIENT_ERRORS
from phonegen.tasks.services import ProgressReporter

from ..models import PhoneNumber, ValidationStatus
from .validation_sql import TABLE, batch_update_sql, project_update_sql

logger = logging.getLogger(__name__)


@dataclass
class Checked:
    """What one batch's statement did."""

    counts: dict[str, int]  # numbers per status given
    size: int  # numbers in the batch, updated or not
    last_id: int | None
    last_number: str | None


class ProjectBatches:
    """One project's numbers, in number order: those after ``after`` and, when
    ``until`` is given, up to ``until``."""

    def __init__(
        self,
        numbers: QuerySet[PhoneNumber],
        project_id: int,
        *,
        after: str = "",
        until: str | None = None,
    ) -> None:
        self.numbers = numbers.filter(project_id=project_id)
        if until is not None:
            self.numbers = self.numbers.filter(number__lte=until)
        self.project_id = project_id
        self.last = after
        self.until = until

    def position(self) -> dict:
        """Where the next batch starts, for a checkpoint."""
        return {"project_id": self.project_id, "after": self.last}

    def validate_next(self, size: int) -> tuple[dict, int]:
        """Validate the next ``size`` numbers; return counts by status and how
        many numbers the batch had."""
        bounded = self.until is not None
        sql = project_update_sql(connection.vendor, bounded=bounded)
        until = [self.until] if bounded else []
        params = [self.project_id, self.last, *until, size, _now()]
        params += [self.project_id, self.last]
        try:
            with transaction.atomic():
                checked = _execute(sql, params)
        except TRANSIENT_ERRORS:
            raise
        except DatabaseError as error:
            batch = self.numbers.filter(number__gt=self.last).order_by("number")
            checked = _isolated(batch[:size], error)
        if checked.size:
            self.last = checked.last_number
        return checked.counts, checked.size


class IdBatches:
    """Numbers in id order, from ``first`` to ``last``."""

    def __init__(self, numbers: QuerySet[PhoneNumber], first: int, last: int) -> None:
        self.numbers = numbers.filter(id__lte=last)
        self.last = first - 1

    def position(self) -> dict:
        """Where the next batch starts, for a checkpoint."""
        return {"after_id": self.last}

    def validate_next(self, size: int) -> tuple[dict, int]:
        batch = self.numbers.filter(id__gt=self.last).order_by("id")[:size]
        try:
            with transaction.atomic():
                checked = _batch_validate(batch, after=self.last)
        except TRANSIENT_ERRORS:
            raise
        except DatabaseError as error:
            checked = _isolated(batch, error)
        if checked.size:
            self.last = checked.last_id
        return checked.counts, checked.size


def _isolated(batch: QuerySet[PhoneNumber], error: DatabaseError) -> Checked:
    """The batch validated a row at a time where the database refuses rows."""
    rows = list(batch.values_list("id", "number"))
    if not rows:
        raise error
    ids = [i for i, _ in rows]
    counts = numbers_validate_isolated(PhoneNumber.objects.filter(id__in=ids))
    return Checked(counts, len(rows), rows[-1][0], rows[-1][1])


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


def numbers_validate(
    numbers: QuerySet[PhoneNumber], *, low: int = 0, high: int | None = None
) -> dict:
    """Validate the numbers of ``numbers`` with ``low < id <= high`` (no upper
    bound when ``high`` is None); return how many got each status."""
    # No ORDER BY in the batch's SELECT: it would only cost a sort.
    batch = _scoped(numbers, low, high).order_by()
    return _batch_validate(batch, after=low).counts


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


def _batch_validate(batch: QuerySet[PhoneNumber], *, after: int) -> Checked:
    """Validate the numbers of ``batch``, whose ids are all above ``after``."""
    batch_sql, batch_params = batch.values("id", "number").query.sql_with_params()
    bounds = f"{TABLE}.id > %s AND {TABLE}.id <= (SELECT max(id) FROM batch)"
    sql = batch_update_sql(connection.vendor, batch_sql, bounds)
    return _execute(sql, [*batch_params, _now(), after])


def _now() -> object:
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _execute(sql: str, params: list) -> Checked:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    if connection.vendor == "postgresql":
        # One row for the whole batch, without a status; then one per status.
        counts = {status: n for status, n, _, _ in rows if status is not None}
        ((size, last_id, last_number),) = [row[1:] for row in rows if row[0] is None]
        return Checked(counts, size, last_id, last_number)
    # SQLite lets no other writer in between the batch's read and its update.
    counts = dict(Counter(status for status, _, _ in rows))
    return Checked(
        counts,
        len(rows),
        max((i for _, i, _ in rows), default=None),
        max((n for _, _, n in rows), default=None),
    )


def progress_save(
    reporter: ProgressReporter, counts: Counter, total: int, place: dict
) -> None:
    """Save the counts so far and ``place`` (where the walk has got to) as the
    task's progress and checkpoint, in the caller's transaction."""
    processed = sum(counts.values())
    total = max(total, processed)
    reporter.advance(
        processed=processed,
        successful=counts[ValidationStatus.VALID],
        failed=counts[ValidationStatus.ERROR],
        total=total,
        step=f"Validated {processed:,} of {total:,} numbers",
        checkpoint=place | {"counts": dict(counts)},
    )
