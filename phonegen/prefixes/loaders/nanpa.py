"""The ``nanpa`` source: the US central office code report (``allutlzd.txt``).

Tab-separated with CRLF line ends and space-padded fields, a header row of
State, NPA-NXX, Ocn, Company, RateCenter, EffectiveDate, Use, AssignDate,
Initial/Growth and, in newer files, Pooled Code. Only assigned codes (Use
``AS``) become prefixes. Rate centres are the administrator's abbreviations
("JERSEYCITY") and are kept as given; ``UNKNOWN`` is no rate centre at all.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from .common import (
    LoadError,
    PrefixRecord,
    ReadTally,
    check_text,
    in_npas,
    parse_prefix,
)
from .regions import state_code

_REQUIRED = ("state", "npa-nxx", "ocn", "company", "ratecenter", "use")
_ASSIGNED = "AS"


def read(
    path: Path | None, *, npas: frozenset[str] | None, tally: ReadTally
) -> Iterator[PrefixRecord]:
    assert path is not None
    # The report is plain ASCII; a stray byte in a company name should not
    # stop a 30 MB load.
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        try:
            yield from _records(rows, npas=npas, tally=tally)
        except csv.Error as exc:
            # A field past the csv module's limit, for one.
            raise LoadError(f"line {rows.line_num}: {exc}.") from None


def _records(
    rows, *, npas: frozenset[str] | None, tally: ReadTally
) -> Iterator[PrefixRecord]:
    header = [name.strip().lower() for name in next(rows, [])]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise LoadError(
            f"line 1: not a central office code report, no column "
            f"{', '.join(missing)}; expected State, NPA-NXX, Ocn, Company, "
            f"RateCenter, EffectiveDate, Use, AssignDate, Initial/Growth."
        )
    index = {name: header.index(name) for name in _REQUIRED}
    width = max(index.values()) + 1

    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        tally.rows += 1
        line = f"line {rows.line_num}"
        if len(row) < width:
            raise LoadError(f"{line}: {len(row)} fields, expected {len(header)}.")

        field = {name: row[at].strip() for name, at in index.items()}
        prefix = parse_prefix(field["npa-nxx"], where=line)
        if len(prefix) != 6:
            raise LoadError(f"{line}: {field['npa-nxx']!r} is not an NPA-NXX.")
        if not in_npas(prefix, npas):
            tally.skip("outside the requested NPAs")
            continue
        use = field["use"].upper()
        if use != _ASSIGNED:
            tally.skip(f"not assigned (Use {use or 'empty'})")
            continue

        carrier = " ".join(field["company"].split())
        rate_center = field["ratecenter"]
        check_text(
            {"carrier": carrier, "ocn": field["ocn"], "rate_center": rate_center},
            where=line,
        )
        state = state_code(field["state"])
        if state is None:
            raise LoadError(f"{line}: unknown state {field['state']!r}.")
        yield PrefixRecord(
            prefix,
            carrier=carrier,
            ocn=field["ocn"].upper(),
            rate_center="" if rate_center.upper() == "UNKNOWN" else rate_center,
            state=state,
        )
