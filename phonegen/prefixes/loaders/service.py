"""``prefixes_load``: one source into the prefix database, in one transaction."""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from phonegen.numbering.nanp import is_area_code

from ..models import PhonePrefix
from . import json_object, libphonenumber, nanpa, nanpa_blocks, table
from .common import LoadError, Reader, ReadTally
from .upsert import upsert_records

logger = logging.getLogger(__name__)

SOURCES: dict[str, Reader] = {
    "libphonenumber": libphonenumber.read,
    "nanpa-blocks": nanpa_blocks.read,
    "nanpa": nanpa.read,
    "csv": table.read,
    "json": json_object.read,
}
# Sources that read a file the user names; nanpa-blocks may be pointed at
# another copy of the package's database, libphonenumber reads no file.
FILE_SOURCES = frozenset({"nanpa", "csv", "json"})


@dataclass
class LoadResult:
    source: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    blocks_placed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def prefixes_load(
    *,
    source: str,
    path: str | Path | None = None,
    npas: list[str] | None = None,
) -> LoadResult:
    """Load ``source`` (from ``path`` for file sources) into ``PhonePrefix``,
    limited to the area codes ``npas`` when given.

    Raises LoadError, and changes nothing, for an unknown source, a missing or
    malformed file, or any bad row.
    """
    reader = SOURCES.get(source)
    if reader is None:
        raise LoadError(
            f"Unknown source {source!r}; choose one of {', '.join(SOURCES)}."
        )
    file = _checked_path(source, path)
    wanted = _checked_npas(npas)

    started = time.monotonic()
    tally = ReadTally()
    with transaction.atomic():
        records = reader(file, npas=wanted, tally=tally)
        counts = upsert_records(
            records, source=source, loaded_at=timezone.now(), tally=tally
        )
    _analyze()

    result = LoadResult(
        source=source,
        rows_read=tally.rows,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        blocks_placed=counts.blocks_placed,
        skipped=dict(tally.skipped.most_common()),
        seconds=time.monotonic() - started,
    )
    logger.info(
        "Loaded prefixes from %s: %d rows read, %d created, %d updated, "
        "%d unchanged, %d skipped in %.1fs",
        source, result.rows_read, result.created, result.updated,
        result.unchanged, result.skipped_total, result.seconds,
    )  # fmt: skip
    return result


def _analyze() -> None:
    # Fresh statistics: validation joins numbers to prefixes, and a plan made
    # for a table a tenth of its size scans where it should look up.
    table = connection.ops.quote_name(PhonePrefix._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def _checked_path(source: str, path: str | Path | None) -> Path | None:
    if path is None or path == "":
        if source in FILE_SOURCES:
            raise LoadError(f"The {source} source needs a FILE to read.")
        return None
    if source == "libphonenumber":
        raise LoadError("The libphonenumber source reads no file.")

    file = Path(path)
    if not file.is_file():
        raise LoadError(f"{file}: no such file.")
    return file


def _checked_npas(npas: list[str] | None) -> frozenset[str] | None:
    if not npas:
        return None
    wanted = frozenset(npa.strip() for npa in npas)
    bad = sorted(npa for npa in wanted if not is_area_code(npa))
    if bad:
        raise LoadError(f"Not an area code: {', '.join(bad)}.")
    return wanted
