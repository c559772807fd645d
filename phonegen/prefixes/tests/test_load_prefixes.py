import io
import json
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from phonegen.prefixes.loaders import prefixes_load
from phonegen.prefixes.loaders.nanpa_blocks import database_path
from phonegen.prefixes.models import PhonePrefix

NANPA_HEADER = (
    "State\tNPA-NXX\tOcn\tCompany\tRateCenter\tEffectiveDate\tUse\tAssignDate"
    "\tInitial/Growth"
)


def load(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command("load_prefixes", *args, stdout=out, **options)
    return out.getvalue()


def nanpa_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "allutlzd.txt"
    path.write_bytes("\r\n".join([NANPA_HEADER, *rows, ""]).encode())
    return path


def csv_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prefixes.csv"
    path.write_text(text)
    return path


def snapshot() -> list[tuple]:
    return list(PhonePrefix.objects.order_by("prefix").values_list())


@pytest.mark.django_db
class SummaryTests:
    def test_it_prints_the_counts_and_the_reasons_for_skipping(self, tmp_path):
        path = csv_file(tmp_path, "prefix\n212200\n917200\n917201\n")

        out = load("--source", "csv", str(path), "--npa", "212")

        assert out.splitlines()[1:] == [
            "  rows read          3",
            "  created            1",
            "  updated            0",
            "  unchanged          0",
            "  skipped            2",
            "            2  outside the requested NPAs",
        ]

    def test_it_logs_one_line_per_load(self, caplog, json_sample):
        caplog.set_level("INFO", logger="phonegen")

        prefixes_load(source="json", path=json_sample)

        lines = [r for r in caplog.records if r.name.startswith("phonegen.prefixes")]
        assert len(lines) == 1
        assert (
            lines[0]
            .getMessage()
            .startswith(
                "Loaded prefixes from json: 61 rows read, 61 created, 0 updated, "
                "0 unchanged, 0 skipped in "
            )
        )


@pytest.mark.django_db
class JsonSourceTests:
    def test_it_loads_every_prefix_of_the_sample(self, json_sample):
        out = load("--source", "json", str(json_sample))

        assert PhonePrefix.objects.count() == 61
        assert "created           61" in out
        row = PhonePrefix.objects.get(prefix="646200")
        assert row.carrier == "OMNIPOINT COMMUNICATIONS, INC."
        assert row.brand == "T-Mobile"
        assert (row.npa, row.nxx, row.block) == ("646", "200", None)
        assert (row.city, row.state, row.country) == ("New York", "NY", "US")
        assert row.line_type == "mobile"
        assert row.source == "json"

    def test_it_maps_the_types_of_the_sample(self, json_sample):
        raw = json.loads(json_sample.read_text())
        mobile = {v["prefix"] for v in raw.values() if v["type"] == "Mobile"}

        load("--source", "json", str(json_sample))

        rows = PhonePrefix.objects.all()
        assert {r.prefix for r in rows if r.line_type == "mobile"} == mobile
        assert {r.line_type for r in rows} == {"mobile", "landline"}
        assert {r.state for r in rows} == {"NY"}

    def test_it_changes_nothing_when_loaded_twice(self, json_sample):
        prefixes_load(source="json", path=json_sample)
        before = snapshot()

        result = prefixes_load(source="json", path=json_sample)

        assert (result.created, result.updated, result.unchanged) == (0, 0, 61)
        assert PhonePrefix.objects.count() == 61
        assert snapshot() == before


@pytest.mark.django_db
class NanpaSourceTests:
    def test_it_loads_every_assigned_code_of_the_sample(self, nanpa_sample):
        rows = [line.split("\t") for line in nanpa_sample.read_text().splitlines()]
        assigned = {row[1].replace("-", "") for row in rows[1:] if row[6] == "AS"}

        result = prefixes_load(source="nanpa", path=nanpa_sample)

        assert len(assigned) == 1599
        assert result.rows_read == len(rows) - 1
        assert result.created == len(assigned)
        assert set(PhonePrefix.objects.values_list("prefix", flat=True)) == assigned

    def test_it_takes_company_ocn_state_and_rate_centre(self, nanpa_sample):
        prefixes_load(source="nanpa", path=nanpa_sample)

        row = PhonePrefix.objects.get(prefix="201200")
        assert row.carrier == "VERIZON NEW JERSEY, INC."
        assert row.brand == "Verizon"
        assert row.ocn == "9206"
        assert (row.rate_center, row.state, row.country) == ("JERSEYCITY", "NJ", "US")
        assert row.city == ""  # a rate centre is no city name
        assert row.line_type == "unknown"

    def test_it_takes_no_rate_centre_from_an_unknown_one(self, nanpa_sample):
        prefixes_load(source="nanpa", path=nanpa_sample)

        row = PhonePrefix.objects.get(prefix="201203")
        assert row.rate_center == ""
        assert row.brand == "YMAX COMMUNICATIONS CORP."

    def test_it_changes_nothing_when_loaded_twice(self, nanpa_sample):
        prefixes_load(source="nanpa", path=nanpa_sample)
        before = snapshot()

        out = load("--source", "nanpa", str(nanpa_sample))

        assert "created            0" in out
        assert "unchanged      1,599" in out
        assert snapshot() == before

    def test_it_skips_codes_that_are_not_assigned(self, tmp_path):
        path = nanpa_file(
            tmp_path,
            "NY\t212-200\t9104\tVERIZON NEW YORK, INC.\tNWYRCYZN01\t \tAS\t\tI",
            "NY\t212-201\t    \t \tNWYRCYZN01\t \tUA\t\tI",
            "NY\t212-202\t    \t \tNWYRCYZN01\t \t\t\tI",
        )

        result = prefixes_load(source="nanpa", path=path)

        assert result.created == 1
        assert result.skipped == {
            "not assigned (Use UA)": 1,
            "not assigned (Use empty)": 1,
        }
        assert list(PhonePrefix.objects.values_list("prefix", flat=True)) == ["212200"]

    def test_it_reads_the_pooled_code_column_of_newer_reports(self, tmp_path):
        path = tmp_path / "allutlzd.txt"
        path.write_text(
            NANPA_HEADER + "\tPooled Code\n"
            "NY\t212-200\t9104\tVERIZON NEW YORK, INC.\tNWYRCYZN01\t \tAS\t\tI\tY\n"
        )

        result = prefixes_load(source="nanpa", path=path)

        assert result.created == 1


@pytest.mark.django_db
class NanpaBlocksSourceTests:
    def test_it_loads_an_npa_as_the_package_database_holds_it(self):
        database = sqlite3.connect(database_path())
        total, held = database.execute(
            "SELECT count(*), sum(company <> '' OR ocn <> '') FROM numbers "
            "WHERE npanxxy / 1000 = 917 OR npanxxy / 10000 = 917"
        ).fetchone()
        blocks = database.execute(
            "SELECT count(*) FROM numbers WHERE npanxxy / 10000 = 917 "
            "AND (company <> '' OR ocn <> '')"
        ).fetchone()[0]
        database.close()

        result = prefixes_load(source="nanpa-blocks", npas=["917"])

        assert result.rows_read == total
        assert result.created == held
        assert result.skipped_total == total - held
        assert PhonePrefix.objects.filter(npa="917").count() == held
        assert PhonePrefix.objects.filter(block__isnull=False).count() == blocks
        assert PhonePrefix.objects.exclude(npa="917").count() == 0

    def test_it_keeps_company_ocn_and_category(self):
        prefixes_load(source="nanpa-blocks", npas=["917"])

        row = PhonePrefix.objects.get(prefix="917202")
        assert row.carrier == "SPRINT SPECTRUM, L.P."
        assert row.brand == "T-Mobile"
        assert (row.ocn, row.ocn_category, row.line_type) == ("6664", "PCS", "mobile")
        assert row.country == "US"
        block = PhonePrefix.objects.get(prefix="9172001")
        assert (block.npa, block.nxx, block.block) == ("917", "200", "1")
        assert block.brand == "T-Mobile"

    def test_it_skips_codes_nobody_holds(self):
        result = prefixes_load(source="nanpa-blocks", npas=["212"])

        assert not PhonePrefix.objects.filter(prefix="212911").exists()
        assert result.skipped["no company or OCN (code not held)"] > 0

    def test_it_changes_nothing_when_loaded_twice(self):
        first = prefixes_load(source="nanpa-blocks", npas=["917"])
        before = snapshot()

        again = prefixes_load(source="nanpa-blocks", npas=["917"])

        assert (again.created, again.updated) == (0, 0)
        assert again.unchanged == first.created
        assert snapshot() == before


@pytest.mark.django_db
class LibphonenumberSourceTests:
    def test_it_loads_the_exchanges_it_locates_with_their_city(self):
        """201 has exchange-level places ("Jersey City, NJ"); only those load."""
        result = prefixes_load(source="libphonenumber", npas=["201"])

        rows = PhonePrefix.objects.filter(npa="201")
        assert result.created == rows.count() > 50
        assert rows.get(prefix="201200").city == "Jersey City"
        assert set(rows.values_list("country", flat=True)) == {"US"}
        assert rows.filter(state="NJ").count() > rows.count() * 0.9
        assert result.skipped["located only as a whole area code"] > 0
        assert not rows.filter(nxx="911").exists()

    def test_an_area_code_located_only_as_a_whole_creates_no_exchange(self):
        """212 is "New York, NY" as a whole: that says no exchange is in service."""
        result = prefixes_load(source="libphonenumber", npas=["212"])

        assert result.created == 0
        assert not PhonePrefix.objects.filter(npa="212").exists()

    def test_holders_without_a_place_take_their_area_codes(self):
        prefixes_load(source="nanpa-blocks", npas=["212", "917"])

        exchanges = PhonePrefix.objects.filter(block__isnull=True)
        assert set(exchanges.filter(npa="212").values_list("city", "state")) == {
            ("New York", "NY")
        }
        assert set(exchanges.filter(npa="917").values_list("city", "state")) == {
            ("", "NY")
        }

    def test_it_types_toll_free_numbers(self):
        prefixes_load(source="libphonenumber", npas=["800"])

        rows = PhonePrefix.objects.filter(npa="800")
        assert rows.count() > 700
        assert set(rows.values_list("line_type", flat=True)) == {"toll_free"}
        assert rows.filter(prefix="800811").exists()


@pytest.mark.django_db
class CsvSourceTests:
    def test_it_loads_a_table_with_synonyms_and_state_names(self, tmp_path):
        path = csv_file(
            tmp_path,
            "prefix,carrier,city,state,line_type\n"
            "212200,CELLCO PARTNERSHIP DBA VERIZON,New York,New York,cell\n"
            "2122015,Rogers Communications,Toronto,ON,fixed_line\n"
            "212-202,,,ny,\n",
        )

        out = load("--source", "csv", str(path))

        assert "created            3" in out
        rows = {r.prefix: r for r in PhonePrefix.objects.all()}
        assert rows["212200"].brand == "Verizon"
        assert rows["212200"].line_type == "mobile"
        assert rows["212200"].state == "NY"
        assert rows["2122015"].block == "5"
        assert rows["2122015"].line_type == "landline"
        assert rows["2122015"].country == "CA"
        assert rows["212202"].line_type == "unknown"
        assert rows["212202"].country == "US"

    def test_it_reads_columns_in_any_order_and_ignores_others(self, tmp_path):
        path = csv_file(tmp_path, "Notes,Type,PREFIX\nfirst,Mobile,917200\n")

        prefixes_load(source="csv", path=path)

        assert PhonePrefix.objects.get().line_type == "mobile"

    def test_it_limits_a_load_to_the_npas_asked_for(self, tmp_path):
        path = csv_file(tmp_path, "prefix\n212200\n917200\n")

        out = load("--source", "csv", str(path), "--npa", "917")

        assert list(PhonePrefix.objects.values_list("prefix", flat=True)) == ["917200"]
        assert "outside the requested NPAs" in out


@pytest.mark.django_db
class BadInputTests:
    def test_it_refuses_a_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="no such file"):
            load("--source", "json", str(tmp_path / "nope.json"))

    def test_it_refuses_a_file_source_without_a_file(self):
        with pytest.raises(CommandError, match="needs a FILE"):
            load("--source", "csv")

    def test_it_refuses_a_file_for_libphonenumber(self, json_sample):
        with pytest.raises(CommandError, match="reads no file"):
            load("--source", "libphonenumber", str(json_sample))

    def test_it_refuses_a_bad_npa(self):
        with pytest.raises(CommandError, match="Not an area code: 112"):
            load("--source", "libphonenumber", "--npa", "212,112")

    def test_it_names_the_missing_prefix_column(self, tmp_path):
        path = csv_file(tmp_path, "number,carrier\n212200,X\n")

        with pytest.raises(CommandError, match="line 1: no 'prefix' column"):
            load("--source", "csv", str(path))

    @pytest.mark.parametrize(
        ("line", "message"),
        [
            ("21220,X,,,", "line 3: prefix '21220' is not 6 or 7 digits"),
            ("112200,X,,,", "line 3: prefix '112200' has no valid area code"),
            ("212100,X,,,", "line 3: prefix '212100' has an exchange code"),
            ("212201,X,,,satellite", "line 3: unknown line type 'satellite'"),
            ("212201,X,,Narnia,", "line 3: unknown state or province 'Narnia'"),
            ("212201,X,,", "line 3: 4 fields where the header has 5"),
        ],
    )
    def test_it_names_the_line_of_a_bad_row_and_changes_nothing(
        self, tmp_path, line, message, json_sample
    ):
        prefixes_load(source="json", path=json_sample)
        before = snapshot()
        path = csv_file(
            tmp_path,
            f"prefix,carrier,city,state,line_type\n646200,SOMEONE ELSE,,,\n{line}\n",
        )

        with pytest.raises(CommandError, match=message):
            load("--source", "csv", str(path))

        assert snapshot() == before

    def test_it_refuses_a_file_that_is_not_a_nanpa_lookup_database(self, tmp_path):
        path = csv_file(tmp_path, "prefix\n212200\n")

        with pytest.raises(CommandError, match="not a nanpa-lookup database"):
            load("--source", "nanpa-blocks", str(path))

    def test_it_names_the_line_of_broken_json(self, tmp_path):
        path = tmp_path / "prefixes.json"
        path.write_text('{\n  "646200": {"prefix": "646200",}\n}\n')

        with pytest.raises(CommandError, match="line 2: not valid JSON"):
            load("--source", "json", str(path))

    def test_it_names_the_entry_of_a_bad_json_prefix(self, tmp_path):
        path = tmp_path / "prefixes.json"
        path.write_text(json.dumps({"x": {"prefix": "64620", "type": "Mobile"}}))

        with pytest.raises(CommandError, match="entry 'x': prefix '64620'"):
            load("--source", "json", str(path))

    def test_it_refuses_a_file_that_is_not_a_code_report(self, tmp_path):
        path = csv_file(tmp_path, "prefix,carrier\n212200,X\n")

        with pytest.raises(CommandError, match="line 1: not a central office code"):
            load("--source", "nanpa", str(path))

    def test_it_names_the_line_of_a_bad_code_report_row(self, tmp_path):
        path = nanpa_file(
            tmp_path,
            "NY\t212-200\t9104\tVERIZON NEW YORK, INC.\tNWYRCYZN01\t \tAS\t\tI",
            "NY\t212-20X\t9104\tVERIZON NEW YORK, INC.\tNWYRCYZN01\t \tAS\t\tI",
        )

        with pytest.raises(CommandError, match="line 3: prefix '212-20X'"):
            load("--source", "nanpa", str(path))

        assert PhonePrefix.objects.count() == 0


