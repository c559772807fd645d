import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from phonegen.errors import InvalidInput, PayloadTooLarge
from phonegen.numbers.importing.selectors import import_report_chunks
from phonegen.numbers.importing.service import (
    import_copy_file,
    import_run,
    import_start,
    upload_dir,
    upload_path,
)
from phonegen.numbers.models import ImportRow, PhoneNumber
from phonegen.prefixes.models import PhonePrefix
from phonegen.tasks.models import Task, TaskStatus
from phonegen.tasks.runner import task_run
from phonegen.tasks.services import ProgressReporter, TaskCancelled, task_start

from . import triggers
from .messy_csv import EXPECTED, MESSY_CSV, NPAS, STORED, assert_report, assert_result


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path) -> None:
    # Uploads wait in a folder of this test, not in the checkout's var/.
    settings.PHONEGEN_UPLOAD_DIR = str(tmp_path / "uploads")


@pytest.fixture
def messy_prefixes(db) -> None:
    for source in ("libphonenumber", "nanpa-blocks"):
        call_command(
            "load_prefixes", source=source, npas=list(NPAS), stdout=io.StringIO()
        )


def list_file(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode(encoding))
    return path


def start(owner, project, source: Path, **options) -> Task:
    return import_start(
        user=owner,
        project=project,
        path=import_copy_file(source),
        filename=source.name,
        enqueue=False,
        **options,
    )


def run(owner, project, source: Path, **options) -> Task:
    task = start(owner, project, source, **options)
    task_run(task.task_id)
    task.refresh_from_db()
    return task


def report(task: Task) -> list[dict]:
    return [entry for chunk in import_report_chunks(task=task) for entry in chunk]


def outcomes(task: Task) -> dict[int, tuple[str, str]]:
    return {e["line"]: (e["outcome"], e["reason"]) for e in report(task)}


@pytest.mark.django_db
class ImportMessyFileTests:
    def test_it_reports_every_line_of_the_messy_file(
        self, owner, project, messy_prefixes
    ):
        task = run(owner, project, MESSY_CSV)

        assert task.status == TaskStatus.COMPLETED, task.error_message
        assert_result(task.result_data)
        assert_report(report(task))
        assert (task.processed_items, task.total_items) == (57, 57)
        assert (task.successful_items, task.failed_items) == (40, 14)

    def test_it_stores_each_number_once_in_e164_with_its_extension(
        self, owner, project, messy_prefixes
    ):
        task = run(owner, project, MESSY_CSV)

        stored = {
            n.e164: n.extension for n in PhoneNumber.objects.filter(project=project)
        }
        expected = {
            e164: extension
            for outcome, _, e164, extension in EXPECTED.values()
            if outcome == "stored"
        }
        assert stored == expected
        assert len(stored) == STORED
        assert PhoneNumber.objects.filter(task_id=task.task_id).count() == STORED

    def test_it_validates_what_it_stored_against_the_longest_prefix(
        self, owner, project, messy_prefixes
    ):
        run(owner, project, MESSY_CSV)

        for number in PhoneNumber.objects.filter(project=project):
            national = number.number[1:]
            prefix = (
                PhonePrefix.objects.filter(prefix__in=[national[:7], national[:6]])
                .order_by("-prefix")
                .first()
            )
            assert number.validation_status == "valid"
            assert number.valid_number is True
            assert number.prefix == prefix.prefix
            assert (number.carrier, number.brand) == (prefix.carrier, prefix.brand)
            assert number.line_type == prefix.line_type
            assert number.validation_source == "internal"
            assert number.validation_date is not None

    def test_it_counts_what_the_project_already_holds(
        self, owner, project, messy_prefixes
    ):
        run(owner, project, MESSY_CSV)

        again = run(owner, project, MESSY_CSV)

        result = again.result_data
        assert result["stored"] == 0
        assert result["duplicates_in_project"] == STORED
        assert result["duplicates_in_file"] == 2
        assert outcomes(again)[16] == ("duplicate_in_project", "")
        assert outcomes(again)[37] == ("duplicate_in_file", "")
        assert PhoneNumber.objects.filter(project=project).count() == STORED


