import pytest
from django.test import override_settings

from phonegen.numbers.models import PhoneNumber
from phonegen.tasks.dispatch import wait_for_threads
from phonegen.tasks.models import Task

from .factories import nothing_created

URL = "/api/phone-generator/generate-numbers/"


def body(project, **fields) -> dict:
    base = {
        "user_id": "alice",
        "project_id": project.id,
        "area_code": "212",
        "quantity": 25,
    }
    return base | fields


@pytest.mark.django_db
class GenerateNumbersLegacyTests:
    def test_it_generates_small_quantities_within_the_request(
        self, alice_client, project, prefixes
    ):
        r = alice_client.post(URL, body(project, type_filter="mobile"), format="json")

        assert r.status_code == 201
        payload = r.json()
        assert payload["message"] == "Phone numbers generated"
        data = payload["data"]
        assert data["status"] == "completed"
        assert data["generated"] == 25
        task = Task.objects.get(pk=data["task_id"])
        assert task.status == "completed"
        stored = PhoneNumber.objects.filter(task_id=task.task_id).order_by("number")
        assert data["numbers"] == [n.e164 for n in stored]
        assert len(set(data["numbers"])) == 25
        assert all(n.line_type == "mobile" for n in stored)

    def test_it_reads_a_quantity_written_as_a_decimal_string_the_same_way(
        self, alice_client, project, prefixes
    ):
        r = alice_client.post(URL, body(project, quantity="25.0"), format="json")

        assert r.status_code == 201
        assert r.json()["message"] == "Phone numbers generated"
        assert len(r.json()["data"]["numbers"]) == 25

    def test_it_links_to_the_listing_above_a_thousand(
        self, alice_client, project, prefixes
    ):
        r = alice_client.post(URL, body(project, quantity=1500), format="json")

        data = r.json()["data"]
        assert r.status_code == 201
        assert data["generated"] == 1500
        assert "numbers" not in data
        assert data["numbers_url"] == (
            f"/api/phone-generator/numbers/?project_id={project.id}"
            f"&task_id={data['task_id']}"
        )
        listing = alice_client.get(data["numbers_url"]).json()["data"]
        assert listing["count"] == 1500

    def test_it_refuses_bad_input_like_the_enhanced_endpoint(
        self, alice_client, project, prefixes
    ):
        r = alice_client.post(
            URL, body(project, quantity=0, area_code="911"), format="json"
        )

        assert r.status_code == 400
        assert set(r.json()["errors"]) == {"quantity", "area_code"}
        assert nothing_created()

    @pytest.mark.parametrize(
        "raw", ["1e999", "-1e999", '"1e6"', "[5]", "true", '"25_0"', '"\u0661\u0665"']
    )
    def test_it_refuses_a_quantity_that_is_no_integer(
        self, alice_client, project, prefixes, raw
    ):
        text = f'{{"project_id": {project.id}, "area_code": "212", "quantity": {raw}}}'

        r = alice_client.post(URL, text, content_type="application/json")

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["quantity"]
        assert nothing_created()

    def test_it_answers_422_when_too_few_numbers_qualify(
        self, alice_client, project, prefixes
    ):
        fields = {"carrier_filter": "Lumen", "type_filter": "voip", "quantity": 5000}
        r = alice_client.post(URL, body(project, **fields), format="json")

        assert r.status_code == 422
        assert r.json()["available"] < 5000
        assert nothing_created()

    def test_it_refuses_another_users_user_id(self, alice_client, project, prefixes):
        r = alice_client.post(URL, body(project, user_id="bob"), format="json")

        assert r.status_code == 403
        assert nothing_created()

    def test_it_answers_404_for_another_users_project(
        self, alice_client, bob_project, prefixes
    ):
        r = alice_client.post(URL, body(bob_project), format="json")

        assert r.status_code == 404
        assert nothing_created()

    def test_it_needs_a_token(self, anon_client, project):
        assert anon_client.post(URL, body(project), format="json").status_code == 401


@pytest.mark.django_db(transaction=True)
class GenerateNumbersLegacyBackgroundTests:
    @override_settings(PHONEGEN_SYNC_LIMIT=100)
    def test_it_starts_a_task_from_the_sync_limit_on(
        self, alice_client, project, prefixes
    ):
        r = alice_client.post(URL, body(project, quantity=100), format="json")

        assert r.status_code == 201
        payload = r.json()
        assert payload["message"] == "Phone number generation started"
        assert set(payload["data"]) == {
            "task_id",
            "area_code",
            "quantity",
            "estimated_time",
            "status",
        }
        wait_for_threads()
        task = Task.objects.get(pk=payload["data"]["task_id"])
        assert task.status == "completed"
        assert PhoneNumber.objects.filter(task_id=task.task_id).count() == 100
