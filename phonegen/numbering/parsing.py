"""Reading a phone number the way people write it, refusing what is ambiguous.

Accepted: ``(212) 555-0123``, ``212.555.0123``, ``212/555-0123``, ``+1 212 555
0123``, ``1-212-555-0123``, ``2125550123.0`` (a spreadsheet's float), with an
optional extension (``x101``, ``ext. 101``, ``ext=101``, ``extension 101``,
``#101``). Full-width digits and typographic dashes, as word processors and
East Asian keyboards write them, read as their ASCII forms.
Refused, with a reason: letters, scientific notation (the digits are already
lost), too few or too many digits, digits of other scripts, another country
code, and numbers that break a NANP rule.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from .nanp import Reason, check_national


class ParseReason(StrEnum):
    EMPTY = "empty"
    SCIENTIFIC_NOTATION = "scientific_notation"
    LETTERS = "letters"
    BAD_CHARACTERS = "bad_characters"
    TOO_FEW_DIGITS = "too_few_digits"
    TOO_MANY_DIGITS = "too_many_digits"
    NOT_NANP = "not_nanp"


MESSAGES = {
    ParseReason.EMPTY: "The cell is empty.",
    ParseReason.SCIENTIFIC_NOTATION: (
        "Written in scientific notation: the spreadsheet already lost digits."
    ),
    ParseReason.LETTERS: "Contains letters.",
    ParseReason.BAD_CHARACTERS: "Contains characters a phone number does not have.",
    ParseReason.TOO_FEW_DIGITS: "Too few digits for a NANP number (10 needed).",
    ParseReason.TOO_MANY_DIGITS: "Too many digits for a NANP number.",
    ParseReason.NOT_NANP: "Has a country code other than +1.",
    Reason.NPA_FORMAT: "The area code starts with 0 or 1.",
    Reason.NPA_N11: "The area code is an N11 service code.",
    Reason.NXX_FORMAT: "The exchange code starts with 0 or 1.",
    Reason.NXX_N11: "The exchange code is an N11 service code.",
    Reason.FICTIONAL: "555-0100 to 555-0199 and 555-1212 are reserved for fiction.",
    Reason.WRONG_LENGTH: "Not 10 digits.",
    Reason.NOT_DIGITS: "Not all digits.",
}

# Digits are ASCII only: ``\d`` would also take Arabic-Indic and other
# scripts' digits, which would then be stored as they are.
_SCIENTIFIC = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$")
_SPREADSHEET_FLOAT = re.compile(r"^([0-9]+)\.0+$")
_EXTENSION = re.compile(
    r"(?:\s*[,;]?\s*(?:ext[.=]?|extension|x|#)\s*)([0-9]{1,7})$", re.IGNORECASE
)
_ALLOWED = re.compile(r"^[0-9\s().\-/+]*$")
_LETTER = re.compile(r"[A-Za-z]")
_NON_DIGIT = re.compile(r"[^0-9]")
# Hyphen, non-breaking hyphen, figure dash, en and em dash, minus sign.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


@dataclass(frozen=True, slots=True)
class Parsed:
    national: str | None
    extension: str = ""
    reason: StrEnum | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def message(self) -> str:
        return MESSAGES.get(self.reason, "") if self.reason else ""


def parse(raw: str) -> Parsed:
    """Read ``raw`` into a national number and extension, or say why not.

    >>> parse(" (212) 350-2484 ")
    Parsed(national='2123502484', extension='', reason=None)
    >>> parse("201-468-9922 x1101").extension
    '1101'
    >>> parse("6465429516.0").national
    '6465429516'
    >>> parse("2.12555E+09").reason
    <ParseReason.SCIENTIFIC_NOTATION: 'scientific_notation'>
    >>> parse("\uff12\uff11\uff12\u2013350\u20132484").national  # full-width, en dashes
    '2123502484'
    """
    # NFKC turns full-width digits into ASCII and no-break spaces into spaces.
    text = unicodedata.normalize("NFKC", raw).translate(_DASHES)
    text = text.strip().strip("\"'").strip()
    if not text:
        return Parsed(None, reason=ParseReason.EMPTY)
    if _SCIENTIFIC.match(text):
        return Parsed(None, reason=ParseReason.SCIENTIFIC_NOTATION)

    spreadsheet = _SPREADSHEET_FLOAT.match(text)
    if spreadsheet:
        text = spreadsheet.group(1)

    extension = ""
    match = _EXTENSION.search(text)
    if match and _LETTER.search(text[: match.start()]) is None:
        extension = match.group(1)
        text = text[: match.start()].rstrip()

    if _LETTER.search(text):
        return Parsed(None, reason=ParseReason.LETTERS)
    if not _ALLOWED.match(text):
        return Parsed(None, reason=ParseReason.BAD_CHARACTERS)

    return _from_digits(text, extension)


def _from_digits(text: str, extension: str) -> Parsed:
    digits = _NON_DIGIT.sub("", text)
    # 011 dials out of the NANP; ten digits starting 011 are a bad area code.
    dialled_out = digits.startswith("011") and len(digits) > 11
    international = text.startswith("+") or dialled_out
    if dialled_out:
        digits = digits[3:]
    if international and not digits.startswith("1"):
        return Parsed(None, reason=ParseReason.NOT_NANP)

    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) < 10:
        return Parsed(None, reason=ParseReason.TOO_FEW_DIGITS)
    if len(digits) > 10:
        return Parsed(None, reason=ParseReason.TOO_MANY_DIGITS)

    rule = check_national(digits)
    if rule is not None:
        return Parsed(digits, extension, reason=rule)
    return Parsed(digits, extension)
