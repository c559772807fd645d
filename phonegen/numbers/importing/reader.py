"""Stream the lines of an uploaded list, whatever its encoding, and find the
column that holds phone numbers.

Files are read line by line in binary and decoded one line at a time (UTF-8,
falling back to Latin-1 for a line that is not UTF-8), so a file of a million
lines never sits in memory and one badly encoded line spoils nothing else.
A file whose first block is not text at all (a workbook, an image) is refused
before any line is read.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from phonegen.errors import InvalidInput
from phonegen.numbering.nanp import is_digits

# A phone list line is short; longer lines are refused, not read into memory.
MAX_LINE_BYTES = 4096
SAMPLE_LINES = 50
BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# How much of a file's start is read to tell text from binary.
SNIFF_BYTES = 8192
# Control characters (NUL among them) other than tab, line ends and form feed:
# text has none, or a stray few, which are reported on their line; binary
# formats are full of them. C1 bytes (0x80-0x9f) are not counted, as
# Windows-1252 files use them for quotes and dashes.
_CONTROL_BYTES = bytes([*range(9), 11, *range(14, 32), 127])
MAX_CONTROL_SHARE = 0.05
# Formats people upload by mistake, said by name so the fix is obvious.
_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive, such as an Excel (.xlsx) workbook"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel (.xls) or Word document"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)

_DELIMITERS = (",", ";", "\t", "|")
_PHONE_HEADERS = re.compile(
    r"^(phone|phones|phone[ _-]?(number|no|num)|number|telephone|tel|mobile|cell"
    r"|cell ?phone|msisdn|contact[ _-]?number|e164|fax)[ _-]?[0-9]?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"[0-9]")
_LONE_CR = re.compile(rb"\r(?!\n)")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Layout:
    """How to read a file: its delimiter, its header line, which column."""

    delimiter: str | None  # None: one value per line
    header_line: int  # line number of the header; 0 when there is none
    column: int
    column_name: str

    @property
    def has_header(self) -> bool:
        return self.header_line > 0

    def as_params(self) -> dict:
        return {
            "delimiter": self.delimiter,
            "header_line": self.header_line,
            "column": self.column,
            "column_name": self.column_name,
        }

    @classmethod
    def from_params(cls, params: dict) -> "Layout":
        # Tasks queued before header_line existed said only whether line 1
        # was a header.
        header_line = params.get("header_line", 1 if params.get("has_header") else 0)
        return cls(
            delimiter=params["delimiter"],
            header_line=header_line,
            column=params["column"],
            column_name=params["column_name"],
        )


def read_lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """Yield ``(line number, text)`` for every line; text is None for a line
    longer than :data:`MAX_LINE_BYTES`."""
    with open(path, "rb") as f:
        line_no = 0
        while True:
            chunk = f.readline(MAX_LINE_BYTES + 1)
            if not chunk:
                return
            line_no += 1
            if line_no == 1 and chunk.startswith(BOM):
                chunk = chunk[len(BOM) :]

            if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
                _skip_rest_of_line(f)
                yield line_no, None
                continue
            yield line_no, _decode(chunk).rstrip("\r\n")


def _skip_rest_of_line(f) -> None:
    while True:
        rest = f.readline(1 << 16)
        if not rest or rest.endswith(b"\n"):
            return


def _decode(chunk: bytes) -> str:
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError:
        return chunk.decode("latin-1")


def split_line(text: str, delimiter: str | None) -> list[str]:
    """The cells of one line (one cell when the file has no delimiter)."""
    if delimiter is None:
        return [text]
    try:
        return next(csv.reader([text], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return [text]


def detect_layout(path: Path, column: str | None = None) -> Layout:
    """Decide how to read ``path``; refuse a file whose phone column is unclear.

    ``column`` names the phone column (a header name, any case, or a 1-based
    position). Without it, a header such as ``phone`` or ``number`` decides,
    then the column whose sample values look most like phone numbers. The
    first line that is not blank is the header when its phone cell is a label
    (letters, at most two digits): a first line of bad data is reported, not
    taken for a header.
    """
    column = (column or "").strip()
    with open(path, "rb") as f:
        start = f.read(SNIFF_BYTES)
    if start[:2] in UTF16_BOMS:
        message = "The file is UTF-16 text; save it as CSV in UTF-8."
        raise InvalidInput(message, errors={"file": [message]})
    _refuse_binary(start)
    if any(cr.start() < len(start) - 1 for cr in _LONE_CR.finditer(start)):
        # Lines are read up to LF: a line ended by CR alone (classic Mac files,
        # or one stray in a CRLF file) would run into the next one. A CR as the
        # block's last byte may be the first half of a CRLF, or end the file.
        message = (
            "Some lines of this file end with a carriage return alone (an old "
            "Mac format); save it with ordinary line ends (LF or CRLF)."
        )
        raise InvalidInput(message, errors={"file": [message]})
    sample, too_long = _first_lines(path)
    if not sample:
        if too_long:
            raise _all_lines_too_long()
        raise InvalidInput(
            "The file is empty.", errors={"file": ["The file is empty."]}
        )

    first_line, first_text = sample[0]
    delimiter = _delimiter(first_text)
    first = [cell.strip() for cell in split_line(first_text, delimiter)]

    if column:
        index = _named_column(first, column)
        header = not is_digits(column) or _is_label(first[index])
    else:
        index = next(
            (i for i, name in enumerate(first) if _PHONE_HEADERS.match(name)), None
        )
        header = index is not None
        if index is None:
            rows = [split_line(text, delimiter) for _, text in sample]
            index = _likeliest_column(rows, len(first))
            header = _is_label(first[index])

    if header and len(sample) == 1:
        if too_long:
            raise _all_lines_too_long()
        raise InvalidInput(
            "The file has a header but no numbers.",
            errors={"file": ["The file has a header line and nothing else."]},
        )
    return Layout(
        delimiter,
        first_line if header else 0,
        index,
        first[index] if header else "",
    )


def _refuse_binary(start: bytes) -> None:
    """Refuse a file whose first block is not text: a known binary format, or
    more control characters than :data:`MAX_CONTROL_SHARE` of the block."""
    kind = next((name for magic, name in _SIGNATURES if start.startswith(magic)), "")
    controls = sum(start.count(byte) for byte in _CONTROL_BYTES)
    if not kind and controls <= MAX_CONTROL_SHARE * len(start):
        return

    halves = (start[0::2].count(0), start[1::2].count(0))
    if not kind and max(halves) > len(start) // 4:
        # ASCII as UTF-16 without a BOM: every other byte is NUL.
        kind = "UTF-16 text without a byte order mark"
    found = f" (it looks like {kind})" if kind else ""
    message = (
        f"This is not a text file{found}; save the list as CSV or plain text, "
        "UTF-8 or Latin-1."
    )
    raise InvalidInput(message, errors={"file": [message]})


def _is_label(cell: str) -> bool:
    return bool(_LETTERS.search(cell)) and len(_DIGITS.findall(cell)) <= 2


def _first_lines(path: Path) -> tuple[list[tuple[int, str]], int]:
    """The first :data:`SAMPLE_LINES` lines that are neither blank nor too long,
    and how many lines too long were skipped on the way."""
    lines = []
    too_long = 0
    for line_no, text in read_lines(path):
        if text is None:
            too_long += 1
        elif text.strip():
            lines.append((line_no, text))
            if len(lines) >= SAMPLE_LINES:
                break
    return lines, too_long


def _all_lines_too_long() -> InvalidInput:
    # Said as it is: "empty" or "header only" would send the user looking for
    # the wrong mistake in a file that is, say, one 10 MB line.
    message = (
        f"The file has lines longer than {MAX_LINE_BYTES:,} bytes and no phone numbers."
    )
    return InvalidInput(message, errors={"file": [message]})


def _delimiter(header: str) -> str | None:
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _named_column(header: list[str], column: str) -> int:
    if is_digits(column) and 1 <= int(column) <= len(header):
        return int(column) - 1

    wanted = column.strip().lower()
    for index, name in enumerate(header):
        if name.lower() == wanted:
            return index

    names = ", ".join(repr(name) for name in header if name) or "none"
    raise InvalidInput(
        f"The file has no column '{column}'.",
        errors={"column": [f"No column '{column}'; the header has {names}."]},
    )


def _likeliest_column(rows: list[list[str]], width: int) -> int:
    scores = [0] * max(width, 1)
    for cells in rows:
        for index, cell in enumerate(cells[: len(scores)]):
            if len(_DIGITS.findall(cell)) >= 7:
                scores[index] += 1

    best = max(range(len(scores)), key=scores.__getitem__)
    if scores[best] == 0:
        raise InvalidInput(
            "No column of the file looks like phone numbers.",
            errors={"column": ["Name the phone column with 'column'."]},
        )
    return best


def count_lines(path: Path) -> int:
    """Lines in ``path``, counted in binary blocks (no decoding, little memory)."""
    lines = 0
    last = b"\n"
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")
