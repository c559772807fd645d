"""Structural rules of the North American Numbering Plan.

A national number is ``NPA NXX XXXX``: area code, central office code and line
number, 10 digits. These checks use the digits alone; whether a prefix is
assigned is the prefix database's question.
"""

import functools
import re
from enum import StrEnum

import phonenumbers
from phonenumbers import PhoneNumberType

from .line_types import LineType

COUNTRY_CODE = "1"

TOLL_FREE_NPAS = frozenset({"800", "833", "844", "855", "866", "877", "888"})
PREMIUM_NPAS = frozenset({"900"})

# ASCII digits only (``\d`` takes any script's), and the whole string: ``$``
# would also match before a final newline.
_AREA_CODE = re.compile(r"[2-9][0-9]{2}")

_PLAN_TYPES = {
    PhoneNumberType.TOLL_FREE: LineType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE: LineType.PREMIUM,
    PhoneNumberType.PERSONAL_NUMBER: LineType.PERSONAL,
    PhoneNumberType.VOIP: LineType.VOIP,
    PhoneNumberType.PAGER: LineType.PAGER,
}


def is_digits(text: str) -> bool:
    """True when ``text`` is ASCII digits 0-9 and nothing else.

    ``str.isdigit`` also takes other scripts' digits and superscripts, which
    ``int`` then reads differently or not at all.

    >>> is_digits("212"), is_digits("2\u0661\u0662"), is_digits("\u00b2"), is_digits("")
    (True, False, False, False)
    """
    return text.isascii() and text.isdigit()


class Reason(StrEnum):
    """Why a national number is not a usable NANP number."""

    WRONG_LENGTH = "wrong_length"
    NOT_DIGITS = "not_digits"
    NPA_FORMAT = "npa_format"  # area code starts with 0 or 1
    NPA_N11 = "npa_n11"  # 211..911 are service codes, never area codes
    NXX_FORMAT = "nxx_format"  # central office code starts with 0 or 1
    NXX_N11 = "nxx_n11"  # 555-911-... style service codes in geographic NPAs
    FICTIONAL = "fictional"  # 555-0100..0199 and 555-1212


def is_n11(code: str) -> bool:
    """True for the N11 service codes (211, 311, ... 911)."""
    return code[1:] == "11" and code[0] != "1"


def is_area_code(raw: str) -> bool:
    """True when ``raw`` is shaped like an NPA: three digits, the first 2-9, not N11."""
    return bool(_AREA_CODE.fullmatch(raw)) and not is_n11(raw)


@functools.cache
def plan_line_type(npa: str) -> LineType | None:
    """The line type the numbering plan fixes for a whole NPA, or None.

    Toll-free (800, 833, ... 888), premium (900) and personal-service codes
    (500, 521, 533, ...) are typed by the plan itself; libphonenumber's NANP
    metadata says which, so the lists follow its releases.

    >>> plan_line_type("888"), plan_line_type("900"), plan_line_type("212")
    (<LineType.TOLL_FREE: 'toll_free'>, <LineType.PREMIUM: 'premium'>, None)
    """
    if npa in TOLL_FREE_NPAS:
        return LineType.TOLL_FREE
    if npa in PREMIUM_NPAS:
        return LineType.PREMIUM

    numobj = phonenumbers.parse("+1" + npa + "2345678")
    return _PLAN_TYPES.get(phonenumbers.number_type(numobj))


def is_geographic_npa(npa: str) -> bool:
    """False for toll-free, premium and personal-service area codes."""
    return plan_line_type(npa) is None


def is_fictional(national: str) -> bool:
    """True for the numbers reserved for fiction: 555-0100..0199 and 555-1212.

    >>> is_fictional("2125550142"), is_fictional("2125551212"), is_fictional("2125550200")
    (True, True, False)
    """
    nxx, line = national[3:6], national[6:]
    return nxx == "555" and (line.startswith("01") or line == "1212")


def check_national(national: str) -> Reason | None:
    """The first rule a 10-digit national number breaks, or None when it breaks none.

    >>> check_national("2129111234")
    <Reason.NXX_N11: 'nxx_n11'>
    >>> check_national("8008111234") is None  # N11 rule is for geographic NPAs
    True
    """
    if len(national) != 10:
        return Reason.WRONG_LENGTH
    if not is_digits(national):
        return Reason.NOT_DIGITS

    npa, nxx = national[:3], national[3:6]
    if npa[0] in "01":
        return Reason.NPA_FORMAT
    if is_n11(npa):
        return Reason.NPA_N11
    if nxx[0] in "01":
        return Reason.NXX_FORMAT
    if is_geographic_npa(npa) and is_n11(nxx):
        return Reason.NXX_N11
    if is_fictional(national):
        return Reason.FICTIONAL
    return None


def is_valid_nxx(npa: str, nxx: str) -> bool:
    """True when every number of ``npa``-``nxx`` can pass :func:`check_national`
    (the 555 fictional numbers apart)."""
    if nxx[0] in "01":
        return False
    return not (is_geographic_npa(npa) and is_n11(nxx))
