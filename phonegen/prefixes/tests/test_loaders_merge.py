from pathlib import Path

import pytest

from phonegen.prefixes.loaders import prefixes_load
from phonegen.prefixes.models import PhonePrefix

NANPA_HEADER = (
    "State\tNPA-NXX\tOcn\tCompany\tRateCenter\tEffectiveDate\tUse\tAssignDate"
    "\tInitial/Growth"
)


def nanpa_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "allutlzd.txt"
    path.write_bytes("\r\n".join([NANPA_HEADER, *rows, ""]).encode())
    return path


def csv_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "prefixes.csv"
    path.write_text("\n".join(["prefix,carrier,city,state,line_type", *rows, ""]))
    return path


@pytest.mark.django_db
class MergeTests:
    def test_it_overwrites_a_changed_carrier_and_keeps_what_the_new_source_lacks(
        self, tmp_path, json_sample
    ):
        prefixes_load(source="json", path=json_sample)
        before = PhonePrefix.objects.get(prefix="646200")
        path = nanpa_file(
            tmp_path,
            "NY\t646-200\t6214\tNEW CINGULAR WIRELESS PCS, LLC\tUNKNOWN\t \tAS\t\tI",
        )

        result = prefixes_load(source="nanpa", path=path)

        row = PhonePrefix.objects.get(prefix="646200")
        assert (result.created, result.updated) == (0, 1)
        assert row.carrier == "NEW CINGULAR WIRELESS PCS, LLC"
        assert row.brand == "AT&T"
        assert row.ocn == "6214"
        assert (row.city, row.state, row.country) == ("New York", "NY", "US")
        assert row.line_type == "mobile"
        assert row.source == "nanpa"
        assert row.loaded_at > before.loaded_at

    def test_it_fills_an_empty_field_and_keeps_the_carrier(self, tmp_path, json_sample):
        prefixes_load(source="json", path=json_sample)
        path = nanpa_file(
            tmp_path,
            "NY\t646-203\t6529\tOMNIPOINT COMMUNICATIONS, INC.\tNWYRCYZN03\t \tAS\t\tI",
        )

        prefixes_load(source="nanpa", path=path)

        row = PhonePrefix.objects.get(prefix="646203")
        assert row.carrier == "OMNIPOINT COMMUNICATIONS, INC."
        assert row.brand == "T-Mobile"
        assert row.ocn == "6529"
        assert row.rate_center == "NWYRCYZN03"
        assert row.city == "New York"  # the readable city stays

    def test_it_never_erases_a_field_with_an_empty_one(self, tmp_path, json_sample):
        prefixes_load(source="json", path=json_sample)
        before = PhonePrefix.objects.get(prefix="646200")

        result = prefixes_load(
            source="csv", path=csv_file(tmp_path, "646200,,,,", "646201,,,,unknown")
        )

        row = PhonePrefix.objects.get(prefix="646200")
        assert (result.updated, result.unchanged) == (0, 2)
        assert (row.carrier, row.brand) == (before.carrier, before.brand)
        assert (row.city, row.state, row.line_type) == ("New York", "NY", "mobile")
        assert PhonePrefix.objects.get(prefix="646201").line_type == "landline"
        assert row.source == "json"
        assert row.loaded_at == before.loaded_at

    def test_it_overwrites_a_known_line_type_with_another_known_one(self, tmp_path):
        prefixes_load(source="nanpa-blocks", npas=["917"])

        prefixes_load(source="csv", path=csv_file(tmp_path, "917202,,,,landline"))

        row = PhonePrefix.objects.get(prefix="917202")
        assert row.line_type == "landline"
        assert row.carrier == "SPRINT SPECTRUM, L.P."
        assert row.ocn_category == "PCS"

    def test_it_merges_a_prefix_repeated_in_one_file(self, tmp_path):
        path = csv_file(tmp_path, "212200,ACME TEL,,,mobile", "212200,,Boston,MA,")

        result = prefixes_load(source="csv", path=path)

        row = PhonePrefix.objects.get()
        assert (row.carrier, row.city, row.state) == ("ACME TEL", "Boston", "MA")
        assert row.line_type == "mobile"
        assert result.created == 1
        assert result.skipped == {"repeated prefix (merged into the earlier row)": 1}

    def test_it_merges_libphonenumber_and_nanpa_blocks_in_either_order(self):
        prefixes_load(source="libphonenumber", npas=["917"])
        prefixes_load(source="nanpa-blocks", npas=["917"])
        first = {
            r.prefix: (r.carrier, r.line_type, r.state, r.country)
            for r in PhonePrefix.objects.all()
        }
        PhonePrefix.objects.all().delete()

        prefixes_load(source="nanpa-blocks", npas=["917"])
        prefixes_load(source="libphonenumber", npas=["917"])

        row = PhonePrefix.objects.get(prefix="917202")
        assert row.carrier == "SPRINT SPECTRUM, L.P."
        assert (row.line_type, row.state, row.country) == ("mobile", "NY", "US")
        assert {
            r.prefix: (r.carrier, r.line_type, r.state, r.country)
            for r in PhonePrefix.objects.all()
        } == first

    def test_it_recomputes_the_brand_with_the_carrier(self, tmp_path):
        prefixes_load(source="csv", path=csv_file(tmp_path, "212200,QWEST CORP,,,"))

        prefixes_load(source="csv", path=csv_file(tmp_path, "212200,T-MOBILE USA,,,"))

        assert PhonePrefix.objects.get().brand == "T-Mobile"


@pytest.mark.django_db
class BlockPlaceTests:
    def test_it_gives_new_blocks_the_place_of_their_exchange(self):
        prefixes_load(source="libphonenumber", npas=["201"])

        prefixes_load(source="nanpa-blocks", npas=["201"])

        exchange = PhonePrefix.objects.get(prefix="201225")
        blocks = PhonePrefix.objects.filter(npa="201", nxx="225", block__isnull=False)
        assert (exchange.city, exchange.state) == ("Paramus", "NJ")
        assert blocks.exists()
        assert {(b.city, b.state) for b in blocks} == {("Paramus", "NJ")}
        assert not PhonePrefix.objects.filter(state="").exists()

    def test_it_places_stored_blocks_when_their_exchange_is_placed_later(self):
        """nanpa-blocks knows 201 is in NJ; libphonenumber later names the city."""
        prefixes_load(source="nanpa-blocks", npas=["201"])
        unplaced = PhonePrefix.objects.filter(npa="201", nxx="225", block__isnull=False)
        assert set(unplaced.values_list("city", "state")) == {("", "NJ")}

        result = prefixes_load(source="libphonenumber", npas=["201"])

        assert result.blocks_placed >= unplaced.count() > 0
        block = PhonePrefix.objects.filter(npa="201", nxx="225").last()
        assert block.block is not None
        assert (block.city, block.state) == ("Paramus", "NJ")

    def test_it_keeps_a_block_place_of_its_own(self, tmp_path):
        prefixes_load(source="libphonenumber", npas=["201"])
        prefixes_load(source="csv", path=csv_file(tmp_path, "2012255,,Hoboken,NJ,"))

        prefixes_load(source="nanpa-blocks", npas=["201"])

        block = PhonePrefix.objects.get(prefix="2012255")
        assert (block.city, block.state) == ("Hoboken", "NJ")
        assert block.carrier != ""
