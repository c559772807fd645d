import uuid

import pytest

from phonegen.numbers.models import PhoneNumber
from phonegen.tasks.dispatch import wait_for_threads
from phonegen.tasks.models import Task


def url(task_id) -> str:
    return f"/api/phone-generator/tasks/{task_id}/cancel/"


def make_task(user, project, status: str) -> Task:
    return Task.objects.create(
        user=user, project=project, task_type="generation", status=status
    )


@pytest.mark.django_db
class TaskCancelTests:
    def test_it_cancels_a_pending_task_at_once(self, alice_client, alice, project):
        task = make_task(alice, project, "pending")

        r = alice_client.post(url(task.task_id), {"user_id": "alice"}, format="json")

        assert r.status_code == 200
        payload = r.json()
        assert payload["message"] == "Task cancelled"
        assert payload["data"]["status"] == "cancelled"
        task.refresh_from_db()
        assert task.status == "cancelled"
        assert task.completed_at is not None

    def test_it_asks_a_running_task_to_stop(self, alice_client, alice, project):
        task = make_task(alice, project, "in_progress")

        r = alice_client.post(url(task.task_id))

        assert r.status_code == 200
        assert r.json()["message"] == "Cancellation requested"
        task.refresh_from_db()
        assert task.cancel_requested
        assert task.status == "in_progress"

    @pytest.mark.parametrize("status", ["completed", "failed", "cancelled"])
    def test_it_answers_409_for_a_finished_task(
        self, alice_client, alice, project, status
    ):
        task = make_task(alice, project, status)

        r = alice_client.post(url(task.task_id))

        assert r.status_code == 409
        payload = r.json()
        assert payload["code"] == "conflict"
        assert payload["errors"] == {"task_id": [f"Task is {status}."]}
        task.refresh_from_db()
        assert task.status == status

    def test_it_answers_404_for_another_users_task(self, bob_client, alice, project):
        task = make_task(alice, project, "pending")

        r = bob_client.post(url(task.task_id))

        assert r.status_code == 404
        task.refresh_from_db()
        assert task.status == "pending"
        assert not task.cancel_requested

    @pytest.mark.parametrize("raw", ["nope", str(uuid.uuid4())])
    def test_it_answers_404_for_an_unknown_task(self, alice_client, raw):
        assert alice_client.post(url(raw)).status_code == 404

    def test_it_refuses_another_users_user_id(self, alice_client, alice, project, bob):
        task = make_task(alice, project, "pending")

        r = alice_client.post(url(task.task_id), {"user_id": "bob"}, format="json")

        assert r.status_code == 403
        task.refresh_from_db()
        assert task.status == "pending"

    def test_it_refuses_get(self, alice_client, alice, project):
        task = make_task(alice, project, "pending")

        assert alice_client.get(url(task.task_id)).status_code == 405

    def test_it_needs_a_token(self, anon_client, alice, project):
        task = make_task(alice, project, "pending")

        assert anon_client.post(url(task.task_id)).status_code == 401
        task.refresh_from_db()
        assert task.status == "pending"


@pytest.mark.django_db(transaction=True)
class TaskCancelRunningTests:
    def test_it_stops_a_generation_and_keeps_what_it_stored(
        self, alice_client, project, prefixes
    ):
        body = {
            "project_id": project.id,
            "area_code": "917",
            "quantity": 100_000,
            "batch_size": 100,
        }
        started = alice_client.post(
            "/api/phone-generator/generate-numbers-enhanced/", body, format="json"
        )
        task_id = started.json()["data"]["task_id"]

        r = alice_client.post(url(task_id))
        wait_for_threads()

        assert r.status_code == 200
        task = Task.objects.get(pk=task_id)
        assert task.status == "cancelled"
        stored = PhoneNumber.objects.filter(task_id=task_id).count()
        assert stored < 100_000
        assert stored == task.result_data.get("generated", 0)
