"""Write generated numbers in bulk: COPY on PostgreSQL, batched INSERT on SQLite.

Rows are written with "insert unless already there" semantics, because another
task may add numbers to the same project at the same time; callers learn how
many rows really landed and draw again for the rest.
"""

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime

import numpy as np
from django.db import IntegrityError, connection, transaction
from psycopg.errors import UniqueViolation

from phonegen.prefixes.selectors import PrefixInfo

from ..models import PhoneNumber

logger = logging.getLogger(__name__)

TABLE = PhoneNumber._meta.db_table
COLUMNS = (
    "project_id",
    "task_id",
    "number",
    "extension",
    "prefix",
    "carrier",
    "brand",
    "line_type",
    "city",
    "state",
    "country",
    "valid_number",
    "validation_status",
    "validation_attempted",
    "validation_date",
    "validation_source",
    "created_at",
)


def numbers_insert(
    *,
    project_id: int,
    task_id: str,
    numbers: np.ndarray,
    owners: Sequence[PrefixInfo],
    now: datetime,
) -> int:
    """Store sorted national ``numbers`` (int64), each with ``owners[i]``'s prefix
    data; return how many were new to the project. Run inside a transaction."""
    if len(numbers) == 0:
        return 0
    if connection.vendor == "postgresql":
        return _copy_postgresql(project_id, task_id, numbers, owners, now)
    return _insert_rows(project_id, task_id, numbers, owners, now)


def _copy_postgresql(project_id, task_id, numbers, owners, now) -> int:
    def chunks() -> Iterator[str]:
        return _copy_chunks(project_id, task_id, numbers, owners, now)

    columns = ", ".join(COLUMNS)
    commit_without_flush()

    # Fast path: COPY straight into the table. Only a number another task stored
    # meanwhile can make it fail; then the batch goes through a staging table.
    # The raw psycopg cursor bypasses Django's error translation; wrapping it
    # again makes a dropped connection a Django OperationalError, which the
    # runner retries, and marks the connection for replacement.
    try:
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.connection.cursor().copy(
                f"COPY {TABLE} ({columns}) FROM STDIN"
            ) as copy,
        ):
            # Sent a chunk at a time: the server stores the first rows while the
            # next are built.
            for chunk in chunks():
                copy.write(chunk)
        return len(numbers)
    except (IntegrityError, UniqueViolation):
        logger.info("task %s: batch met numbers stored concurrently, merging", task_id)

    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.connection.cursor()
        raw.execute(
            "CREATE TEMP TABLE IF NOT EXISTS phonegen_staging ON COMMIT DELETE ROWS "
            f"AS SELECT {columns} FROM {TABLE} WITH NO DATA"
        )
        raw.execute("DELETE FROM phonegen_staging")
        with raw.copy(f"COPY phonegen_staging ({columns}) FROM STDIN") as copy:
            for chunk in chunks():
                copy.write(chunk)
        raw.execute(
            f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM phonegen_staging "
            "ON CONFLICT (project_id, number) DO NOTHING"
        )
        return raw.rowcount


def commit_without_flush() -> None:
    """Let the current transaction commit before its WAL reaches the disk.

    For a task's batch: a commit that a server crash loses is lost with the
    progress row of the same transaction, and the task does the batch again
    when it runs again (a generation draws it anew, a validation gives the same
    answer).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


# Rows per chunk written to COPY.
CHUNK_ROWS = 2000


def _copy_chunks(project_id, task_id, numbers, owners, now) -> Iterator[str]:
    stamp = now.isoformat()
    head = f"{project_id}\t{task_id}\t1"
    # Every number of a prefix shares the rest of its row: build it once.
    tails: dict[str, str] = {}
    for info in owners:
        if info.prefix not in tails:
            tails[info.prefix] = (
                f"\t\t{info.prefix}\t{_esc(info.carrier)}\t{_esc(info.brand)}\t"
                f"{info.line_type}\t{_esc(info.city)}\t{info.state}\t{info.country}"
                f"\tt\tvalid\tt\t{stamp}\tinternal\t{stamp}\n"
            )
    nationals = numbers.tolist()
    for start in range(0, len(nationals), CHUNK_ROWS):
        end = start + CHUNK_ROWS
        yield "".join(
            [
                f"{head}{national}{tails[info.prefix]}"
                for national, info in zip(
                    nationals[start:end], owners[start:end], strict=True
                )
            ]
        )


def _esc(value: str) -> str:
    # COPY text format: backslash, tab and newlines must be escaped.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def _insert_rows(project_id, task_id, numbers, owners, now) -> int:
    columns = ", ".join(COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    task = str(task_id).replace("-", "")  # Django stores UUIDs as 32 hex on SQLite
    now = connection.ops.adapt_datetimefield_value(now)
    rows = [
        (
            project_id,
            task,
            f"1{national}",
            "",
            info.prefix,
            info.carrier,
            info.brand,
            info.line_type,
            info.city,
            info.state,
            info.country,
            True,
            "valid",
            True,
            now,
            "internal",
            now,
        )
        for national, info in zip(numbers.tolist(), owners)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} ({columns}) VALUES ({placeholders}) "
            "ON CONFLICT (project_id, number) DO NOTHING",
            rows,
        )
        return cursor.rowcount
