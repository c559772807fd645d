import pytest

from phonegen.numbers.models import PhoneNumber
from phonegen.tasks.dispatch import wait_for_threads
from phonegen.tasks.models import Task

from .factories import nothing_created

URL = "/api/phone-generator/validate-numbers-enhanced/"


def unvalidated(project, *nationals: str) -> list[PhoneNumber]:
    """Numbers as an import stores them, before any validation."""
    return [
        PhoneNumber.objects.create(project=project, number="1" + national)
        for national in nationals
    ]


def statuses(project) -> dict[str, str]:
    return dict(
        PhoneNumber.objects.filter(project=project).values_list(
            "number", "validation_status"
        )
    )


@pytest.mark.django_db(transaction=True)
class ValidateNumbersTests:
    def test_it_starts_a_task_that_validates_the_project(
        self, alice_client, project, prefixes
    ):
        unvalidated(project, "2123502484", "2129111234", "2125550142", "9172011234")

        r = alice_client.post(
            URL, {"user_id": "alice", "project_id": project.id}, format="json"
        )

        assert r.status_code == 201, r.json()
        payload = r.json()
        assert payload["message"] == "Phone number validation started"
        data = payload["data"]
        assert set(data) == {"task_id", "total", "estimated_time", "status"}
        assert data["total"] == 4
        assert data["estimated_time"] == "about 1 second"
        wait_for_threads()
        assert statuses(project) == {
            "12123502484": "valid",
            "12129111234": "invalid_format",
            "12125550142": "fictional",
            "19172011234": "valid",
        }
        number = PhoneNumber.objects.get(number="12123502484")
        assert (number.brand, number.line_type, number.state) == (
            "Verizon",
            "landline",
            "NY",
        )

    def test_it_shows_the_counts_in_the_task_progress(
        self, alice_client, project, prefixes
    ):
        unvalidated(project, "2123502484", "2129111234")
        task_id = alice_client.post(URL, {}, format="json").json()["data"]["task_id"]
        wait_for_threads()

        r = alice_client.get(f"/api/phone-generator/tasks/{task_id}/progress/")

        data = r.json()["data"]
        assert data["status"] == "completed"
        assert data["task_type"] == "validation"
        assert (data["processed_items"], data["total_items"]) == (2, 2)
        assert (data["successful_items"], data["failed_items"]) == (1, 0)
        result = data["result_data"]
        assert (result["validated"], result["valid"], result["invalid"]) == (2, 1, 1)
        assert result["by_status"] == {"valid": 1, "invalid_format": 1}

    def test_it_validates_only_the_ids_given(self, alice_client, project, prefixes):
        _, second = unvalidated(project, "2123502484", "2123502485")

        r = alice_client.post(URL, {"phone_ids": [second.id]}, format="json")

        assert r.json()["data"]["total"] == 1
        wait_for_threads()
        assert statuses(project) == {
            "12123502484": "not_validated",
            "12123502485": "valid",
        }


@pytest.mark.django_db
class ValidateNumbersRefusalTests:
    def test_it_answers_404_for_another_users_project(self, alice_client, bob_project):
        r = alice_client.post(URL, {"project_id": bob_project.id}, format="json")

        assert r.status_code == 404
        assert r.json()["errors"] == {"project_id": ["No such project."]}
        assert nothing_created()

    def test_it_answers_404_for_ids_that_are_not_the_callers(
        self, alice_client, project, bob_project
    ):
        (mine,) = unvalidated(project, "2123502484")
        (theirs,) = unvalidated(bob_project, "2123502485")

        r = alice_client.post(URL, {"phone_ids": [mine.id, theirs.id]}, format="json")

        assert r.status_code == 404
        assert r.json()["errors"] == {"phone_ids": ["1 ids were not found."]}
        assert not Task.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"phone_ids": "12"}, "phone_ids"),
            ({"phone_ids": []}, "phone_ids"),
            ({"phone_ids": [0]}, "phone_ids.0"),
            ({"phone_ids": [1, "x"]}, "phone_ids.1"),
            ({"batch_size": 99}, "batch_size"),
            ({"batch_size": 10_001}, "batch_size"),
            ({"project_id": "first"}, "project_id"),
        ],
    )
    def test_it_names_the_bad_field(self, alice_client, project, body, field):
        r = alice_client.post(URL, body, format="json")

        assert r.status_code == 400
        assert list(r.json()["errors"]) == [field]
        assert nothing_created()

    def test_it_caps_the_number_of_ids(self, alice_client, project):
        r = alice_client.post(
            URL, {"phone_ids": list(range(1, 100_002))}, format="json"
        )

        assert r.status_code == 400
        assert r.json()["errors"] == {
            "phone_ids": ["Ensure this field has no more than 100000 elements."]
        }
        assert nothing_created()

    def test_it_refuses_another_users_user_id(self, alice_client, project, bob):
        r = alice_client.post(URL, {"user_id": "bob"}, format="json")

        assert r.status_code == 403
        assert nothing_created()

    def test_it_needs_a_token(self, anon_client):
        assert anon_client.post(URL, {}, format="json").status_code == 401
