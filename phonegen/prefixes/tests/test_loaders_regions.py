import pytest

from phonegen.prefixes.loaders.regions import (
    country_for_npa,
    country_for_state,
    split_description,
    state_code,
)


class StateCodeTests:
    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("NY", "NY"),
            ("ny", "NY"),
            ("New York", "NY"),
            ("new  york", "NY"),
            ("Washington State", "WA"),
            ("Washington D.C.", "DC"),
            ("District of Columbia", "DC"),
            ("Ontario", "ON"),
            ("British Colombia", "BC"),
            ("Québec", "QC"),
            ("Puerto Rico", "PR"),
            ("", ""),
            ("  ", ""),
        ],
    )
    def test_it_reads_a_code_or_a_name(self, raw, code):
        assert state_code(raw) == code

    @pytest.mark.parametrize("raw", ["XX", "Narnia", "New Providence", "N"])
    def test_it_answers_none_for_no_state(self, raw):
        assert state_code(raw) is None


class CountryTests:
    @pytest.mark.parametrize(
        ("state", "country"),
        [
            ("NY", "US"),
            ("DC", "US"),
            ("ON", "CA"),
            ("PR", "PR"),
            ("VI", "VI"),
            ("", ""),
        ],
    )
    def test_it_gives_the_country_of_a_state(self, state, country):
        assert country_for_state(state) == country

    @pytest.mark.parametrize(
        ("npa", "country"),
        [("212", "US"), ("604", "CA"), ("242", "BS"), ("787", "PR"), ("800", "US")],
    )
    def test_it_gives_the_country_of_an_area_code(self, npa, country):
        assert country_for_npa(npa) == country

    def test_it_gives_no_country_to_an_unused_area_code(self):
        assert country_for_npa("999") == ""


class SplitDescriptionTests:
    @pytest.mark.parametrize(
        ("description", "place"),
        [
            ("Jersey City, NJ", ("Jersey City", "NJ")),
            ("Montreal, QC", ("Montreal", "QC")),
            ("St. Thomas, VI", ("St. Thomas", "VI")),
            ("New York", ("", "NY")),
            ("Washington State", ("", "WA")),
            ("Nova Scotia/Prince Edward Island", ("", "")),
            ("New Providence", ("New Providence", "")),
            ("Rum Cay & San Sal", ("Rum Cay & San Sal", "")),
            ("", ("", "")),
        ],
    )
    def test_it_splits_a_place_into_city_and_state(self, description, place):
        assert split_description(description) == place

    def test_it_takes_the_country_name_for_no_city(self):
        assert split_description("Cayman Islands", "Cayman Islands") == ("", "")