@pytest.mark.django_db
class ImportRunTests:
    def test_it_keeps_the_extension_of_the_line_it_stores(
        self, owner, project, tmp_path
    ):
        path = list_file(tmp_path, "phone\n212-350-2484 x55\n(212) 350-2484\n")

        task = run(owner, project, path)

        assert PhoneNumber.objects.get(project=project).extension == "55"
        assert outcomes(task) == {2: ("stored", ""), 3: ("duplicate_in_file", "")}

    def test_it_finds_duplicates_across_batches(self, owner, project, tmp_path):
        numbers = [f"212350{n:04d}" for n in range(250)]
        path = list_file(tmp_path, "\n".join([*numbers, numbers[3], numbers[200]]))

        task = run(owner, project, path, batch_size=100)

        assert task.result_data["stored"] == 250
        assert task.result_data["duplicates_in_file"] == 2
        assert outcomes(task)[251] == ("duplicate_in_file", "")
        assert PhoneNumber.objects.filter(project=project).count() == 250

    def test_it_reports_a_first_line_of_bad_data_rather_than_skip_it(
        self, owner, project, tmp_path
    ):
        path = list_file(tmp_path, "123-456-7890\n212-350-2484\n917-555-0142\n")

        task = run(owner, project, path)

        assert outcomes(task) == {
            1: ("refused", "npa_format"),
            2: ("stored", ""),
            3: ("refused", "fictional"),
        }

    def test_it_takes_the_column_it_is_told(self, owner, project, tmp_path):
        path = list_file(
            tmp_path, "Home;Office\n212-350-2484;917-555-1234\n;2123502485\n"
        )

        task = run(owner, project, path, column="office")

        assert outcomes(task) == {2: ("stored", ""), 3: ("stored", "")}
        assert set(
            PhoneNumber.objects.filter(project=project).values_list("number", flat=True)
        ) == {"19175551234", "12123502485"}

    def test_it_reads_latin1_lines_and_skips_blank_ones(self, owner, project, tmp_path):
        text = "Name,Phone\nRen\xe9e,212-350-2484\n\n  \nJos\xe9,(917) 555-1234\n"
        path = list_file(tmp_path, text, encoding="latin-1")

        task = run(owner, project, path)

        assert outcomes(task) == {2: ("stored", ""), 5: ("stored", "")}
        assert task.result_data["blank_lines"] == 2

    def test_it_refuses_a_line_too_long_and_goes_on(self, owner, project, tmp_path):
        path = list_file(tmp_path, f"phone\n{'9' * 5000}\n212-350-2484\n")

        task = run(owner, project, path)

        assert outcomes(task) == {2: ("refused", "line_too_long"), 3: ("stored", "")}

    def test_it_stores_a_nul_character_as_a_visible_mark(
        self, owner, project, tmp_path
    ):
        path = list_file(tmp_path, "phone\n212\x00350-2484\n212-350-2485\n")

        task = run(owner, project, path)

        rows = report(task)
        assert rows[0]["input"] == "212\ufffd350-2484"
        assert (rows[0]["outcome"], rows[0]["reason"]) == ("refused", "bad_characters")
        assert rows[1]["outcome"] == "stored"

    def test_it_resumes_after_a_crash_without_storing_twice(
        self, owner, project, tmp_path
    ):
        numbers = [f"212350{n:04d}" for n in range(350)]
        path = list_file(tmp_path, "phone\n" + "\n".join(numbers) + "\n")
        task = start(owner, project, path, batch_size=100)
        # The database fails the third batch, as a crash would end it.
        triggers.refuse(
            table=ImportRow._meta.db_table, event="INSERT", when="NEW.line = 250"
        )

        assert task_run(task.task_id) == "failed"
        assert ImportRow.objects.filter(task=task).count() == 200
        triggers.allow(table=ImportRow._meta.db_table)
        # A worker that died leaves the task in progress; it is delivered again.
        # Its heartbeat stopped when it died: the lease has run out.
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.IN_PROGRESS, heartbeat_at=None
        )
        task_run(task.task_id)

        task.refresh_from_db()
        assert task.status == TaskStatus.COMPLETED
        assert task.result_data["stored"] == 350
        assert task.result_data["lines"] == 350
        assert ImportRow.objects.filter(task=task).count() == 350
        assert PhoneNumber.objects.filter(project=project).count() == 350
        assert not upload_path(task).exists()

    def test_it_keeps_what_it_stored_when_cancelled(self, owner, project, tmp_path):
        numbers = [f"212350{n:04d}" for n in range(250)]
        path = list_file(tmp_path, "\n".join(numbers))
        task = task_start(start(owner, project, path, batch_size=100))
        Task.objects.filter(pk=task.pk).update(cancel_requested=True)

        with pytest.raises(TaskCancelled) as cancelled:
            import_run(task, ProgressReporter(task))

        result = cancelled.value.args[0]
        assert result["stored"] == 100
        assert result["lines"] == 100
        assert PhoneNumber.objects.filter(project=project).count() == 100
        assert not upload_path(task).exists()


