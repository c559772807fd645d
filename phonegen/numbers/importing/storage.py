"""Plain multi-row INSERTs for what an import writes by the thousand.

Building a model instance per number and per report line cost more than the
database's own work; these write the same rows from tuples.
"""

from datetime import datetime
from typing import NamedTuple

from django.db import connection

from phonegen.prefixes.models import LineTypeChoices

from ..models import ImportRow, PhoneNumber, ValidationStatus


class ReportRow(NamedTuple):
    """One report line, its values plain strings (not enum members, which a
    database driver may write by name)."""

    line: int
    raw: str
    outcome: str
    reason: str
    message: str
    number: str
    extension: str


def import_numbers_insert(
    *, project_id: int, task_id, numbers: list[tuple[str, str]], now: datetime
) -> None:
    """Store ``(number, extension)`` pairs not yet validated; a number the
    project already holds is left as it is."""
    if not numbers:
        return
    table = PhoneNumber._meta.db_table
    task = _task_value(PhoneNumber, task_id)
    created = connection.ops.adapt_datetimefield_value(now)
    rows = [
        (project_id, task, number, extension, created) for number, extension in numbers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (project_id, task_id, number, extension, "
            "prefix, carrier, brand, line_type, city, state, country, "
            "validation_status, validation_attempted, validation_source, created_at) "
            f"VALUES (%s, %s, %s, %s, '', '', '', '{LineTypeChoices.UNKNOWN}', "
            f"'', '', '', '{ValidationStatus.NOT_VALIDATED}', FALSE, '', %s) "
            "ON CONFLICT (project_id, number) DO NOTHING",
            rows,
        )


def import_rows_insert(*, task_id, rows: list[ReportRow]) -> None:
    """Store the report rows of one batch."""
    if not rows:
        return
    table = ImportRow._meta.db_table
    task = _task_value(ImportRow, task_id)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (task_id, line, raw, outcome, reason, message, "
            "number, extension) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(task, *row) for row in rows],
        )


def _task_value(model, task_id):
    # A uuid is a native type on PostgreSQL and 32 hex digits on SQLite.
    return model._meta.get_field("task").get_db_prep_value(task_id, connection)
