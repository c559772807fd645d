"""Thousands blocks: the unit in which phonegen counts and draws numbers.

Every prefix covers whole thousands blocks (``NPA-NXX-X``, 1,000 numbers): an
NPA-NXX covers ten, an NPA-NXX-X one. When both exist, the longer prefix owns
its block and the NPA-NXX keeps the other nine (longest prefix wins).
"""

import functools
from collections.abc import Iterable

import numpy as np
import phonenumbers

from .nanp import is_valid_nxx

BLOCK_SIZE = 1000


def resolve_blocks(prefixes: Iterable[str]) -> dict[str, str]:
    """Map each 7-digit block covered by ``prefixes`` to the prefix that owns it.

    >>> owners = resolve_blocks(["212200", "2122003"])
    >>> owners["2122003"], owners["2122004"], len(owners)
    ('2122003', '212200', 10)
    """
    owners: dict[str, str] = {}
    for prefix in sorted(prefixes, key=len):
        if len(prefix) == 6:
            for digit in "0123456789":
                owners[prefix + digit] = prefix
        elif len(prefix) == 7:
            owners[prefix] = prefix
    return owners


def excluded_offsets(block: str) -> np.ndarray:
    """Line-number offsets (0-999) inside ``block`` that are never handed out.

    Only NXX 555 has any: 555-0100..0199 and 555-1212 are reserved for fiction.
    """
    if block[3:6] != "555":
        return np.empty(0, dtype=np.int64)
    if block[6] == "0":
        return np.arange(100, 200, dtype=np.int64)
    if block[6] == "1":
        return np.array([212], dtype=np.int64)
    return np.empty(0, dtype=np.int64)


@functools.lru_cache(maxsize=1 << 18)
def is_usable_block(block: str) -> bool:
    """True when the numbers of ``block`` are valid NANP numbers that
    libphonenumber accepts.

    libphonenumber's NANP patterns are no finer than the NPA-NXX, so the first
    and last number of a block stand for all of it (a property the tests check).
    """
    npa, nxx = block[:3], block[3:6]
    if not is_valid_nxx(npa, nxx):
        return False

    for line in ("000", "999"):
        numobj = phonenumbers.parse("+1" + block + line)
        if not phonenumbers.is_valid_number(numobj):
            return False
    return True


def block_capacity(block: str) -> int:
    """How many numbers of ``block`` can be handed out (1,000 less reserved ones)."""
    return BLOCK_SIZE - len(excluded_offsets(block))