@pytest.mark.django_db
class ImportStartTests:
    def assert_refused(self, error, field: str) -> None:
        assert list(error.value.errors) == [field]
        assert not Task.objects.exists()
        assert list(upload_dir().glob("*.upload")) == []

    def test_it_refuses_an_empty_file(self, owner, project, tmp_path):
        path = list_file(tmp_path, "\n  \n")

        with pytest.raises(InvalidInput) as error:
            start(owner, project, path)

        assert error.value.message == "The file is empty."
        self.assert_refused(error, "file")

    def test_it_refuses_a_header_without_numbers(self, owner, project, tmp_path):
        with pytest.raises(InvalidInput) as error:
            start(owner, project, list_file(tmp_path, "name,phone\n"))

        self.assert_refused(error, "file")

    def test_it_refuses_an_unknown_column(self, owner, project, tmp_path):
        path = list_file(tmp_path, "name,phone\nAnn,212-350-2484\n")

        with pytest.raises(InvalidInput) as error:
            start(owner, project, path, column="mobile")

        assert "'name', 'phone'" in error.value.errors["column"][0]
        self.assert_refused(error, "column")

    def test_it_refuses_a_file_without_a_phone_column(self, owner, project, tmp_path):
        path = list_file(tmp_path, "name,city\nAnn,Boston\nBob,Denver\n")

        with pytest.raises(InvalidInput) as error:
            start(owner, project, path)

        self.assert_refused(error, "column")

    def test_it_refuses_utf16_text(self, owner, project, tmp_path):
        path = list_file(tmp_path, "\ufeffphone\n2123502484\n", encoding="utf-16-le")

        with pytest.raises(InvalidInput) as error:
            start(owner, project, path)

        assert "UTF-16" in error.value.message
        self.assert_refused(error, "file")

    def test_it_refuses_a_missing_file(self, owner, project, tmp_path):
        with pytest.raises(InvalidInput) as error:
            start(owner, project, tmp_path / "nope.csv")

        self.assert_refused(error, "file")

    @override_settings(PHONEGEN_IMPORT_MAX_BYTES=2048)
    def test_it_refuses_a_file_too_large(self, owner, project, tmp_path):
        path = list_file(tmp_path, "212-350-2484\n" * 200)

        with pytest.raises(PayloadTooLarge) as error:
            start(owner, project, path)

        assert error.value.status == 413
        assert error.value.errors == {"file": ["Files up to 2 KB can be imported."]}
        self.assert_refused(error, "file")
