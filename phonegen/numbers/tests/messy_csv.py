"""What importing ``shared/data/numbers-messy.csv`` must give, line by line.

The file is a fixed input (read from the shared data folder, never copied into
the project), so its expected outcome is written out by hand: for each line,
the outcome, the refusal reason, the E.164 form and the extension. Line 1 is
the header and line 58 is blank; neither gets a report row.
"""

import csv
import os
from pathlib import Path

SHARED_DATA = Path(
    os.environ.get(
        "PHONEGEN_SHARED_DATA",
        Path(__file__).resolve().parents[3].parent / "shared" / "data",
    )
)
MESSY_CSV = SHARED_DATA / "numbers-messy.csv"

# The area codes the file's numbers are in; load these prefixes to validate it.
NPAS = ("201", "212", "646", "917")

S, DF, R = "stored", "duplicate_in_file", "refused"

# line: (outcome, reason, e164, extension)
EXPECTED = {
    2: (R, "npa_format", None, ""),  # 123-456-7890
    3: (S, "", "+16467436388", ""),
    4: (S, "", "+12123502484", ""),
    5: (S, "", "+16462189452", ""),  # spaces around
    6: (R, "fictional", None, ""),  # (212) 555-0199
    7: (R, "letters", None, ""),  # not a number
    8: (S, "", "+19179914932", ""),
    9: (S, "", "+12125469925", ""),
    10: (S, "", "+12014689922", "1101"),  # x1101
    11: (R, "too_few_digits", None, ""),  # 1212555
    12: (S, "", "+16468169005", "92"),  # ext. 92
    13: (R, "nxx_n11", None, ""),  # 212-911-4567
    14: (S, "", "+19176625347", ""),
    15: (R, "not_nanp", None, ""),  # +44 20 7946 0958
    16: (S, "", "+12123759709", ""),
    17: (S, "", "+16465429516", ""),  # spreadsheet .0
    18: (S, "", "+12127800469", ""),
    19: (R, "too_few_digits", None, ""),  # 911
    20: (S, "", "+12013462227", ""),
    21: (S, "", "+19179960508", "5151"),
    22: (R, "too_few_digits", None, ""),  # 555-0142
    23: (S, "", "+12128388750", ""),
    24: (S, "", "+16463268310", ""),
    25: (S, "", "+12129169894", ""),  # dots
    26: (S, "", "+12012537687", ""),  # +1
    27: (S, "", "+16469321705", ""),
    28: (S, "", "+12123603141", "16"),
    29: (S, "", "+16466283555", ""),
    30: (S, "", "+19177266994", ""),
    31: (S, "", "+16465526506", ""),
    32: (S, "", "+12129819404", ""),
    33: (R, "scientific_notation", None, ""),  # 2.12555E+09
    34: (S, "", "+16469943807", "9985"),
    35: (R, "npa_format", None, ""),  # (011) 234-5678
    36: (S, "", "+12124577146", ""),
    37: (DF, "", "+12123759709", ""),  # line 16 again
    38: (R, "nxx_n11", None, ""),  # (917) 211-0000
    39: (S, "", "+19175511049", ""),  # leading 1
    40: (S, "", "+12013754935", ""),
    41: (S, "", "+19178370248", ""),
    42: (S, "", "+16469976677", ""),
    43: (R, "too_many_digits", None, ""),  # 212-555-01234567
    44: (S, "", "+19177387704", ""),
    45: (R, "letters", None, ""),  # 1-800-FLOWERS
    46: (S, "", "+19175502672", ""),
    47: (S, "", "+16468302136", ""),
    48: (S, "", "+12124639024", ""),
    49: (S, "", "+12128981596", ""),
    50: (S, "", "+12125047745", ""),
    51: (S, "", "+12018539684", ""),
    52: (S, "", "+16468209370", ""),
    53: (DF, "", "+16468302136", ""),  # line 47 again
    54: (R, "empty", None, ""),  # an empty cell
    55: (S, "", "+19172376350", "59"),
    56: (S, "", "+19174182467", ""),
    57: (S, "", "+16464222197", "82"),
}

STORED = sum(1 for outcome, *_ in EXPECTED.values() if outcome == S)
DUPLICATES = sum(1 for outcome, *_ in EXPECTED.values() if outcome == DF)
REFUSED_BY_REASON = {
    "too_few_digits": 3,
    "letters": 2,
    "npa_format": 2,
    "nxx_n11": 2,
    "empty": 1,
    "fictional": 1,
    "not_nanp": 1,
    "scientific_notation": 1,
    "too_many_digits": 1,
}


def phone_cells() -> dict[int, str]:
    """The phone cell of every data line of the file, by line number."""
    text = MESSY_CSV.read_text(encoding="utf-8-sig")
    rows = csv.reader(text.splitlines())
    return {line: row[1] for line, row in enumerate(rows, start=1) if line > 1 and row}


def assert_report(entries: list[dict]) -> None:
    """Each entry of an import report of the file is what EXPECTED says."""
    cells = phone_cells()
    assert [entry["line"] for entry in entries] == sorted(EXPECTED)
    for entry in entries:
        outcome, reason, e164, extension = EXPECTED[entry["line"]]
        got = (entry["outcome"], entry["reason"], entry["e164"], entry["extension"])
        assert got == (outcome, reason, e164, extension), entry
        assert entry["input"] == cells[entry["line"]]
        if outcome == R:
            assert entry["message"], entry
            assert entry["validation_status"] is None
        else:
            assert entry["validation_status"] == "valid", entry


def assert_result(result: dict) -> None:
    """An import task's result_data for the file."""
    assert result["lines"] == len(EXPECTED) == 56
    assert result["blank_lines"] == 1
    assert result["stored"] == STORED == 40
    assert result["duplicates_in_file"] == DUPLICATES == 2
    assert result["duplicates_in_project"] == 0
    assert result["refused"] == sum(REFUSED_BY_REASON.values()) == 14
    assert result["refused_by_reason"] == REFUSED_BY_REASON
    assert result["validation"] == {"valid": STORED}
    assert result["column"] == "phone"
