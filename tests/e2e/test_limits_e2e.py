"""Per-user limits end to end: a server started with PHONEGEN_REQUESTS_PER_MINUTE
and PHONEGEN_MAX_ACTIVE_TASKS set answers 429 with a Retry-After past them.

``phonegen/api/tests/test_limits_api.py`` covers the same rules in-process by
changing Django settings; this module shows that the environment variables a
deployment sets are the ones that count, with Redis keeping the tallies.
"""

import time
from collections.abc import Iterator

import httpx
import psycopg
import pytest

import harness

pytestmark = pytest.mark.e2e

NPA = "917"
RATE = 30
GENERATE = "/api/phone-generator/generate-numbers-enhanced/"


@pytest.fixture(scope="module")
def server(e2e_env, e2e_dir, e2e_prefixes, e2e_worker) -> Iterator:
    e2e_prefixes(NPA)
    env = dict(
        e2e_env,
        PHONEGEN_REQUESTS_PER_MINUTE=str(RATE),
        PHONEGEN_MAX_ACTIVE_TASKS="1",
    )
    process = harness.ServerProcess(env, e2e_dir, name="server-limits")
    process.start()
    yield process
    process.stop()


def _client(server, e2e_token, name: str) -> httpx.Client:
    token = e2e_token(name)
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Token {token}"}, timeout=60
    )


def _throttled(r: httpx.Response) -> dict:
    assert r.status_code == 429, r.text
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    body = r.json()
    assert body["code"] == "throttled"
    assert set(body) >= {"message", "errors"}
    return body


def test_it_answers_429_past_the_requests_per_minute_of_the_setting(server, e2e_token):
    with (
        _client(server, e2e_token, "limits-busy") as busy,
        _client(server, e2e_token, "limits-calm") as calm,
    ):
        answers = [busy.get("/api/projects/").status_code for _ in range(RATE)]
        refused = busy.get("/api/projects/")
        other = calm.get("/api/projects/")

    assert answers == [200] * RATE
    _throttled(refused)
    assert other.status_code == 200


def _status(database, task_id: str) -> str:
    with psycopg.connect(database.url) as conn:
        return conn.execute(
            "SELECT status FROM tasks_task WHERE task_id = %s", (task_id,)
        ).fetchone()[0]


def test_it_answers_429_past_the_unfinished_tasks_of_the_setting(
    server, e2e_token, e2e_database
):
    with _client(server, e2e_token, "limits-tasks") as client:
        project = client.post("/api/projects/", json={"name": "limits"})
        body = {"project_id": project.json()["data"]["id"], "area_code": NPA}
        first = client.post(GENERATE, json=body | {"quantity": 300_000})
        assert first.status_code == 201, first.text
        task_id = first.json()["data"]["task_id"]

        second = client.post(GENERATE, json=body | {"quantity": 10})
        client.post(f"/api/phone-generator/tasks/{task_id}/cancel/")
        deadline = time.monotonic() + 120
        while _status(e2e_database, task_id) in ("pending", "in_progress"):
            assert time.monotonic() < deadline, "the first task did not stop"
            time.sleep(0.2)
        third = client.post(GENERATE, json=body | {"quantity": 10})

    assert "at most 1" in _throttled(second)["message"]
    assert third.status_code == 201, third.text
