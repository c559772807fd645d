import uuid

import pytest

from phonegen.tasks.events import task_payload
from phonegen.tasks.models import Task


def url(task_id) -> str:
    return f"/api/phone-generator/tasks/{task_id}/progress/"


@pytest.fixture
def task(alice, project) -> Task:
    return Task.objects.create(
        user=alice,
        project=project,
        task_type="generation",
        status="in_progress",
        progress=40,
        current_step="Processing batch 4/10",
        processed_items=4000,
        total_items=10000,
        successful_items=4000,
        params={"area_code": "212", "quantity": 10000},
    )


@pytest.mark.django_db
class TaskProgressTests:
    def test_it_answers_the_task_fields(self, alice_client, task):
        r = alice_client.get(url(task.task_id), {"user_id": "alice"})

        assert r.status_code == 200
        payload = r.json()
        assert payload["message"] == "Task in progress"
        assert payload["data"] == task_payload(task)
        assert payload["data"]["current_step"] == "Processing batch 4/10"
        assert payload["data"]["progress"] == 40

    def test_it_works_without_user_id(self, alice_client, task):
        assert alice_client.get(url(task.task_id)).status_code == 200

    def test_it_answers_404_for_another_users_task(self, bob_client, task):
        r = bob_client.get(url(task.task_id), {"user_id": "bob"})

        assert r.status_code == 404
        assert r.json()["errors"] == {"task_id": ["No such task."]}

    def test_it_answers_404_for_an_unknown_task(self, alice_client, task):
        assert alice_client.get(url(uuid.uuid4())).status_code == 404

    @pytest.mark.parametrize("raw", ["not-a-uuid", "123", "0" * 40])
    def test_it_answers_404_for_a_malformed_task_id(self, alice_client, raw):
        r = alice_client.get(url(raw))

        assert r.status_code == 404
        assert r.json()["errors"] == {"task_id": ["Not a task id."]}

    def test_it_refuses_another_users_user_id(self, alice_client, task, bob):
        r = alice_client.get(url(task.task_id), {"user_id": "bob"})

        assert r.status_code == 403
        assert "user_id" in r.json()["errors"]

    @pytest.mark.parametrize("order", [["bob", "alice"], ["alice", "bob"]])
    def test_it_refuses_another_users_user_id_among_several(
        self, alice_client, task, bob, order
    ):
        r = alice_client.get(url(task.task_id), {"user_id": order})

        assert r.status_code == 403
        assert r.json()["errors"] == {
            "user_id": ["'bob' is not the authenticated user."]
        }

    def test_it_needs_a_token(self, anon_client, task):
        r = anon_client.get(url(task.task_id))

        assert r.status_code == 401
        assert r.json()["message"] == "Authentication credentials were not provided."
