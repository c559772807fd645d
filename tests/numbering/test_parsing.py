import pytest

from phonegen.numbering.parsing import MESSAGES, ParseReason, parse


@pytest.mark.parametrize(
    ("raw", "national", "extension"),
    [
        ("(212) 350-2484", "2123502484", ""),
        (" 212/350-2484 ", "2123502484", ""),
        ("212.350.2484", "2123502484", ""),
        ("+1 (212) 350-2484", "2123502484", ""),
        ("1-212-350-2484", "2123502484", ""),
        ("12123502484", "2123502484", ""),
        ("011 1 212 350 2484", "2123502484", ""),  # dialled out and back in
        ("2123502484.0", "2123502484", ""),  # a spreadsheet's float
        ('"212-350-2484"', "2123502484", ""),
        ("212-350-2484 x101", "2123502484", "101"),
        ("212-350-2484 ext. 7", "2123502484", "7"),
        ("212 350 2484, extension 42", "2123502484", "42"),
        ("+1 212 350 2484;ext=5", "2123502484", "5"),
        ("212-350-2484 #9", "2123502484", "9"),
        ("212\u00a0350\u00a02484", "2123502484", ""),  # no-break spaces
        ("212\u2013350\u20132484", "2123502484", ""),  # en dashes
        (
            "\uff12\uff11\uff12\uff13\uff15\uff10\uff12\uff14\uff18\uff14",
            "2123502484",
            "",
        ),
        ("800-811-1234", "8008111234", ""),  # N11 NXX in a toll-free NPA
    ],
)
def test_it_reads_numbers_as_people_write_them(raw, national, extension):
    parsed = parse(raw)

    assert parsed.ok, parsed
    assert (parsed.national, parsed.extension) == (national, extension)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ('  "" ', "empty"),
        ("2.12555E+09", "scientific_notation"),
        ("2,12E9", "scientific_notation"),
        ("1-800-FLOWERS", "letters"),
        ("tel:2123502484", "letters"),
        ("212-350-2484 x", "letters"),
        ("212*350*2484", "bad_characters"),
        (
            "\u0662\u0661\u0662\u0663\u0665\u0660\u0662\u0664\u0668\u0664",
            "bad_characters",
        ),
        ("911", "too_few_digits"),
        ("350-2484", "too_few_digits"),
        ("212-350-24845", "too_many_digits"),
        ("22123502484", "too_many_digits"),
        ("+44 20 7946 0958", "not_nanp"),
        ("011 44 20 7946 0958", "not_nanp"),
        ("123-456-7890", "npa_format"),
        ("(011) 234-5678", "npa_format"),
        ("911-350-2484", "npa_n11"),
        ("212-050-2484", "nxx_format"),
        ("212-911-4567", "nxx_n11"),
        ("(212) 555-0142", "fictional"),
        ("212-555-1212", "fictional"),
    ],
)
def test_it_refuses_what_it_cannot_read_unambiguously(raw, reason):
    parsed = parse(raw)

    assert not parsed.ok
    assert parsed.reason == reason
    assert parsed.message == MESSAGES[parsed.reason]


def test_it_keeps_the_digits_of_a_number_that_breaks_a_plan_rule():
    parsed = parse("(212) 555-0142")

    assert parsed.national == "2125550142"
    assert parse("1-800-FLOWERS").national is None


def test_every_reason_has_a_message():
    assert all(reason in MESSAGES for reason in ParseReason)
