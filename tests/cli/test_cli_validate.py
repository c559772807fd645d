import csv
import sqlite3

from phonegen.numbers.tests.messy_csv import (
    EXPECTED,
    MESSY_CSV,
    REFUSED_BY_REASON,
    STORED,
    phone_cells,
)

from .conftest import run_cli


class CliValidateTests:
    def test_it_validates_the_messy_file_line_by_line(self, cli, tmp_path):
        out = tmp_path / "enriched.csv"

        done = cli("validate", str(MESSY_CSV), "--out", str(out))

        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        summary = done.stdout.splitlines()
        assert (
            summary[0] == "numbers-messy.csv (phone column 'phone'): 56 lines, 1 blank"
        )
        assert summary[1].split() == ["stored", str(STORED)]
        assert summary[2].split() == ["duplicates", "in", "the", "file", "2"]
        assert summary[3].split() == ["already", "in", "the", "project", "0"]
        assert summary[4].split() == ["refused", "14"]
        refused = summary[6 : 6 + len(REFUSED_BY_REASON)]
        assert {line.split()[0]: int(line.split()[1]) for line in refused} == (
            REFUSED_BY_REASON
        )
        assert f"Validation of the stored numbers: {STORED} valid, 0 not" in summary
        assert summary[-1] == f"Wrote 56 rows to {out}"

        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        cells = phone_cells()
        assert [int(row["line"]) for row in rows] == sorted(EXPECTED)
        for row in rows:
            outcome, reason, e164, extension = EXPECTED[int(row["line"])]
            assert row["input"] == cells[int(row["line"])]
            assert (row["outcome"], row["reason"]) == (outcome, reason), row
            assert (row["e164"], row["extension"]) == (e164 or "", extension), row
            if outcome == "refused":
                assert row["message"]
                assert row["validation_status"] == row["carrier"] == ""
            else:
                assert row["validation_status"] == "valid", row
                assert row["brand"] and row["line_type"] and row["state"], row

    def test_it_writes_the_summary_without_out(self, cli):
        done = cli("validate", str(MESSY_CSV), "--column", "2", "--no-progress")

        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(
            "numbers-messy.csv (phone column 'phone'): 56 lines"
        )
        assert "Wrote" not in done.stdout

    def test_it_refuses_a_folder_for_out_before_any_work(
        self, cli, tmp_path, sqlite_path
    ):
        before = _projects(sqlite_path)

        done = cli("validate", str(MESSY_CSV), "--out", str(tmp_path))

        assert done.returncode == 1
        assert (
            done.stderr
            == f"phonegen: error: --out is a folder, not a file: {tmp_path}\n"
        )
        assert _projects(sqlite_path) == before

    def test_it_takes_a_column_of_other_digits_for_a_name(self, cli, sqlite_path):
        before = _projects(sqlite_path)

        done = cli("validate", str(MESSY_CSV), "--column", "\u00b2")

        assert done.returncode == 1
        assert "column: No column '\u00b2'; the header has" in done.stderr
        assert "Traceback" not in done.stderr
        assert _projects(sqlite_path) == before

    def test_it_refuses_a_missing_file(self, cli, tmp_path):
        done = cli("validate", str(tmp_path / "nope.csv"))

        assert done.returncode == 1
        assert (
            done.stderr == f"phonegen: error: no such file: {tmp_path / 'nope.csv'}\n"
        )
        assert done.stdout == ""

    def test_it_names_an_unknown_column_and_leaves_no_project(self, cli, sqlite_path):
        before = _projects(sqlite_path)

        done = cli("validate", str(MESSY_CSV), "--column", "mobile")

        assert done.returncode == 1
        assert done.stderr == (
            "phonegen: error: The file has no column 'mobile'.\n"
            "  column: No column 'mobile'; the header has 'name', 'phone'.\n"
        )
        assert _projects(sqlite_path) == before

    def test_it_explains_itself(self, cli_env):
        done = run_cli(cli_env, "--help")

        assert done.returncode == 0
        assert "validate" in done.stdout
        assert "generate" in done.stdout
        validate = run_cli(cli_env, "validate", "--help")
        assert "--out CSV" in validate.stdout
        assert "--column COLUMN" in validate.stdout


def _projects(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM numbers_project").fetchone()[0]


def _projects(sqlite_path) -> int:
    with sqlite3.connect(sqlite_path) as db:
        return db.execute("SELECT count(*) FROM numbers_project").fetchone()[0]
