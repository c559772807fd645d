"""Line types, the words users write for them, and NANPA OCN categories."""

import re
from enum import StrEnum


class LineType(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    VOIP = "voip"
    TOLL_FREE = "toll_free"
    PREMIUM = "premium"
    PERSONAL = "personal"
    PAGER = "pager"
    UNKNOWN = "unknown"


_SYNONYMS = {
    "wireless": LineType.MOBILE,
    "cell": LineType.MOBILE,
    "cellular": LineType.MOBILE,
    "fixed": LineType.LANDLINE,
    "fixed_line": LineType.LANDLINE,
    "fixedline": LineType.LANDLINE,
    "wireline": LineType.LANDLINE,
    "tollfree": LineType.TOLL_FREE,
    "premium_rate": LineType.PREMIUM,
}

# NANPA's OCN categories: who the operating company is, which is the best
# public hint of a prefix's line type (US mobile and fixed numbers share the
# same digit patterns, so the digits alone cannot tell).
_OCN_CATEGORIES = {
    "WIRELESS": LineType.MOBILE,
    "PCS": LineType.MOBILE,
    "W RESELLER": LineType.MOBILE,
    "RBOC": LineType.LANDLINE,
    "ICO": LineType.LANDLINE,
    "CAP": LineType.LANDLINE,
    "CLEC": LineType.LANDLINE,
    "ULEC": LineType.LANDLINE,
    "L RESELLER": LineType.LANDLINE,
    "GENERAL": LineType.LANDLINE,
    "IPES": LineType.VOIP,
}


def parse_line_type(raw: str) -> LineType | None:
    """The line type a user means by ``raw`` ("Mobile", "cell", "fixed-line"), or None."""
    key = raw.strip().lower().replace("-", "_").replace(" ", "_")
    if key in LineType._value2member_map_:
        return LineType(key)
    return _SYNONYMS.get(key)


def line_type_for_ocn_category(category: str | None) -> LineType:
    """Map a NANPA OCN category (``WIRELESS``, ``RBOC``, ``IPES``...) to a line type."""
    if not category:
        return LineType.UNKNOWN
    return _OCN_CATEGORIES.get(category.strip().upper(), LineType.UNKNOWN)


# Paging companies register as wireless carriers, but their numbers reach
# pagers, not phones.
_PAGING_CARRIER = re.compile(
    r"PAGING|BEEPER|\bBEEP\b|ADBEEP|\bPAGE\b|USA MOBILITY|AMERICAN MESSAGING"
    r"|\bAQUIS\b|METROCALL|ARCH WIRELESS|\bSKYTEL\b|\bPAGENET\b"
)


def line_type_for_holder(category: str | None, carrier: str | None) -> LineType:
    """The line type of a prefix from its holder: the OCN category, except that a
    wireless paging company's numbers are pagers.

    >>> line_type_for_holder("WIRELESS", "USA MOBILITY WIRELESS, INC.")
    <LineType.PAGER: 'pager'>
    >>> line_type_for_holder("WIRELESS", "CELLCO PARTNERSHIP DBA VERIZON WIRELESS")
    <LineType.MOBILE: 'mobile'>
    """
    line_type = line_type_for_ocn_category(category)
    if (
        line_type == LineType.MOBILE
        and carrier
        and _PAGING_CARRIER.search(carrier.upper())
    ):
        return LineType.PAGER
    return line_type
