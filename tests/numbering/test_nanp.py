import pytest

from phonegen.numbering.formats import e164, national_format, stored
from phonegen.numbering.line_types import LineType
from phonegen.numbering.nanp import (
    Reason,
    check_national,
    is_area_code,
    is_fictional,
    is_geographic_npa,
    plan_line_type,
)


@pytest.mark.parametrize(
    ("national", "reason"),
    [
        ("2125550200", None),  # 555 outside 0100-0199 is an ordinary number
        ("2122001234", None),
        ("8008111234", None),  # N11 NXX is fine in a toll-free NPA
        ("212911456", Reason.WRONG_LENGTH),
        ("21291145678", Reason.WRONG_LENGTH),
        ("21220O1234", Reason.NOT_DIGITS),
        ("2122001\u0662\u0663\u0664", Reason.NOT_DIGITS),
        ("0122001234", Reason.NPA_FORMAT),
        ("1122001234", Reason.NPA_FORMAT),
        ("9112001234", Reason.NPA_N11),
        ("2120001234", Reason.NXX_FORMAT),
        ("2121001234", Reason.NXX_FORMAT),
        ("2129114567", Reason.NXX_N11),
        ("2124111234", Reason.NXX_N11),
        ("2125550100", Reason.FICTIONAL),
        ("2125550199", Reason.FICTIONAL),
        ("2125551212", Reason.FICTIONAL),
    ],
)
def test_it_names_the_first_rule_a_number_breaks(national, reason):
    assert check_national(national) == reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("212", True),
        ("917", True),
        ("800", True),
        ("012", False),
        ("112", False),
        ("911", False),
        ("411", False),
        ("abc", False),
        ("2120", False),
        ("21", False),
        # Other scripts' digits are digits to Python's \d and isdigit().
        ("2\u0661\u0662", False),
        ("2\uff11\uff12", False),
        ("212\n", False),
    ],
)
def test_it_recognises_area_codes(raw, expected):
    assert is_area_code(raw) is expected


def test_it_knows_the_fictional_range_exactly():
    assert is_fictional("2125550100")
    assert is_fictional("2125550199")
    assert not is_fictional("2125550200")
    assert not is_fictional("2125550099")
    assert is_fictional("2125551212")
    assert not is_fictional("2125551213")
    assert not is_fictional("2125560100")


@pytest.mark.parametrize(
    ("npa", "line_type"),
    [
        ("800", LineType.TOLL_FREE),
        ("833", LineType.TOLL_FREE),
        ("888", LineType.TOLL_FREE),
        ("900", LineType.PREMIUM),
        ("500", LineType.PERSONAL),
        ("533", LineType.PERSONAL),
        ("212", None),
        ("917", None),
        ("505", None),
    ],
)
def test_it_types_whole_npas_the_plan_fixes(npa, line_type):
    assert plan_line_type(npa) == line_type
    assert is_geographic_npa(npa) is (line_type is None)


def test_it_writes_the_three_forms():
    assert stored("2125550123") == "12125550123"
    assert e164("12125550123") == "+12125550123"
    assert e164("2125550123") == "+12125550123"
    assert national_format("12125550123") == "(212) 555-0123"
