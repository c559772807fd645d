"""Write stored numbers as CSV or a JSON array, chunk by chunk.

The writers take chunks of rows (see ``number_chunks``) and give back one
encoded piece per chunk, so a download of a million numbers never holds more
than one chunk in memory.
"""

import csv
import io
import json
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime

from phonegen.numbering.formats import e164, national_format

logger = logging.getLogger(__name__)

FORMATS = ("csv", "json")

# Stored columns read for each row, in this order.
SOURCE_FIELDS = (
    "id",
    "prefix",
    "carrier",
    "brand",
    "line_type",
    "city",
    "state",
    "country",
    "valid_number",
    "validation_status",
    "validation_date",
    "validation_source",
    "task_id",
    "created_at",
)

# Columns of the download, in this order: the number's three forms, then the rest.
COLUMNS = ("e164", "national", "number", *SOURCE_FIELDS)


# Positions in a record (COLUMNS order) of the values that need converting.
_DATES = (COLUMNS.index("validation_date"), COLUMNS.index("created_at"))
_TASK = COLUMNS.index("task_id")
_VALID = COLUMNS.index("valid_number")


class _Records:
    """Turns stored rows into the values of the download, in COLUMNS order."""

    def __init__(self) -> None:
        # Numbers stored in one batch share their timestamps: formatting the
        # same instant once per batch instead of once per row halves the cost.
        self._instant: datetime | None = None
        self._text = ""

    def values(self, row: tuple) -> list:
        number = row[0]
        values = [e164(number), national_format(number), *row]
        for index in _DATES:
            if values[index] is not None:
                values[index] = self._iso(values[index])
        if values[_TASK] is not None:
            values[_TASK] = str(values[_TASK])
        return values

    def _iso(self, instant: datetime) -> str:
        if instant != self._instant:
            self._instant, self._text = instant, instant.isoformat()
        return self._text


def export_chunks(chunks: Iterable[list[tuple]], fmt: str) -> Iterator[bytes]:
    """Encode ``chunks`` of ``(number, *SOURCE_FIELDS)`` rows as ``fmt``, one
    piece of bytes per chunk."""
    if fmt == "csv":
        return _csv(chunks)
    if fmt == "json":
        return _json(chunks)
    raise ValueError(f"unknown export format {fmt!r}")


def _csv(chunks: Iterable[list[tuple]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    records = _Records()
    rows = 0
    for chunk in chunks:
        for row in chunk:
            values = records.values(row)
            valid = values[_VALID]
            if valid is not None:
                values[_VALID] = "true" if valid else "false"
            writer.writerow(values)
        rows += len(chunk)
        yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)
    logger.info("export: %d rows written as csv", rows)


def _json(chunks: Iterable[list[tuple]]) -> Iterator[bytes]:
    encode = json.JSONEncoder(separators=(",", ":")).encode
    records = _Records()
    yield b"["
    rows = 0
    for chunk in chunks:
        pieces = (encode(dict(zip(COLUMNS, records.values(row)))) for row in chunk)
        text = ",".join(pieces)
        yield (("," if rows else "") + text).encode()
        rows += len(chunk)
    yield b"]"
    logger.info("export: %d rows written as json", rows)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data
