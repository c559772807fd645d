"""The ``json`` source: the original service's prefix file.

``{"646200": {"prefix": "646200", "carrier": "...", "city": "New York",
"state": "New York", "type": "Mobile"}, ...}``; a list of the same entries is
accepted too. An entry without ``prefix`` takes its key.
"""

import json
from collections.abc import Iterator
from pathlib import Path

from .common import LoadError, PrefixRecord, ReadTally, in_npas, parse_prefix
from .table import COLUMNS, record_from_fields

_KEYS = (*COLUMNS, "type", "ocn", "country")


def read(
    path: Path | None, *, npas: frozenset[str] | None, tally: ReadTally
) -> Iterator[PrefixRecord]:
    assert path is not None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise LoadError(f"line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    except UnicodeDecodeError:
        raise LoadError(f"{path.name} is not UTF-8 text.") from None
    except ValueError as exc:
        # An integer of thousands of digits, which Python refuses to read.
        raise LoadError(f"{path.name}: not a prefix file ({exc}).") from None
    except RecursionError:
        raise LoadError(f"{path.name}: JSON nested too deeply.") from None

    if isinstance(data, dict):
        entries = [(f"entry {key!r}", key, value) for key, value in data.items()]
    elif isinstance(data, list):
        entries = [(f"entry {n}", "", value) for n, value in enumerate(data, 1)]
    else:
        raise LoadError("line 1: expected an object of prefix entries.")

    for where, key, entry in entries:
        tally.rows += 1
        if not isinstance(entry, dict):
            raise LoadError(f"{where}: expected an object with a prefix.")

        fields = {name: _text(entry[name], where) for name in _KEYS if name in entry}
        raw_prefix = fields.get("prefix") or key
        prefix = parse_prefix(raw_prefix, where=where)
        if not in_npas(prefix, npas):
            tally.skip("outside the requested NPAs")
            continue

        fields.setdefault("line_type", fields.get("type", ""))
        yield record_from_fields(prefix, fields, where=where)


def _text(value: object, where: str) -> str:
    if value is None:
        return ""
    # bool is an int too, and "True" is no carrier or city.
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value).strip()
    raise LoadError(f"{where}: expected text values, not {type(value).__name__}.")
