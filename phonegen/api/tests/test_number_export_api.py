import csv
import io
import json

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from rest_framework.authtoken.models import Token

from phonegen.numbers.models import PhoneNumber
from phonegen.numbers.selectors import CHUNK_SIZE
from phonegen.numbers.tests.factories import make_number

URL = "/api/phone-generator/numbers/export/"
CSV_COLUMNS = (
    "e164",
    "national",
    "number",
    "prefix",
    "carrier",
    "brand",
    "line_type",
    "city",
    "state",
    "country",
    "valid_number",
    "validation_status",
    "validation_source",
)


def many_numbers(project, count: int, npa: str = "212") -> None:
    """``count`` numbers, more than one export chunk when count > CHUNK_SIZE."""
    PhoneNumber.objects.bulk_create(
        PhoneNumber(
            project=project,
            number=f"1{npa}{2000000 + index:07d}",
            prefix=f"{npa}2{index // 10000 % 10}{index // 1000 % 10}",
            carrier="NEW CINGULAR WIRELESS PCS, LLC",
            brand="AT&T",
            line_type="mobile" if index % 3 else "landline",
            state="NY",
            country="US",
            valid_number=True,
            validation_status="valid",
            validation_source="internal",
        )
        for index in range(count)
    )


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_csv_matches(text: str, numbers) -> None:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(numbers)
    for row, number in zip(rows, numbers):
        assert row["e164"] == number.e164
        assert row["national"] == number.national
        assert row["number"] == number.number
        assert row["id"] == str(number.id)
        for field in (
            "prefix",
            "carrier",
            "brand",
            "line_type",
            "city",
            "state",
            "country",
            "validation_status",
            "validation_source",
        ):
            assert row[field] == getattr(number, field), field
        assert (
            row["valid_number"]
            == {True: "true", False: "false", None: ""}[number.valid_number]
        )
        assert row["task_id"] == (str(number.task_id) if number.task_id else "")


