import pytest
from django.test import override_settings

from phonegen.numbers.models import PhoneNumber
from phonegen.tasks.dispatch import wait_for_threads
from phonegen.tasks.models import Task

from .factories import nothing_created

URL = "/api/phone-generator/validate-numbers/"


def unvalidated(project, *nationals: str) -> list[PhoneNumber]:
    return [
        PhoneNumber.objects.create(project=project, number="1" + national)
        for national in nationals
    ]


@pytest.mark.django_db
class ValidateNumbersLegacyTests:
    def test_it_validates_small_selections_within_the_request(
        self, alice_client, project, prefixes
    ):
        good, n11 = unvalidated(project, "2123502484", "2129111234")

        r = alice_client.post(
            URL, {"user_id": "alice", "project_id": project.id}, format="json"
        )

        assert r.status_code == 200, r.json()
        payload = r.json()
        assert payload["message"] == "Phone numbers validated"
        data = payload["data"]
        assert data["status"] == "completed"
        assert (data["total"], data["validated"]) == (2, 2)
        assert (data["valid"], data["invalid"], data["failed"]) == (1, 1, 0)
        assert data["by_status"] == {"valid": 1, "invalid_format": 1}
        assert data["numbers_truncated"] is False
        assert data["numbers"] == [
            {
                "id": good.id,
                "e164": "+12123502484",
                "validation_status": "valid",
                "valid_number": True,
                "carrier": "VERIZON NEW YORK, INC.",
                "brand": "Verizon",
                "line_type": "landline",
                "city": "New York",
                "state": "NY",
            },
            {
                "id": n11.id,
                "e164": "+12129111234",
                "validation_status": "invalid_format",
                "valid_number": False,
                "carrier": "",
                "brand": "",
                "line_type": "unknown",
                "city": "",
                "state": "",
            },
        ]
        assert Task.objects.get().status == "completed"

    def test_it_lists_at_most_a_thousand_numbers(self, alice_client, project, prefixes):
        PhoneNumber.objects.bulk_create(
            PhoneNumber(project=project, number=f"1212350{n:04d}") for n in range(1200)
        )

        data = alice_client.post(URL, {}, format="json").json()["data"]

        assert data["validated"] == 1200
        assert data["valid"] == 1200
        assert len(data["numbers"]) == 1000
        assert data["numbers_truncated"] is True
        first = min(PhoneNumber.objects.values_list("id", flat=True))
        assert data["numbers"][0]["id"] == first

    def test_it_refuses_bad_input_like_the_enhanced_endpoint(
        self, alice_client, project
    ):
        r = alice_client.post(URL, {"phone_ids": [], "batch_size": 5}, format="json")

        assert r.status_code == 400
        assert set(r.json()["errors"]) == {"phone_ids", "batch_size"}
        assert nothing_created()

    def test_it_answers_404_for_another_users_project(self, alice_client, bob_project):
        r = alice_client.post(URL, {"project_id": bob_project.id}, format="json")

        assert r.status_code == 404
        assert nothing_created()

    def test_it_refuses_another_users_user_id(self, alice_client, bob):
        assert (
            alice_client.post(URL, {"user_id": "bob"}, format="json").status_code == 403
        )

    def test_it_needs_a_token(self, anon_client):
        assert anon_client.post(URL, {}, format="json").status_code == 401


@pytest.mark.django_db(transaction=True)
class ValidateNumbersLegacyBackgroundTests:
    @override_settings(PHONEGEN_SYNC_LIMIT=3)
    def test_it_starts_a_task_from_the_sync_limit_on(
        self, alice_client, project, prefixes
    ):
        unvalidated(project, "2123502484", "2123502485", "2129111234")

        r = alice_client.post(URL, {"project_id": project.id}, format="json")

        assert r.status_code == 201
        payload = r.json()
        assert payload["message"] == "Phone number validation started"
        assert set(payload["data"]) == {"task_id", "total", "estimated_time", "status"}
        assert payload["data"]["total"] == 3
        wait_for_threads()
        task = Task.objects.get(pk=payload["data"]["task_id"])
        assert task.status == "completed"
        assert task.result_data["by_status"] == {"valid": 2, "invalid_format": 1}
