"""The ``nanpa-blocks`` source: the SQLite file inside the ``nanpa-lookup`` package.

Its one table, ``numbers(npanxxy, company, type, email, ocn)``, holds about
1.3 million NPA-NXX (6 digits) and NPA-NXX-X (7 digits) rows with the holder's
company name, OCN and OCN category. The file is read as data; the package's
code is never imported. Rows with neither company nor OCN are codes nobody
holds (N11, unassigned exchanges) and are skipped. The category ``UNKNOWN``
is stored as an empty category, so it never hides a known one.
"""

import functools
import importlib.util
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from phonegen.numbering.line_types import line_type_for_holder

from .common import LoadError, PrefixRecord, ReadTally
from .regions import area_code_place

PACKAGE = "nanpa_lookup"
FILE_NAME = "database.sqlite"


def database_path() -> Path:
    """Where the installed ``nanpa-lookup`` package keeps its database."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LoadError("The nanpa-lookup package is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / FILE_NAME


def read(
    path: Path | None, *, npas: frozenset[str] | None, tally: ReadTally
) -> Iterator[PrefixRecord]:
    path = path or database_path()
    if not path.is_file():
        raise LoadError(f"{path}: no such file.")

    query = "SELECT npanxxy, company, type, ocn FROM numbers"
    params: list[int] = []
    if npas is not None:
        ranges = []
        for npa in sorted(npas):
            # NPA-NXX rows are npa*1000 + nxx, NPA-NXX-X rows npa*10000 + nxxx.
            ranges.append("npanxxy BETWEEN ? AND ? OR npanxxy BETWEEN ? AND ?")
            number = int(npa)
            params += [number * 1000, number * 1000 + 999]
            params += [number * 10000, number * 10000 + 9999]
        query += " WHERE " + " OR ".join(ranges)

    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for npanxxy, company, category, ocn in database.execute(query, params):
            tally.rows += 1
            holder = _holder(company, category, ocn)
            if holder is None:
                tally.skip("no company or OCN (code not held)")
                continue

            prefix = str(npanxxy)
            if len(prefix) not in (6, 7):
                raise LoadError(f"npanxxy {npanxxy}: not an NPA-NXX or NPA-NXX-X.")
            carrier, ocn, category, line_type = holder
            # An exchange takes its area code's place; its blocks take the
            # exchange's (see geography.py).
            city, state = area_code_place(prefix[:3]) if len(prefix) == 6 else ("", "")
            yield PrefixRecord(
                prefix,
                carrier=carrier,
                ocn=ocn,
                ocn_category=category,
                line_type=line_type,
                city=city,
                state=state,
            )
    except sqlite3.DatabaseError as exc:
        raise LoadError(f"{path}: not a nanpa-lookup database ({exc}).") from None
    finally:
        database.close()


# A few thousand companies hold 1.3 million rows: tidy each holder once.
@functools.lru_cache(maxsize=65536)
def _holder(
    company: str | None, category: str | None, ocn: str | None
) -> tuple[str, str, str, str] | None:
    """Carrier, OCN, OCN category and line type of a row, None for no holder."""
    carrier = " ".join((company or "").split())
    ocn = (ocn or "").strip().upper()
    if not carrier and not ocn:
        return None

    category = (category or "").strip().upper()
    if category == "UNKNOWN":
        category = ""
    return carrier, ocn, category, line_type_for_holder(category, carrier).value
