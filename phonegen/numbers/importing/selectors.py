"""Read an import's per-line report, with what became of each stored number."""

import uuid
from collections.abc import Iterable, Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from phonegen.errors import NotFound
from phonegen.numbering.formats import e164
from phonegen.tasks.models import Task, TaskType
from phonegen.tasks.selectors import task_get

from ..models import ImportOutcome, ImportRow, PhoneNumber

CHUNK_SIZE = 2000

ROW_FIELDS = ("line", "raw", "outcome", "reason", "message", "number", "extension")

# What the report shows of a number the project holds.
NUMBER_FIELDS = (
    "validation_status",
    "valid_number",
    "carrier",
    "brand",
    "line_type",
    "city",
    "state",
)


def import_task_get(*, user: AbstractBaseUser, task_id: str | uuid.UUID) -> Task:
    """``user``'s import task ``task_id``; NotFound for any other task."""
    task = task_get(user=user, task_id=task_id)
    if task.task_type != TaskType.IMPORT:
        raise NotFound(
            "Not an import task.", errors={"task_id": ["No such import task."]}
        )
    return task


def import_row_list(*, task: Task, outcome: str = "", reason: str = "") -> QuerySet:
    """The report rows of ``task`` (as dicts of :data:`ROW_FIELDS`) in line
    order, optionally of one outcome or refusal reason."""
    rows = ImportRow.objects.filter(task=task)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if reason:
        rows = rows.filter(reason=reason)
    return rows.order_by("line").values(*ROW_FIELDS)


def import_row_details(*, task: Task, rows: Iterable[dict]) -> list[dict]:
    """``rows`` as report entries, each with the fields of its number when the
    project holds it (one query for all of them)."""
    rows = list(rows)
    wanted = {
        row["number"]
        for row in rows
        if row["outcome"] != ImportOutcome.REFUSED and row["number"]
    }
    numbers = {
        values["number"]: values
        for values in PhoneNumber.objects.filter(
            project_id=task.project_id, number__in=wanted
        ).values("number", *NUMBER_FIELDS)
    }
    return [_entry(row, numbers.get(row["number"])) for row in rows]


def import_report_chunks(
    *, task: Task, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[dict]]:
    """Every entry of ``task``'s report in line order, ``chunk_size`` at a time."""
    last = 0
    while True:
        rows = list(import_row_list(task=task).filter(line__gt=last)[:chunk_size])
        if not rows:
            return
        last = rows[-1]["line"]
        yield import_row_details(task=task, rows=rows)
        if len(rows) < chunk_size:
            return


def _entry(row: dict, number: dict | None) -> dict:
    refused = row["outcome"] == ImportOutcome.REFUSED
    entry = {
        "line": row["line"],
        "input": row["raw"],
        "outcome": row["outcome"],
        "reason": row["reason"],
        "message": row["message"],
        "e164": None if refused or not row["number"] else e164(row["number"]),
        "extension": row["extension"],
    }
    for field in NUMBER_FIELDS:
        entry[field] = number[field] if number else None
    return entry
