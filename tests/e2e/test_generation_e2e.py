"""Generation end to end: ASGI server, Celery worker, Redis and PostgreSQL."""

import csv
import io
import time

import httpx
import psycopg
import pytest

pytestmark = pytest.mark.e2e

NPAS = ("917", "212")
QUANTITY = 20_000


@pytest.fixture(scope="module")
def client(e2e_prefixes, e2e_server, e2e_worker, e2e_token):
    e2e_prefixes(*NPAS)
    token = e2e_token("e2e-alice")
    with httpx.Client(
        base_url=e2e_server.url,
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    ) as client:
        yield client


def _wait(client, task_id, user_id="e2e-alice", timeout=120):
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get(
            f"/api/phone-generator/tasks/{task_id}/progress/",
            params={"user_id": user_id},
        )
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        seen.append(data["processed_items"])
        if data["status"] in ("completed", "failed", "cancelled"):
            return data, seen
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} did not finish: {data}")


def test_it_generates_through_a_real_worker(client, e2e_database):
    r = client.post("/api/projects/", json={"name": "e2e"})
    assert r.status_code == 201, r.text
    project_id = r.json()["data"]["id"]

    r = client.post(
        "/api/phone-generator/generate-numbers-enhanced/",
        json={
            "user_id": "e2e-alice",
            "project_id": project_id,
            "area_code": "917",
            "quantity": QUANTITY,
            "type_filter": "mobile",
            "batch_size": 2000,
        },
    )
    assert r.status_code == 201, r.text
    task_id = r.json()["data"]["task_id"]
    data, seen = _wait(client, task_id)

    assert data["status"] == "completed", data
    assert data["successful_items"] == QUANTITY
    assert seen == sorted(seen)

    r = client.get(
        "/api/phone-generator/numbers/export/",
        params={"project_id": project_id, "format": "csv"},
    )
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == QUANTITY
    assert len({row["e164"] for row in rows}) == QUANTITY
    assert all(row["e164"].startswith("+1917") for row in rows)
    assert {row["line_type"] for row in rows} == {"mobile"}

    # Each stored number's longest prefix in the database is a mobile prefix.
    with psycopg.connect(e2e_database.url) as conn:
        wrong = conn.execute(
            """
            SELECT count(*) FROM numbers_phonenumber n
            LEFT JOIN prefixes_phoneprefix p7 ON p7.prefix = substr(n.number, 2, 7)
            LEFT JOIN prefixes_phoneprefix p6 ON p6.prefix = substr(n.number, 2, 6)
            WHERE n.task_id = %s
              AND coalesce(p7.line_type, p6.line_type, 'none') <> 'mobile'
            """,
            (task_id,),
        ).fetchone()[0]
        stored = conn.execute(
            "SELECT count(DISTINCT number) FROM numbers_phonenumber WHERE task_id = %s",
            (task_id,),
        ).fetchone()[0]
    assert wrong == 0
    assert stored == QUANTITY


def test_it_answers_an_impossible_filter_with_what_exists(client):
    project_id = client.post("/api/projects/", json={"name": "e2e-422"}).json()["data"][
        "id"
    ]

    r = client.post(
        "/api/phone-generator/generate-numbers-enhanced/",
        json={
            "user_id": "e2e-alice",
            "project_id": project_id,
            "area_code": "212",
            "quantity": 1000,
            "carrier_filter": "Verizon",
            "type_filter": "Mobile",
        },
    )

    body = r.json()
    assert r.status_code == 422, body
    assert body["message"]
    assert body["errors"]
    assert body["carriers"], "the 422 lists what 212 does have"
    assert all(c["available_numbers"] > 0 for c in body["carriers"])
