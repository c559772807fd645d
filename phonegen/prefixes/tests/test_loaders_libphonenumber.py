import phonenumbers
import pytest
from phonenumbers import PhoneNumber, PhoneNumberType
from phonenumbers.geodata import GEOCODE_DATA

from phonegen.prefixes.loaders import prefixes_load
from phonegen.prefixes.models import PhonePrefix


def first_number(prefix: str) -> PhoneNumber:
    return PhoneNumber(country_code=1, national_number=int(prefix.ljust(10, "0")))


@pytest.mark.django_db
class LibphonenumberLoaderTests:
    def test_it_loads_every_exchange_libphonenumber_locates(self):
        located = {
            key[1:7] for key in GEOCODE_DATA if key.startswith("1201") and len(key) >= 7
        }
        accepted = {
            prefix
            for prefix in located
            if int(prefix[3:]) % 100 != 11
            and phonenumbers.is_valid_number(first_number(prefix))
        }

        result = prefixes_load(source="libphonenumber", npas=["201"])

        assert set(PhonePrefix.objects.values_list("prefix", flat=True)) == accepted
        assert result.rows_read == 800
        assert result.created + result.skipped_total == 800

    def test_it_splits_a_city_and_state(self):
        prefixes_load(source="libphonenumber", npas=["201"])

        row = PhonePrefix.objects.get(prefix="201200")
        assert (row.city, row.state, row.country) == ("Jersey City", "NJ", "US")
        assert (row.carrier, row.line_type) == ("", "unknown")

    def test_it_places_canadian_exchanges_in_their_province(self):
        prefixes_load(source="libphonenumber", npas=["604"])

        row = PhonePrefix.objects.filter(city="Vancouver").first()
        assert (row.state, row.country) == ("BC", "CA")
        assert not PhonePrefix.objects.exclude(country="CA").exists()

    @pytest.mark.parametrize(
        ("npa", "line_type", "country"),
        [
            ("800", "toll_free", "US"),
            ("888", "toll_free", "US"),
            ("900", "premium", "US"),
            ("500", "personal", "US"),
            ("533", "personal", "US"),
        ],
    )
    def test_it_types_the_non_geographic_area_codes_by_the_plan(
        self, npa, line_type, country
    ):
        prefixes_load(source="libphonenumber", npas=[npa])

        rows = PhonePrefix.objects.filter(npa=npa)
        assert rows.exists()
        assert set(rows.values_list("line_type", "country")) == {(line_type, country)}
        assert set(rows.values_list("city", "state")) == {("", "")}

    def test_it_keeps_n11_exchanges_of_toll_free_codes(self):
        prefixes_load(source="libphonenumber", npas=["800", "212"])

        assert PhonePrefix.objects.filter(prefix="800811").exists()
        assert not PhonePrefix.objects.filter(prefix="212811").exists()

    def test_it_types_caribbean_exchanges_as_libphonenumber_does(self):
        prefixes_load(source="libphonenumber", npas=["242", "876"])

        kinds = {
            "mobile": PhoneNumberType.MOBILE,
            "landline": PhoneNumberType.FIXED_LINE,
        }
        rows = PhonePrefix.objects.filter(line_type__in=kinds)
        assert rows.filter(npa="242", line_type="mobile").exists()
        assert rows.filter(npa="876", line_type="landline").exists()
        for row in rows:
            numobj = first_number(row.prefix)
            assert phonenumbers.number_type(numobj) == kinds[row.line_type]
        assert set(PhonePrefix.objects.values_list("npa", "country")) == {
            ("242", "BS"),
            ("876", "JM"),
        }

    def test_it_takes_the_carriers_libphonenumber_knows(self):
        prefixes_load(source="libphonenumber", npas=["242", "787"])

        assert PhonePrefix.objects.get(prefix="242357").carrier == "BaTelCo"
        block = PhonePrefix.objects.get(prefix="7873191")
        assert (block.carrier, block.block, block.country) == ("Claro", "1", "PR")
        assert PhonePrefix.objects.filter(prefix="787319").exists()

    def test_it_names_no_country_as_a_city(self):
        prefixes_load(source="libphonenumber", npas=["345"])

        assert not PhonePrefix.objects.filter(city="Cayman Islands").exists()
        assert PhonePrefix.objects.filter(city="George Town").exists()

    def test_it_changes_nothing_when_loaded_twice(self):
        first = prefixes_load(source="libphonenumber", npas=["212", "242"])

        again = prefixes_load(source="libphonenumber", npas=["212", "242"])

        assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