@pytest.mark.django_db
class NumberExportTests:
    def test_it_streams_csv_row_by_row(self, alice_client, project, bob_project):
        make_number(project, "2125550200")
        make_number(
            project, "9175550201", line_type="landline", carrier='A "quoted", name'
        )
        make_number(bob_project, "2125550202")

        r = alice_client.get(URL, {"project_id": project.id, "format": "csv"})

        assert r.status_code == 200
        assert r.streaming
        assert r["Content-Type"] == "text/csv; charset=utf-8"
        disposition = r["Content-Disposition"]
        assert disposition.startswith(
            f'attachment; filename="phonegen-project-{project.id}-'
        )
        assert disposition.endswith('.csv"')
        text = content_of(r).decode()
        header = text.splitlines()[0].split(",")
        assert set(CSV_COLUMNS) <= set(header)
        assert_csv_matches(text, list(project.numbers.order_by("number")))

    def test_it_streams_a_json_array(self, alice_client, project):
        make_number(project, "2125550200")
        make_number(
            project, "2125550201", valid_number=None, validation_status="not_validated"
        )

        r = alice_client.get(URL, {"project_id": project.id, "format": "json"})

        assert r.status_code == 200
        assert r["Content-Type"] == "application/json"
        assert r["Content-Disposition"].endswith('.json"')
        rows = json.loads(content_of(r))
        numbers = list(project.numbers.order_by("number"))
        assert len(rows) == 2
        for row, number in zip(rows, numbers):
            assert row["e164"] == number.e164
            assert row["national"] == number.national
            assert row["number"] == number.number
            assert row["valid_number"] == number.valid_number
            assert row["validation_status"] == number.validation_status
            assert row["brand"] == number.brand
            assert row["created_at"] == number.created_at.isoformat()

    def test_it_exports_every_row_across_chunks(self, alice_client, project):
        many_numbers(project, CHUNK_SIZE * 2 + 17)

        r = alice_client.get(URL, {"project_id": project.id})

        assert_csv_matches(
            content_of(r).decode(), list(project.numbers.order_by("number"))
        )

    def test_it_exports_every_row_as_json_across_chunks(self, alice_client, project):
        many_numbers(project, CHUNK_SIZE + 1)

        rows = json.loads(
            content_of(
                alice_client.get(URL, {"project_id": project.id, "format": "json"})
            )
        )

        assert [row["number"] for row in rows] == list(
            project.numbers.order_by("number").values_list("number", flat=True)
        )

    def test_it_applies_the_filters(self, alice_client, project):
        many_numbers(project, 30)
        many_numbers(project, 5, npa="917")

        r = alice_client.get(
            URL, {"project_id": project.id, "area_code": "212", "line_type": "cell"}
        )

        expected = project.numbers.filter(number__startswith="1212", line_type="mobile")
        assert_csv_matches(content_of(r).decode(), list(expected.order_by("number")))

    def test_it_filters_by_validation_fields(self, alice_client, project):
        make_number(project, "2123502484")
        unassigned = make_number(
            project,
            "2122021234",
            valid_number=False,
            validation_status="unassigned_prefix",
        )
        malformed = make_number(
            project,
            "2129111234",
            valid_number=False,
            validation_status="invalid_format",
        )

        invalid = alice_client.get(URL, {"project_id": project.id, "valid": "false"})
        status = alice_client.get(
            URL,
            {
                "project_id": project.id,
                "validation_status": "unassigned_prefix",
                "format": "json",
            },
        )

        assert_csv_matches(content_of(invalid).decode(), [unassigned, malformed])
        assert [row["e164"] for row in json.loads(content_of(status))] == [
            "+12122021234"
        ]

    def test_it_refuses_an_unknown_validation_status(self, alice_client, project):
        r = alice_client.get(
            URL, {"project_id": project.id, "validation_status": "great"}
        )

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["validation_status"]

    def test_it_writes_only_the_header_for_no_numbers(self, alice_client, project):
        r = alice_client.get(URL, {"project_id": project.id})
        text = content_of(r).decode()

        assert text.splitlines()[0].startswith("e164,national,number")
        assert len(text.splitlines()) == 1
        empty = alice_client.get(URL, {"project_id": project.id, "format": "json"})
        assert json.loads(content_of(empty)) == []

    def test_it_needs_a_project(self, alice_client, project):
        r = alice_client.get(URL)

        assert r.status_code == 400
        assert r.json()["errors"] == {"project_id": ["This field is required."]}

    def test_it_refuses_an_unknown_format(self, alice_client, project):
        r = alice_client.get(URL, {"project_id": project.id, "format": "xml"})

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["format"]

    def test_it_refuses_bad_filters(self, alice_client, project):
        r = alice_client.get(URL, {"project_id": project.id, "area_code": "abc"})

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["area_code"]

    def test_it_answers_404_for_another_users_project(self, alice_client, bob_project):
        make_number(bob_project, "2125550200")

        r = alice_client.get(URL, {"project_id": bob_project.id})

        assert r.status_code == 404
        assert r.json()["errors"] == {"project_id": ["No such project."]}

    def test_it_refuses_another_users_user_id(self, alice_client, project, bob):
        r = alice_client.get(URL, {"project_id": project.id, "user_id": "bob"})

        assert r.status_code == 403

    def test_it_needs_a_token(self, anon_client, project):
        assert anon_client.get(URL, {"project_id": project.id}).status_code == 401


@pytest.mark.django_db(transaction=True)
class NumberExportAsgiTests:
    def test_it_streams_chunk_by_chunk_under_asgi(self, alice, project):
        many_numbers(project, CHUNK_SIZE * 2 + 1)
        token = Token.objects.create(user=alice)
        client = AsyncClient()
        headers = {"Authorization": f"Token {token.key}"}

        async def download() -> tuple:
            response = await client.get(
                URL, {"project_id": project.id}, headers=headers
            )
            parts = [part async for part in response.streaming_content]
            return response, parts

        response, parts = async_to_sync(download)()

        assert response.status_code == 200
        assert response.is_async
        # Header and one piece per chunk: the body was never built whole.
        assert len(parts) >= 3
        text = b"".join(parts).decode()
        assert_csv_matches(text, list(project.numbers.order_by("number")))
