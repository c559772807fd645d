from datetime import timedelta

import pytest
from django.utils import timezone

from phonegen.numbers.models import Project
from phonegen.tasks.events import task_payload
from phonegen.tasks.models import Task

URL = "/api/phone-generator/tasks/"


def make_task(user, project, *, minutes_ago: int, **fields) -> Task:
    task = Task.objects.create(
        user=user,
        project=project,
        task_type=fields.pop("task_type", "generation"),
        **fields,
    )
    # Distinct creation times, so that "newest first" has one right answer.
    Task.objects.filter(pk=task.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    task.refresh_from_db()
    return task


@pytest.mark.django_db
class TaskListTests:
    def test_it_lists_the_callers_tasks_newest_first(
        self, alice_client, alice, project, bob, bob_project
    ):
        old = make_task(alice, project, minutes_ago=10)
        new = make_task(alice, project, minutes_ago=1)
        make_task(bob, bob_project, minutes_ago=5)

        r = alice_client.get(URL)

        assert r.status_code == 200
        data = r.json()["data"]
        assert data["count"] == 2
        assert [row["task_id"] for row in data["results"]] == [
            str(new.task_id),
            str(old.task_id),
        ]
        assert data["results"][0] == task_payload(new)

    def test_it_filters_by_project_status_and_type(self, alice_client, alice, project):
        other = Project.objects.create(owner=alice, name="Other")
        wanted = make_task(alice, project, minutes_ago=3, status="completed")
        make_task(alice, project, minutes_ago=2, status="pending")
        make_task(
            alice, project, minutes_ago=4, status="completed", task_type="validation"
        )
        make_task(alice, other, minutes_ago=1, status="completed")

        query = {
            "project_id": project.id,
            "status": "completed",
            "task_type": "generation",
        }
        r = alice_client.get(URL, query)

        assert [row["task_id"] for row in r.json()["data"]["results"]] == [
            str(wanted.task_id)
        ]

    def test_it_pages(self, alice_client, alice, project):
        for minutes in range(5):
            make_task(alice, project, minutes_ago=minutes)

        data = alice_client.get(URL, {"page_size": 2, "page": 3}).json()["data"]

        assert data["count"] == 5
        assert len(data["results"]) == 1
        assert data["next"] is None
        assert "page=2" in data["previous"]

    @pytest.mark.parametrize(
        "query, field",
        [
            ({"status": "done"}, "status"),
            ({"task_type": "export-all"}, "task_type"),
            ({"project_id": "x"}, "project_id"),
            ({"page_size": "many"}, "page_size"),
        ],
    )
    def test_it_refuses_bad_filters(self, alice_client, project, query, field):
        r = alice_client.get(URL, query)

        assert r.status_code == 400
        assert list(r.json()["errors"]) == [field]

    def test_it_answers_404_for_another_users_project(self, alice_client, bob_project):
        r = alice_client.get(URL, {"project_id": bob_project.id})

        assert r.status_code == 404
        assert "project_id" in r.json()["errors"]

    def test_it_accepts_the_callers_user_id(self, alice_client, alice, project):
        make_task(alice, project, minutes_ago=1)

        r = alice_client.get(URL, {"user_id": "alice"})

        assert r.json()["data"]["count"] == 1

    def test_it_refuses_another_users_user_id(self, alice_client, bob):
        r = alice_client.get(URL, {"user_id": "bob"})

        assert r.status_code == 403
        assert "user_id" in r.json()["errors"]

    def test_it_needs_a_token(self, anon_client):
        assert anon_client.get(URL).status_code == 401
