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
    "id", "prefix", "carrier", "brand", "line_type", "city", "state", "country",
    "valid_number", "validation_status", "validation_date", "validation_source",
    "task_id", "created_at",
)

# Columns of the download, in this order: the number's three forms, then the rest.
COLUMNS = ("e164", "national", "number", *SOURCE_FIELDS)


def export_record(number: str, row: tuple) -> dict:
    """One number as the download shows it; ``row`` holds ``SOURCE_FIELDS``."""
    record = {"e164": e164(number), "national": national_format(number), "number": number}
    for name, value in zip(SOURCE_FIELDS, row):
        if isinstance(value, datetime):
            value = value.isoformat()
        elif name == "task_id" and value is not None:
            value = str(value)
        record[name] = value
    return record


def export_chunks(chunks: Iterable[list[tuple]], fmt: str) -> Iterator[bytes]:
    """Encode ``chunks`` of ``(number, *SOURCE_FIELDS)`` rows as ``fmt``."""
    if fmt == "csv":
        return _csv(chunks)
    if fmt == "json":
        return _json(chunks)
    raise ValueError(f"unknown export format {fmt!r}")


def _csv(chunks: Iterable[list[tuple]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    rows = 0
    for chunk in chunks:
        for number, *row in chunk:
            record = export_record(number, row)
            writer.writerow(_csv_value(record[column]) for column in COLUMNS)
        rows += len(chunk)
        yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)
    logger.info("export: %d rows written as csv", rows)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json(chunks: Iterable[list[tuple]]) -> Iterator[bytes]:
    yield b"["
    rows = 0
    for chunk in chunks:
        pieces = (
            json.dumps(export_record(number, row), separators=(",", ":"))
            for number, *row in chunk
        )
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
