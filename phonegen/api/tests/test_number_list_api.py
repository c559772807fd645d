import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phonegen.numbers.models import Project
from phonegen.numbers.tests.factories import make_number

URL = "/api/phone-generator/numbers/"


def numbers_of(response) -> list[str]:
    return [row["number"] for row in response.json()["data"]["results"]]


@pytest.mark.django_db
class NumberListTests:
    def test_it_lists_only_the_callers_numbers(
        self, alice_client, project, bob_project
    ):
        make_number(project, "2125550200")
        make_number(bob_project, "2125550201")

        r = alice_client.get(URL)

        assert r.status_code == 200
        assert r.json()["message"] == "Numbers"
        assert numbers_of(r) == ["12125550200"]

    def test_it_shows_every_field(self, alice_client, project):
        task_id = uuid.uuid4()
        number = make_number(project, "2125550123", task_id=task_id)

        [row] = alice_client.get(URL).json()["data"]["results"]

        assert row == {
            "id": number.id,
            "e164": "+12125550123",
            "national": "(212) 555-0123",
            "number": "12125550123",
            "project_id": project.id,
            "prefix": "212555",
            "carrier": "CELLCO PARTNERSHIP DBA VERIZON WIRELESS - NY",
            "brand": "Verizon",
            "line_type": "mobile",
            "city": "New York",
            "state": "NY",
            "country": "US",
            "valid_number": True,
            "validation_status": "valid",
            "validation_date": None,
            "validation_source": "internal",
            "task_id": str(task_id),
            "created_at": row["created_at"],
        }
        assert row["created_at"]

    def test_it_filters_by_project(self, alice_client, alice, project):
        other = Project.objects.create(owner=alice, name="Other")
        make_number(project, "2125550200")
        make_number(other, "2125550201")

        r = alice_client.get(URL, {"project_id": other.id})

        assert numbers_of(r) == ["12125550201"]

    def test_it_filters_by_area_code_on_the_digit_range(self, alice_client, project):
        for national in (
            "2119999999",
            "2122000000",
            "2129999999",
            "2130000000",
            "9172000000",
        ):
            make_number(project, national)

        with CaptureQueriesContext(connection) as queries:
            r = alice_client.get(URL, {"area_code": "212", "project_id": project.id})

        assert numbers_of(r) == ["12122000000", "12129999999"]
        listing = [q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"]]
        assert any('"number" >= ' in sql and '"number" <= ' in sql for sql in listing)

    def test_it_filters_the_top_area_code(self, alice_client, project):
        make_number(project, "9992000000")
        make_number(project, "9172000000")

        assert numbers_of(alice_client.get(URL, {"area_code": "999"})) == [
            "19992000000"
        ]

    def test_it_matches_a_brand_or_part_of_the_carrier(self, alice_client, project):
        make_number(project, "2125550200", brand="Verizon")
        make_number(
            project,
            "2125550201",
            brand="T-Mobile",
            carrier="OMNIPOINT COMMUNICATIONS, INC.",
        )
        make_number(
            project, "2125550202", brand="AT&T", carrier="NEW CINGULAR WIRELESS"
        )

        assert numbers_of(alice_client.get(URL, {"carrier": "verizon"})) == [
            "12125550200"
        ]
        assert numbers_of(alice_client.get(URL, {"carrier": "omnipoint"})) == [
            "12125550201"
        ]
        assert numbers_of(alice_client.get(URL, {"carrier": "AT&T"})) == ["12125550202"]

    def test_it_filters_by_line_type_with_synonyms(self, alice_client, project):
        make_number(project, "2125550200", line_type="mobile")
        make_number(project, "2125550201", line_type="landline")

        assert numbers_of(alice_client.get(URL, {"line_type": "Wireless"})) == [
            "12125550200"
        ]
        assert numbers_of(alice_client.get(URL, {"line_type": "fixed"})) == [
            "12125550201"
        ]

    def test_it_filters_by_validity_task_and_status(self, alice_client, project):
        task_id = uuid.uuid4()
        make_number(project, "2125550200", task_id=task_id)
        make_number(
            project,
            "2125550201",
            valid_number=False,
            validation_status="unassigned_prefix",
        )

        assert numbers_of(alice_client.get(URL, {"valid": "false"})) == ["12125550201"]
        assert numbers_of(alice_client.get(URL, {"valid": "true"})) == ["12125550200"]
        assert numbers_of(alice_client.get(URL, {"task_id": str(task_id)})) == [
            "12125550200"
        ]
        status = {"validation_status": "unassigned_prefix"}
        assert numbers_of(alice_client.get(URL, status)) == ["12125550201"]

    @pytest.mark.parametrize(
        "query, field",
        [
            ({"area_code": "911"}, "area_code"),
            ({"area_code": "21"}, "area_code"),
            ({"line_type": "satellite"}, "line_type"),
            ({"valid": "maybe"}, "valid"),
            ({"task_id": "xyz"}, "task_id"),
            ({"validation_status": "nope"}, "validation_status"),
            ({"project_id": "abc"}, "project_id"),
            ({"page": "last"}, "page"),
            ({"area_code": "2\uff11\uff12"}, "area_code"),
            ({"project_id": "\u0661"}, "project_id"),
            ({"page": "\u0661"}, "page"),
            ({"page_size": "1_0"}, "page_size"),
        ],
    )
    def test_it_refuses_bad_filters(self, alice_client, project, query, field):
        r = alice_client.get(URL, query)

        assert r.status_code == 400
        assert list(r.json()["errors"]) == [field]

    def test_it_answers_404_for_another_users_project(self, alice_client, bob_project):
        make_number(bob_project, "2125550200")

        r = alice_client.get(URL, {"project_id": bob_project.id})

        assert r.status_code == 404
        assert r.json()["errors"] == {"project_id": ["No such project."]}

    def test_it_answers_404_for_a_project_id_beyond_any_database_id(
        self, alice_client, project
    ):
        assert alice_client.get(URL, {"project_id": 10**30}).status_code == 404

    def test_it_pages(self, alice_client, project):
        for line in range(5):
            make_number(project, f"212555030{line}")

        data = alice_client.get(URL, {"page_size": 2, "page": 2}).json()["data"]

        assert data["count"] == 5
        assert [row["number"] for row in data["results"]] == [
            "12125550302",
            "12125550303",
        ]

    def test_it_refuses_another_users_user_id(self, alice_client, bob):
        assert alice_client.get(URL, {"user_id": "bob"}).status_code == 403

    def test_it_needs_a_token(self, anon_client):
        assert anon_client.get(URL).status_code == 401
