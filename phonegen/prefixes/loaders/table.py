"""The ``csv`` source: a user's ``prefix,carrier,city,state,line_type`` table.

The header row names the columns, in any order and case; only ``prefix`` is
required. ``type`` is read as ``line_type``, and ``ocn`` and ``country`` are
taken when present; other columns are ignored. Line types accept the usual
synonyms ("Mobile", "cell", "fixed line"), states a code or a name.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from phonegen.numbering.line_types import parse_line_type

from .common import (
    LoadError,
    PrefixRecord,
    ReadTally,
    check_text,
    in_npas,
    parse_prefix,
)
from .regions import state_code

COLUMNS = ("prefix", "carrier", "city", "state", "line_type")
_OPTIONAL = ("ocn", "country")


def read(
    path: Path | None, *, npas: frozenset[str] | None, tally: ReadTally
) -> Iterator[PrefixRecord]:
    assert path is not None
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            rows = csv.reader(handle)
            header = [name.strip().lower() for name in next(rows, [])]
            columns = _columns(header)

            for row in rows:
                line = f"line {rows.line_num}"
                if not any(cell.strip() for cell in row):
                    continue
                tally.rows += 1
                if len(row) != len(header):
                    raise LoadError(
                        f"{line}: {len(row)} fields where the header has {len(header)}."
                    )

                fields = {name: row[index].strip() for name, index in columns.items()}
                prefix = parse_prefix(fields["prefix"], where=line)
                if not in_npas(prefix, npas):
                    tally.skip("outside the requested NPAs")
                    continue
                yield record_from_fields(prefix, fields, where=line)
        except UnicodeDecodeError:
            raise LoadError(f"{path.name} is not UTF-8 text.") from None
        except csv.Error as exc:
            raise LoadError(f"line {rows.line_num}: {exc}.") from None


def record_from_fields(
    prefix: str, fields: dict[str, str], *, where: str
) -> PrefixRecord:
    """A record from a user's named fields; a LoadError naming ``where`` for a
    line type or state that means nothing."""
    raw_type = fields.get("line_type", "")
    line_type = parse_line_type(raw_type) if raw_type else None
    if raw_type and line_type is None:
        raise LoadError(f"{where}: unknown line type {raw_type!r}.")

    check_text(fields, where=where)
    country = fields.get("country", "").upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise LoadError(f"{where}: country {country!r} is not a 2-letter ISO code.")

    raw_state = fields.get("state", "")
    state = state_code(raw_state)
    if state is None:
        raise LoadError(f"{where}: unknown state or province {raw_state!r}.")

    record = PrefixRecord(
        prefix,
        carrier=fields.get("carrier", ""),
        ocn=fields.get("ocn", "").upper(),
        city=fields.get("city", ""),
        state=state,
        country=country,
    )
    if line_type is not None:
        record.line_type = line_type.value
    return record


def _columns(header: list[str]) -> dict[str, int]:
    names = ["line_type" if name == "type" else name for name in header]
    if "prefix" not in names:
        raise LoadError(
            f"line 1: no 'prefix' column; expected the columns {','.join(COLUMNS)}."
        )
    wanted = (*COLUMNS, *_OPTIONAL)
    return {name: index for index, name in enumerate(names) if name in wanted}
