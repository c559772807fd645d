import csv
import signal
import sqlite3
import subprocess
import time

import harness
from .conftest import cli_environment, run_cli

# python -m phonegen ARGS, taking Ctrl-C even when started from a shell's
# background job, whose children inherit an ignored SIGINT.
CTRL_C_ABLE = (
    "import runpy, signal, sys; "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'phonegen'; "
    "runpy.run_module('phonegen', run_name='__main__', alter_sys=True)"
)


class CliGenerateTests:
    def test_it_generates_and_writes_the_export_csv(self, cli, tmp_path):
        out = tmp_path / "numbers.csv"

        done = cli(
            "generate", "--area-code", "212", "--quantity", "2,500", "--type", "Cell",
            "--batch-size", "500", "--out", str(out),
        )  # fmt: skip

        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0].startswith("Generated 2,500 of 2,500 numbers (212 mobile)")
        assert lines[-1] == f"Wrote 2,500 numbers to {out}"
        with open(out, newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == 2500
        assert len({row["e164"] for row in rows}) == 2500
        assert all(row["e164"].startswith("+1212") for row in rows)
        assert {row["line_type"] for row in rows} == {"mobile"}
        assert {row["validation_status"] for row in rows} == {"valid"}
        assert all(row["brand"] and row["prefix"] for row in rows)

    def test_it_keeps_to_the_carrier_asked_for(self, cli, tmp_path):
        out = tmp_path / "numbers.csv"

        done = cli(
            "generate", "--area-code", "917", "--quantity", "300",
            "--carrier", "verizon", "--out", str(out),
        )  # fmt: skip

        assert done.returncode == 0, done.stderr
        with open(out, newline="") as f:
            assert {row["brand"] for row in csv.DictReader(f)} == {"Verizon"}

    def test_it_says_how_many_numbers_there_are(self, cli):
        done = cli(
            "generate",
            "--area-code",
            "212",
            "--quantity",
            "1000000",
            "--type",
            "mobile",
        )

        assert done.returncode == 1
        first, *rest = done.stderr.splitlines()
        assert first.startswith("phonegen: error: Only ")
        assert first.endswith(
            "numbers are available for this request; 1,000,000 were asked for."
        )
        assert "What 212 has:" in rest
        assert any("Verizon" in line and "landline" in line for line in rest)

    def test_it_refuses_a_bad_area_code(self, cli):
        done = cli("generate", "--area-code", "112", "--quantity", "5")

        assert done.returncode == 2
        assert "argument --area-code: '112' is not an area code" in done.stderr

    def test_it_refuses_a_folder_for_out_before_any_work(self, cli, tmp_path):
        done = cli(
            "generate", "--area-code", "212", "--quantity", "5", "--out", str(tmp_path)
        )

        assert done.returncode == 1
        assert (
            done.stderr
            == f"phonegen: error: --out is a folder, not a file: {tmp_path}\n"
        )
        assert done.stdout == ""

    def test_it_refuses_a_link_to_nothing_for_out_before_any_work(self, cli, tmp_path):
        link = tmp_path / "numbers.csv"
        link.symlink_to(tmp_path / "gone" / "numbers.csv")

        done = cli(
            "generate", "--area-code", "212", "--quantity", "5", "--out", str(link)
        )

        assert done.returncode == 1
        assert done.stderr == f"phonegen: error: --out is a link to nothing: {link}\n"
        assert done.stdout == ""

    def test_it_says_when_out_cannot_be_written_and_keeps_the_numbers(self, cli):
        # /dev/full takes the file open and refuses every write with ENOSPC.
        done = cli(
            "generate", "--area-code", "212", "--quantity", "5", "--out", "/dev/full"
        )

        assert done.returncode == 1
        assert done.stdout.startswith("Generated 5 of 5 numbers")
        assert done.stderr.startswith(
            "phonegen: error: could not write /dev/full: No space left on device; "
            "the results are kept in project "
        )
        assert "Traceback" not in done.stderr

    def test_it_refuses_a_quantity_in_other_digits(self, cli):
        done = cli("generate", "--area-code", "212", "--quantity", "\u0665")

        assert done.returncode == 2
        assert "argument --quantity: '\u0665' is not a whole number" in done.stderr

    def test_it_refuses_a_quantity_out_of_range(self, cli):
        done = cli("generate", "--area-code", "212", "--quantity", "0")

        assert done.returncode == 2
        assert "argument --quantity: 0 is not within 1..1,000,000" in done.stderr

    def test_it_sets_up_a_fresh_database_itself(self, tmp_path):
        env = cli_environment(tmp_path / "var")

        done = run_cli(env, "generate", "--area-code", "212", "--quantity", "5")

        assert done.returncode == 1
        assert "warning: the prefix database is empty" in done.stderr
        assert (
            "phonegen: error: Area code 212 has no prefixes in the prefix database."
            in done.stderr
        )
        with sqlite3.connect(tmp_path / "var" / "phonegen.sqlite3") as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            assert {"numbers_phonenumber", "tasks_task"} <= tables
            assert db.execute("SELECT count(*) FROM numbers_project").fetchone() == (0,)

    def test_it_stops_on_ctrl_c_and_keeps_what_it_stored(
        self, cli_env, sqlite_path, tmp_path
    ):
        out = tmp_path / "numbers.csv"
        argv = ["generate", "--area-code", "212", "--quantity", "1000000"]
        process = subprocess.Popen(
            [harness.PYTHON, "-c", CTRL_C_ABLE, *argv, "--out", str(out)],
            cwd=harness.ROOT,
            env=cli_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while not _stored_some(sqlite_path):
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)

        assert process.returncode == 130, stderr
        assert "cancelling after the current batch" in stderr
        generated = int(stdout.split()[1].replace(",", ""))
        assert 0 < generated < 1_000_000
        with open(out, newline="") as f:
            assert sum(1 for _ in csv.DictReader(f)) == generated
        with sqlite3.connect(sqlite_path) as db:
            status = db.execute(
                "SELECT status FROM tasks_task ORDER BY created_at DESC LIMIT 1"
            ).fetchone()
        assert status == ("cancelled",)


def _stored_some(path) -> bool:
    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT processed_items FROM tasks_task WHERE status = 'in_progress' "
            "AND task_type = 'generation' AND total_items = 1000000"
        ).fetchone()
    return bool(row and row[0])
