"""Writing prefix records into ``PhonePrefix`` under the merge rule, in batches.

The merge rule: a field of the new record overwrites the stored one only when
the new value is known (not empty; for ``line_type`` not ``unknown``), so a
later source fills what an earlier one left empty and never erases a known
value. The brand follows the carrier it is computed from. ``source`` names the
last source that changed the row and ``loaded_at`` when it did; a record that
changes nothing leaves its row alone, so loading twice is a no-op.

PostgreSQL gets each batch through COPY into a temporary table and one
``INSERT ... SELECT ... ON CONFLICT``; SQLite the same upsert through
``executemany``.
"""

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.db import connection

from phonegen.numbering.brands import brand_for_carrier
from phonegen.numbering.line_types import LineType
from phonegen.prefixes.models import PhonePrefix

from .common import PrefixRecord, ReadTally
from .geography import ExchangePlaces, place_stored_blocks
from .readahead import read_ahead
from .regions import country_for_npa, country_for_state

BATCH_SIZE = 50_000

_MERGED = (
    "carrier", "ocn", "ocn_category", "city", "state", "country", "rate_center"
)  # fmt: skip
# What a batch carries per prefix; npa, nxx and block are cut from the prefix.
_FIELDS = (
    "prefix", "carrier", "brand", "ocn", "ocn_category", "line_type",
    "city", "state", "country", "rate_center",
)  # fmt: skip
_COLUMNS = ("npa", "nxx", "block", *_FIELDS, "source", "loaded_at")
_UNKNOWN = LineType.UNKNOWN.value
_TEMP_TABLE = "prefix_load"

Row = tuple[str, ...]
Writer = Callable[[list[Row]], int]


@dataclass
class UpsertCounts:
    records: int = 0
    written: int = 0  # created or changed
    created: int = 0
    blocks_placed: int = 0  # stored blocks given their exchange's city and state

    @property
    def updated(self) -> int:
        return self.written - self.created

    @property
    def unchanged(self) -> int:
        return self.records - self.written


def merge_records(old: PrefixRecord, new: PrefixRecord) -> PrefixRecord:
    """``old`` with every known field of ``new`` written over it."""
    merged = PrefixRecord(old.prefix)
    for name in (*_MERGED, "line_type"):
        empty = _UNKNOWN if name == "line_type" else ""
        value = getattr(new, name)
        setattr(merged, name, value if value != empty else getattr(old, name))
    return merged


def upsert_records(
    records: Iterable[PrefixRecord],
    *,
    source: str,
    loaded_at: datetime,
    tally: ReadTally,
    batch_size: int = BATCH_SIZE,
) -> UpsertCounts:
    """Write ``records`` batch by batch; the caller holds the transaction."""
    table = connection.ops.quote_name(PhonePrefix._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(loaded_at)
    counts = UpsertCounts(created=-_row_count(table))
    places = ExchangePlaces(table)
    placed_npas: set[str] = set()

    with _writer(table, source, stamp) as write:
        for batch in read_ahead(_batches(records, batch_size, tally)):
            places.place_blocks(batch)
            counts.records += len(batch)
            counts.written += write([_row(record) for record in batch])
            places.forget(batch)
            placed_npas.update(
                r.prefix[:3]
                for r in batch
                if len(r.prefix) == 6 and (r.city or r.state)
            )

    # The upsert reports rows written, not which were new: the table's growth
    # says that, and nothing else writes while the load holds its transaction.
    counts.created += _row_count(table)
    counts.blocks_placed = place_stored_blocks(table, placed_npas)
    return counts


def _batches(
    records: Iterable[PrefixRecord], size: int, tally: ReadTally
) -> Iterator[list[PrefixRecord]]:
    """Batches with one record per prefix: a repeated prefix within a batch is
    merged here, because one upsert statement may not touch a row twice."""
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        unique: dict[str, PrefixRecord] = {}
        for record in chunk:
            earlier = unique.get(record.prefix)
            if earlier is not None:
                tally.skip("repeated prefix (merged into the earlier row)")
                record = merge_records(earlier, record)
            unique[record.prefix] = record
        yield list(unique.values())


def _row(record: PrefixRecord) -> Row:
    country = (
        record.country
        or country_for_state(record.state)
        or country_for_npa(record.prefix[:3])
    )
    return (
        record.prefix, record.carrier, _brand(record.carrier), record.ocn,
        record.ocn_category, record.line_type, record.city, record.state, country,
        record.rate_center,
    )  # fmt: skip


# The brand column's width: a carrier no brand pattern knows is its own brand,
# and a carrier may be twice as long.
BRAND_MAX = 100


@functools.lru_cache(maxsize=8192)
def _brand(carrier: str) -> str:
    return brand_for_carrier(carrier)[:BRAND_MAX].rstrip()


def _row_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def _upsert_sql(table: str, rows_from: str) -> str:
    """The upsert under the merge rule. Its WHERE leaves unchanged rows alone,
    so the statement's row count is the rows created plus the rows changed."""
    known = {name: f"excluded.{name} <> ''" for name in _MERGED}
    known["line_type"] = f"excluded.line_type <> '{_UNKNOWN}'"
    known["brand"] = known["carrier"]

    assignments = [
        f"{name} = CASE WHEN {test} THEN excluded.{name} ELSE {table}.{name} END"
        for name, test in known.items()
    ]
    assignments += ["source = excluded.source", "loaded_at = excluded.loaded_at"]
    changes = [
        f"({test} AND excluded.{name} <> {table}.{name})"
        for name, test in known.items()
    ]
    return (
        f"INSERT INTO {table} ({', '.join(_COLUMNS)}) {rows_from} "
        f"ON CONFLICT (prefix) DO UPDATE SET {', '.join(assignments)} "
        f"WHERE {' OR '.join(changes)}"
    )


@contextmanager
def _writer(table: str, source: str, stamp: object) -> Iterator[Writer]:
    """A function that upserts one batch of rows and returns how many rows it
    created or changed."""
    if connection.vendor == "postgresql":
        yield from _copy_writer(table, source, stamp)
        return

    placeholders = ", ".join(["%s"] * len(_COLUMNS))
    upsert = _upsert_sql(table, f"VALUES ({placeholders})")

    def execute_many(rows: list[Row]) -> int:
        params = [
            (row[0][:3], row[0][3:6], row[0][6:] or None, *row, source, stamp)
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(upsert, params)
            return cursor.rowcount

    yield execute_many


def _copy_writer(table: str, source: str, stamp: object) -> Iterator[Writer]:
    fields = ", ".join(_FIELDS)
    derived = (
        "substr(prefix, 1, 3), substr(prefix, 4, 3), nullif(substr(prefix, 7, 1), '')"
    )
    upsert = _upsert_sql(
        table, f"SELECT {derived}, {fields}, %s, %s FROM {_TEMP_TABLE}"
    )
    with connection.cursor() as cursor:
        columns = ", ".join(f"{name} text" for name in _FIELDS)
        cursor.execute(f"CREATE TEMP TABLE {_TEMP_TABLE} ({columns})")

    def copy_and_upsert(rows: list[Row]) -> int:
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {_TEMP_TABLE} ({fields}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(upsert, [source, stamp])
            written = cursor.rowcount
            cursor.execute(f"TRUNCATE {_TEMP_TABLE}")
        return written

    yield copy_and_upsert

    # Not reached when a batch fails: the rollback drops the table then.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {_TEMP_TABLE}")
