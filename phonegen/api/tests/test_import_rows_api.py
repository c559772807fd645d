import uuid

import pytest

from phonegen.numbers.importing.service import import_copy_file, import_start
from phonegen.numbers.models import PhoneNumber
from phonegen.tasks.models import Task
from phonegen.tasks.runner import task_run

LIST = (
    "name,phone\n"
    "Ann,(212) 350-2484 x12\n"
    "Bob,212-555-0142\n"
    "Cid,2123502484\n"
    "Dee,911\n"
    "Eve,212-350-2485\n"
    "Fay,212 35\n"
)


def url(task_id) -> str:
    return f"/api/phone-generator/numbers/import/{task_id}/rows/"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path) -> None:
    settings.PHONEGEN_UPLOAD_DIR = str(tmp_path / "uploads")


@pytest.fixture
def imported(alice, project, prefixes, tmp_path) -> Task:
    # Eve's number is in the project already, kept from an earlier list.
    PhoneNumber.objects.create(project=project, number="12123502485")
    source = tmp_path / "customers.csv"
    source.write_text(LIST)
    task = import_start(
        user=alice,
        project=project,
        path=import_copy_file(source),
        filename=source.name,
        enqueue=False,
    )
    task_run(task.task_id)
    return task


def lines(response) -> list[tuple]:
    return [
        (row["line"], row["outcome"], row["reason"])
        for row in response.json()["data"]["results"]
    ]


@pytest.mark.django_db
class ImportRowListTests:
    def test_it_reports_every_line_with_its_number(self, alice_client, imported):
        r = alice_client.get(url(imported.task_id), {"user_id": "alice"})

        assert r.status_code == 200
        assert r.json()["message"] == "Import report"
        page = r.json()["data"]
        assert page["count"] == 6
        first, fictional, *_ = page["results"]
        assert first == {
            "line": 2,
            "input": "(212) 350-2484 x12",
            "outcome": "stored",
            "reason": "",
            "message": "",
            "e164": "+12123502484",
            "extension": "12",
            "validation_status": "valid",
            "valid_number": True,
            "carrier": "VERIZON NEW YORK, INC.",
            "brand": "Verizon",
            "line_type": "landline",
            "city": "New York",
            "state": "NY",
        }
        assert fictional == {
            "line": 3,
            "input": "212-555-0142",
            "outcome": "refused",
            "reason": "fictional",
            "message": "555-0100 to 555-0199 and 555-1212 are reserved for fiction.",
            "e164": None,
            "extension": "",
            "validation_status": None,
            "valid_number": None,
            "carrier": None,
            "brand": None,
            "line_type": None,
            "city": None,
            "state": None,
        }
        assert lines(r) == [
            (2, "stored", ""),
            (3, "refused", "fictional"),
            (4, "duplicate_in_file", ""),
            (5, "refused", "too_few_digits"),
            (6, "duplicate_in_project", ""),
            (7, "refused", "too_few_digits"),
        ]

    def test_it_shows_the_number_a_duplicate_stands_for(self, alice_client, imported):
        rows = alice_client.get(url(imported.task_id)).json()["data"]["results"]

        in_project = rows[4]
        assert in_project["e164"] == "+12123502485"
        # The earlier number was never validated; the report says so.
        assert in_project["validation_status"] == "not_validated"

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"outcome": "refused"}, [3, 5, 7]),
            ({"reason": "too_few_digits"}, [5, 7]),
            ({"outcome": "stored"}, [2]),
            ({"outcome": "refused", "reason": "letters"}, []),
        ],
    )
    def test_it_filters_by_outcome_and_reason(
        self, alice_client, imported, query, expected
    ):
        r = alice_client.get(url(imported.task_id), query)

        assert [line for line, *_ in lines(r)] == expected

    def test_it_pages_through_the_report(self, alice_client, imported):
        r = alice_client.get(url(imported.task_id), {"page_size": 4, "page": 2})

        page = r.json()["data"]
        assert (page["count"], page["page"], page["next"]) == (6, 2, None)
        assert [line for line, *_ in lines(r)] == [6, 7]

    def test_it_refuses_an_unknown_outcome(self, alice_client, imported):
        r = alice_client.get(url(imported.task_id), {"outcome": "lost"})

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["outcome"]

    def test_it_answers_404_for_another_users_task(self, bob_client, imported):
        r = bob_client.get(url(imported.task_id))

        assert r.status_code == 404
        assert r.json()["errors"] == {"task_id": ["No such task."]}

    def test_it_answers_404_for_a_task_that_is_no_import(
        self, alice_client, alice, project
    ):
        task = Task.objects.create(user=alice, project=project, task_type="validation")

        r = alice_client.get(url(task.task_id))

        assert r.status_code == 404
        assert r.json()["errors"] == {"task_id": ["No such import task."]}

    @pytest.mark.parametrize("task_id", ["nope", uuid.uuid4()])
    def test_it_answers_404_for_an_unknown_task(self, alice_client, task_id):
        assert alice_client.get(url(task_id)).status_code == 404

    def test_it_refuses_another_users_user_id(self, alice_client, imported, bob):
        r = alice_client.get(url(imported.task_id), {"user_id": "bob"})

        assert r.status_code == 403

    def test_it_needs_a_token(self, anon_client, imported):
        assert anon_client.get(url(imported.task_id)).status_code == 401
