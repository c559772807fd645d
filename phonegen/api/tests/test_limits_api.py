"""Per-user limits: unfinished tasks and requests per minute, answered with 429."""

import pytest
from rest_framework.throttling import UserRateThrottle

from phonegen.tasks.models import Task, TaskStatus, TaskType

GENERATE = "/api/phone-generator/generate-numbers-enhanced/"


@pytest.mark.django_db
class LimitTests:
    def test_it_refuses_a_task_beyond_the_unfinished_task_limit(
        self, alice, alice_client, project, prefixes, settings
    ):
        settings.PHONEGEN_MAX_ACTIVE_TASKS = 2
        for status in (TaskStatus.PENDING, TaskStatus.IN_PROGRESS):
            Task.objects.create(
                user=alice,
                project=project,
                task_type=TaskType.GENERATION,
                status=status,
            )

        r = alice_client.post(
            GENERATE,
            {"project_id": project.pk, "area_code": "917", "quantity": 100},
            format="json",
        )

        assert r.status_code == 429
        assert r["Retry-After"] == "10"
        assert r.json()["code"] == "throttled"
        assert "at most 2" in r.json()["message"]
        assert Task.objects.count() == 2

    def test_finished_tasks_do_not_count_against_the_limit(
        self, alice, alice_client, project, prefixes, settings
    ):
        settings.PHONEGEN_MAX_ACTIVE_TASKS = 1
        Task.objects.create(
            user=alice,
            project=project,
            task_type=TaskType.GENERATION,
            status=TaskStatus.COMPLETED,
        )

        r = alice_client.post(
            GENERATE,
            {"project_id": project.pk, "area_code": "917", "quantity": 100},
            format="json",
        )

        assert r.status_code == 201

    def test_it_limits_requests_per_minute_per_user(
        self, alice_client, bob_client, monkeypatch
    ):
        monkeypatch.setattr(
            UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"}, raising=False
        )

        answers = [alice_client.get("/api/projects/") for _ in range(4)]
        other = bob_client.get("/api/projects/")

        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert int(answers[-1]["Retry-After"]) > 0
        assert answers[-1].json()["code"] == "throttled"
        assert other.status_code == 200