NANPA_ROW = "NY\t212-200\t9104\t{company}\t{rate_center}\t \tAS\t\tI"


@pytest.mark.django_db
class HostileFileTests:
    """Files a loader must refuse with the line at fault, storing nothing, on
    either database (PostgreSQL would refuse some values, SQLite store them)."""

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            (
                "NY\t2\uff10\uff12-991\t9104\tX\tNWYRCYZN01\t \tAS\t\tI",
                "line 2: prefix .* is not 6 or 7 digits",
            ),
            (
                "NY\t212-9\u0669\u0662\t9104\tX\tNWYRCYZN01\t \tAS\t\tI",
                "line 2: prefix .* is not 6 or 7 digits",
            ),
            (
                NANPA_ROW.format(company="C" * 201, rate_center="NWYRCYZN01"),
                "line 2: carrier is longer than 200 characters",
            ),
            (
                NANPA_ROW.format(company="X", rate_center="R" * 51),
                "line 2: rate_center is longer than 50 characters",
            ),
            (
                "NY\t212-200\t91\x0004\tX\tNWYRCYZN01\t \tAS\t\tI",
                "line 2: ocn holds a NUL character",
            ),
            (
                NANPA_ROW.format(company="X" * 140_000, rate_center="R"),
                "line 2: field larger than field limit",
            ),
        ],
    )
    def test_a_code_report_row(self, tmp_path, row, message):
        path = nanpa_file(tmp_path, row)

        with pytest.raises(CommandError, match=message):
            load("--source", "nanpa", str(path))

        assert PhonePrefix.objects.count() == 0

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                json.dumps({"2\u0661\u0662993": {"carrier": "X", "type": "Mobile"}}),
                "prefix .* is not 6 or 7 digits",
            ),
            (
                json.dumps({"212993": {"carrier": True, "type": "Mobile"}}),
                "expected text values, not bool",
            ),
            (
                json.dumps({"212993": {"carrier": "X\x00", "type": "Mobile"}}),
                "carrier holds a NUL character",
            ),
            ('{"212993": {"carrier": "X\\ud800"}}', "carrier is not valid text"),
            ('{"212993": {"prefix": 1' + "0" * 5_000 + "}}", "not a prefix file"),
            ("[" * 100_000 + "]" * 100_000, "not a prefix file|nested too deeply"),
        ],
    )
    def test_a_json_file(self, tmp_path, text, message):
        path = tmp_path / "prefixes.json"
        path.write_text(text)

        with pytest.raises(CommandError, match=message):
            load("--source", "json", str(path))

        assert PhonePrefix.objects.count() == 0


@pytest.mark.django_db
class LongBrandTests:
    def test_a_carrier_no_brand_knows_gives_a_brand_cut_to_its_column(self, tmp_path):
        carrier = "Q" * 180
        path = csv_file(tmp_path, f"prefix,carrier\n212200,{carrier}\n")

        load("--source", "csv", str(path))

        stored = PhonePrefix.objects.get(prefix="212200")
        assert (stored.carrier, stored.brand) == (carrier, "Q" * 100)
