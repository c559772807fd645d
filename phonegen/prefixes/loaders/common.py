"""What every prefix loader yields, and the errors and tallies they share."""

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from phonegen.errors import InvalidInput
from phonegen.numbering.line_types import LineType
from phonegen.numbering.nanp import is_area_code, is_digits

_SEPARATORS = re.compile(r"[\s.\-]")


class LoadError(InvalidInput):
    """A source file that cannot be loaded; the message names the line."""

    code = "invalid_prefix_file"


@dataclass(slots=True)
class PrefixRecord:
    """One prefix as a source describes it; empty strings are unknown fields."""

    prefix: str
    carrier: str = ""
    ocn: str = ""
    ocn_category: str = ""
    line_type: str = LineType.UNKNOWN.value
    city: str = ""
    state: str = ""
    country: str = ""
    rate_center: str = ""


@dataclass
class ReadTally:
    """Rows a reader looked at, and why it passed over some of them."""

    rows: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1


class Reader(Protocol):
    def __call__(
        self, path: Path | None, *, npas: frozenset[str] | None, tally: ReadTally
    ) -> Iterator[PrefixRecord]: ...


# The model's column widths, so a long value fails with its line, not at the
# database (which PostgreSQL refuses and SQLite would store whole).
TEXT_LIMITS = {"carrier": 200, "city": 100, "ocn": 8, "rate_center": 50}


def check_text(fields: dict[str, str], *, where: str) -> None:
    """A LoadError naming ``where`` for a value too long for its column, or
    holding a NUL character (which PostgreSQL cannot store in text)."""
    for name, value in fields.items():
        limit = TEXT_LIMITS.get(name)
        if limit is not None and len(value) > limit:
            raise LoadError(f"{where}: {name} is longer than {limit} characters.")
        if "\x00" in value:
            raise LoadError(f"{where}: {name} holds a NUL character.")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                # A lone surrogate, which JSON's \\ud800 escapes can spell.
                raise LoadError(f"{where}: {name} is not valid text.") from None


def parse_prefix(raw: str, *, where: str) -> str:
    """``"212-555"`` -> ``"212555"``; a LoadError naming ``where`` if it is no prefix.

    A prefix is an NPA-NXX (6 digits) or NPA-NXX-X (7 digits) whose NPA is
    shaped like an area code and whose NXX starts with 2-9.
    """
    digits = _SEPARATORS.sub("", raw)
    if not is_digits(digits) or len(digits) not in (6, 7):
        raise LoadError(f"{where}: prefix {raw!r} is not 6 or 7 digits.")
    if not is_area_code(digits[:3]):
        raise LoadError(f"{where}: prefix {raw!r} has no valid area code.")
    if digits[3] in "01":
        raise LoadError(
            f"{where}: prefix {raw!r} has an exchange code starting 0 or 1."
        )
    return digits


def in_npas(prefix: str, npas: frozenset[str] | None) -> bool:
    return npas is None or prefix[:3] in npas
