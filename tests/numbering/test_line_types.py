import pytest

from phonegen.numbering.line_types import (
    LineType,
    line_type_for_holder,
    line_type_for_ocn_category,
    parse_line_type,
)


class ParseLineTypeTests:
    @pytest.mark.parametrize(
        ("raw", "line_type"),
        [
            ("mobile", LineType.MOBILE),
            ("Mobile", LineType.MOBILE),
            ("wireless", LineType.MOBILE),
            ("cell", LineType.MOBILE),
            ("Cellular", LineType.MOBILE),
            ("landline", LineType.LANDLINE),
            ("Landline", LineType.LANDLINE),
            ("fixed", LineType.LANDLINE),
            ("fixed_line", LineType.LANDLINE),
            ("Fixed-Line", LineType.LANDLINE),
            ("fixed line", LineType.LANDLINE),
            ("VoIP", LineType.VOIP),
            ("toll-free", LineType.TOLL_FREE),
            ("tollfree", LineType.TOLL_FREE),
            ("premium", LineType.PREMIUM),
            ("personal", LineType.PERSONAL),
            ("pager", LineType.PAGER),
            (" unknown ", LineType.UNKNOWN),
        ],
    )
    def test_it_reads_a_line_type_and_its_synonyms(self, raw, line_type):
        assert parse_line_type(raw) == line_type

    @pytest.mark.parametrize("raw", ["", "satellite", "mob", "fax"])
    def test_it_answers_none_for_a_word_it_does_not_know(self, raw):
        assert parse_line_type(raw) is None


class LineTypeForOcnCategoryTests:
    @pytest.mark.parametrize(
        ("category", "line_type"),
        [
            ("WIRELESS", LineType.MOBILE),
            ("PCS", LineType.MOBILE),
            ("W RESELLER", LineType.MOBILE),
            ("RBOC", LineType.LANDLINE),
            ("ICO", LineType.LANDLINE),
            ("CAP", LineType.LANDLINE),
            ("CLEC", LineType.LANDLINE),
            ("ULEC", LineType.LANDLINE),
            ("L RESELLER", LineType.LANDLINE),
            ("GENERAL", LineType.LANDLINE),
            ("IPES", LineType.VOIP),
            (" pcs ", LineType.MOBILE),
            ("UNKNOWN", LineType.UNKNOWN),
            ("", LineType.UNKNOWN),
            (None, LineType.UNKNOWN),
        ],
    )
    def test_it_maps_an_ocn_category_to_a_line_type(self, category, line_type):
        assert line_type_for_ocn_category(category) == line_type


@pytest.mark.parametrize(
    ("category", "carrier", "line_type"),
    [
        ("WIRELESS", "USA MOBILITY WIRELESS, INC.", LineType.PAGER),
        ("WIRELESS", "AMERICAN MESSAGING SERVICES, L", LineType.PAGER),
        ("WIRELESS", "DIAL-A-BEEPER, INC.", LineType.PAGER),
        ("WIRELESS", "ABC PAGING CITY BEEPERS, INC.", LineType.PAGER),
        ("PCS", "T-MOBILE USA, INC.", LineType.MOBILE),
        ("WIRELESS", "CELLCO PARTNERSHIP DBA VERIZON WIRELESS", LineType.MOBILE),
        ("CLEC", "PAGING TULSA, INC.", LineType.LANDLINE),
        ("", "USA MOBILITY WIRELESS, INC.", LineType.UNKNOWN),
    ],
)
def test_paging_companies_hold_pager_numbers(category, carrier, line_type):
    assert line_type_for_holder(category, carrier) == line_type
