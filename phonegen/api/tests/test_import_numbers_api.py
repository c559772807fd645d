import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from phonegen.api.serializers.imports import NO_FILE
from phonegen.numbers.models import PhoneNumber
from phonegen.numbers.tests.messy_csv import (
    MESSY_CSV,
    NPAS,
    STORED,
    assert_report,
    assert_result,
)
from phonegen.tasks.dispatch import wait_for_threads
from phonegen.tasks.models import Task

from .factories import nothing_created

URL = "/api/phone-generator/numbers/import/"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path) -> Path:
    # Uploads wait in a folder of this test, not in the checkout's var/.
    settings.PHONEGEN_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def messy_prefixes() -> None:
    for source in ("libphonenumber", "nanpa-blocks"):
        call_command(
            "load_prefixes", source=source, npas=list(NPAS), stdout=io.StringIO()
        )


def upload(content: bytes, name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def body(project, content: bytes = b"phone\n212-350-2484\n", **fields) -> dict:
    return {"user_id": "alice", "project_id": project.id, "file": upload(content)} | (
        fields
    )


BOUNDARY = "phonegen-test-boundary"


def multipart(*parts: tuple[str, str | None, bytes]) -> bytes:
    """A multipart body written by hand: ``(name, filename or None, content)``."""
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            body += b"Content-Type: application/octet-stream\r\n"
        body += b"\r\n" + content + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


def leftover_uploads(folder: Path) -> list[Path]:
    return list(folder.glob("*")) if folder.exists() else []


@pytest.mark.django_db(transaction=True)
class ImportNumbersTests:
    def test_it_imports_the_messy_file_end_to_end(
        self, alice_client, project, messy_prefixes, _uploads
    ):
        with open(MESSY_CSV, "rb") as f:
            r = alice_client.post(
                URL, {"user_id": "alice", "project_id": project.id, "file": f}
            )

        assert r.status_code == 201, r.json()
        assert r.json()["message"] == "Phone list import started"
        task_id = r.json()["data"]["task_id"]
        wait_for_threads()

        progress = alice_client.get(f"/api/phone-generator/tasks/{task_id}/progress/")
        task = progress.json()["data"]
        assert task["status"] == "completed", task
        assert task["task_type"] == "import"
        assert_result(task["result_data"])
        rows = alice_client.get(
            r.json()["data"]["rows_url"], {"page_size": 1000}
        ).json()["data"]
        assert rows["count"] == 56
        assert_report(rows["results"])
        assert PhoneNumber.objects.filter(project=project).count() == STORED
        assert leftover_uploads(_uploads) == []

    def test_it_answers_what_it_started(self, alice_client, project):
        r = alice_client.post(
            URL, body(project, b"Name;Mobile\nAnn;2123502484\nBob;9175551234\n")
        )

        assert r.status_code == 201
        data = r.json()["data"]
        task = Task.objects.get()
        assert data == {
            "task_id": str(task.task_id),
            "file": "list.csv",
            "column": "Mobile",
            "total_lines": 2,
            "status": data["status"],
            "rows_url": f"/api/phone-generator/numbers/import/{task.task_id}/rows/",
        }
        assert data["status"] in {"pending", "in_progress", "completed"}
        wait_for_threads()
        task.refresh_from_db()
        assert task.result_data["stored"] == 2
        progress = alice_client.get(
            f"/api/phone-generator/tasks/{task.task_id}/progress/"
        )
        parameters = progress.json()["data"]["parameters"]
        # Clients learn what was imported, not where the server kept it.
        assert parameters["filename"] == "list.csv"
        assert "/" not in str(parameters)

    def test_it_takes_latin_1_text_with_accents(self, alice_client, project):
        content = "name;phone\nRen\xe9e;212-350-2484\n".encode("latin-1")

        r = alice_client.post(URL, body(project, content))

        assert r.status_code == 201, r.json()
        wait_for_threads()
        assert Task.objects.get().result_data["stored"] == 1


@pytest.mark.django_db
class ImportNumbersRefusalTests:
    def test_it_needs_a_file(self, alice_client, project):
        r = alice_client.post(URL, {"project_id": project.id})

        assert r.status_code == 400
        assert r.json()["errors"] == {"file": [NO_FILE]}
        assert nothing_created()

    def test_it_takes_a_forms_empty_file_part_for_no_file(self, alice_client, project):
        # What a browser sends for a file input left empty: a part with an
        # empty file name and no content.
        r = alice_client.post(
            URL,
            multipart(
                ("project_id", None, str(project.id).encode()),
                ("file", "", b""),
            ),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )

        assert r.status_code == 400
        assert r.json()["errors"] == {"file": [NO_FILE]}
        assert "encoding type" not in r.content.decode()
        assert nothing_created()

    def test_it_says_a_text_value_is_not_a_file(self, alice_client, project):
        r = alice_client.post(URL, {"project_id": project.id, "file": "2123502484"})

        assert r.status_code == 400
        message = (
            "The file must be sent as a file upload (multipart/form-data), "
            "not as a text value."
        )
        assert r.json()["errors"] == {"file": [message]}
        assert nothing_created()

    def test_it_refuses_an_empty_file(self, alice_client, project):
        r = alice_client.post(URL, body(project, b""))

        assert r.status_code == 400
        assert r.json()["errors"] == {"file": ["The file is empty."]}
        assert nothing_created()

    @pytest.mark.parametrize(
        "content",
        [
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"x" * 200,
            b"phone\n2123502484\n\x00\x00\x00\x01\x02binary tail",
            bytes(range(1, 32)) * 40,
        ],
        ids=["xlsx", "nul-bytes", "control-characters"],
    )
    def test_it_refuses_a_binary_file(self, alice_client, project, _uploads, content):
        r = alice_client.post(URL, body(project, content))

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["file"]
        assert "not a text file" in r.json()["errors"]["file"][0]
        assert nothing_created()
        assert leftover_uploads(_uploads) == []

    def test_it_refuses_a_file_of_blank_lines(self, alice_client, project, _uploads):
        r = alice_client.post(URL, body(project, b"\r\n \r\n"))

        assert r.status_code == 400
        assert r.json()["errors"] == {"file": ["The file is empty."]}
        assert nothing_created()
        assert leftover_uploads(_uploads) == []

    # The first size passes the request's length and is caught while the upload
    # is saved; the second is refused from Content-Length before it is read.
    @pytest.mark.parametrize("size", [4096, 200_000])
    def test_it_answers_413_for_a_file_too_large(
        self, alice_client, project, settings, _uploads, size
    ):
        settings.PHONEGEN_IMPORT_MAX_BYTES = 2048

        r = alice_client.post(URL, body(project, b"2123502484\n" * (size // 11)))

        assert r.status_code == 413
        assert r.json()["errors"] == {"file": ["Files up to 2 KB can be imported."]}
        assert r.json()["code"] == "too_large"
        assert nothing_created()
        assert leftover_uploads(_uploads) == []

    # "\u00b2" is a digit to str.isdigit() and no number to int(): a name.
    @pytest.mark.parametrize("column", ["mobile", "\u00b2"])
    def test_it_names_an_unknown_column(self, alice_client, project, _uploads, column):
        r = alice_client.post(
            URL, body(project, b"name,phone\nAnn,2123502484\n", column=column)
        )

        assert r.status_code == 400
        assert r.json()["errors"] == {
            "column": [f"No column '{column}'; the header has 'name', 'phone'."]
        }
        assert nothing_created()
        assert leftover_uploads(_uploads) == []

    def test_it_answers_404_for_another_users_project(
        self, alice_client, bob_project, _uploads
    ):
        r = alice_client.post(URL, body(bob_project))

        assert r.status_code == 404
        assert r.json()["errors"] == {"project_id": ["No such project."]}
        assert nothing_created()
        assert leftover_uploads(_uploads) == []

    @pytest.mark.parametrize(
        ("fields", "field"),
        [({"batch_size": "50"}, "batch_size"), ({"project_id": "x"}, "project_id")],
    )
    def test_it_names_the_bad_field(self, alice_client, project, fields, field):
        r = alice_client.post(URL, body(project) | fields)

        assert r.status_code == 400
        assert list(r.json()["errors"]) == [field]
        assert nothing_created()

    def test_it_needs_multipart(self, alice_client, project):
        r = alice_client.post(URL, {"project_id": project.id}, format="json")

        assert r.status_code == 415
        assert nothing_created()

    def test_it_refuses_another_users_user_id(self, alice_client, project, bob):
        r = alice_client.post(URL, body(project, user_id="bob"))

        assert r.status_code == 403
        assert nothing_created()

    def test_it_needs_a_token(self, anon_client, project):
        assert anon_client.post(URL, body(project)).status_code == 401
