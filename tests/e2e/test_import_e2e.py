"""Import and validation end to end: ASGI server, Celery worker, Redis and
PostgreSQL, and the command line against the same database."""

import subprocess
import time

import httpx
import psycopg
import pytest

from phonegen.numbers.tests.messy_csv import (
    MESSY_CSV,
    NPAS,
    STORED,
    assert_report,
    assert_result,
)

import harness

pytestmark = pytest.mark.e2e

USER = "e2e-importer"
GENERATED = 100_000


@pytest.fixture(scope="module")
def client(e2e_prefixes, e2e_server, e2e_worker, e2e_token):
    e2e_prefixes(*NPAS)
    token = e2e_token(USER)
    with httpx.Client(
        base_url=e2e_server.url,
        headers={"Authorization": f"Token {token}"},
        timeout=60,
    ) as client:
        yield client


def _project(client, name: str) -> int:
    r = client.post("/api/projects/", json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


def _wait(client, task_id, timeout=300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get(
            f"/api/phone-generator/tasks/{task_id}/progress/", params={"user_id": USER}
        )
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        if data["status"] in ("completed", "failed", "cancelled"):
            return data
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} did not finish: {data}")


def test_it_imports_the_messy_file_through_a_real_worker(client, e2e_database):
    project_id = _project(client, "e2e-import")

    with open(MESSY_CSV, "rb") as f:
        r = client.post(
            "/api/phone-generator/numbers/import/",
            data={"user_id": USER, "project_id": str(project_id)},
            files={"file": ("numbers-messy.csv", f, "text/csv")},
        )
    assert r.status_code == 201, r.text
    started = r.json()["data"]
    task = _wait(client, started["task_id"])

    assert task["status"] == "completed", task
    assert_result(task["result_data"])
    r = client.get(started["rows_url"], params={"page_size": 1000, "user_id": USER})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["count"] == 56
    assert_report(r.json()["data"]["results"])
    refused = client.get(
        started["rows_url"], params={"outcome": "refused", "reason": "letters"}
    ).json()["data"]["results"]
    assert [(row["line"], row["input"]) for row in refused] == [
        (7, "not a number"),
        (45, "1-800-FLOWERS"),
    ]

    with psycopg.connect(e2e_database.url) as conn:
        stored = conn.execute(
            "SELECT count(*), count(DISTINCT number), "
            "count(*) FILTER (WHERE validation_status = 'valid') "
            "FROM numbers_phonenumber WHERE project_id = %s",
            (project_id,),
        ).fetchone()
    assert stored == (STORED, STORED, STORED)


def test_it_validates_a_hundred_thousand_numbers_in_one_task(client, e2e_database):
    project_id = _project(client, "e2e-validate")
    r = client.post(
        "/api/phone-generator/generate-numbers-enhanced/",
        json={
            "user_id": USER, "project_id": project_id, "area_code": "917",
            "quantity": GENERATED, "batch_size": 10_000,
        },
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert _wait(client, r.json()["data"]["task_id"])["status"] == "completed"
    with psycopg.connect(e2e_database.url, autocommit=True) as conn:
        # Start from numbers that say nothing yet, as an import leaves them.
        conn.execute(
            "UPDATE numbers_phonenumber SET validation_status = 'not_validated', "
            "valid_number = NULL, carrier = '', brand = '', line_type = 'unknown', "
            "validation_date = NULL WHERE project_id = %s",
            (project_id,),
        )

    r = client.post(
        "/api/phone-generator/validate-numbers-enhanced/",
        json={"user_id": USER, "project_id": project_id, "batch_size": 10_000},
    )
    assert r.status_code == 201, r.text
    assert r.json()["data"]["total"] == GENERATED
    task = _wait(client, r.json()["data"]["task_id"])

    assert task["status"] == "completed", task
    result = task["result_data"]
    assert result["validated"] == GENERATED
    assert (result["valid"], result["invalid"], result["failed"]) == (GENERATED, 0, 0)
    assert result["by_status"] == {"valid": GENERATED}
    # Two parts side by side (PHONEGEN_VALIDATION_THREADS), each of which may
    # end on a batch shorter than the others.
    assert GENERATED // 10_000 <= result["batches"] <= GENERATED // 10_000 + 2
    assert result["numbers_per_second"] > 0
    assert (task["processed_items"], task["successful_items"]) == (GENERATED,) * 2
    with psycopg.connect(e2e_database.url) as conn:
        checked = conn.execute(
            """
            SELECT count(*) FROM numbers_phonenumber n
            JOIN prefixes_phoneprefix p ON p.prefix = n.prefix
            WHERE n.project_id = %s AND n.validation_status = 'valid'
              AND n.validation_date IS NOT NULL AND n.brand = p.brand
              AND n.line_type = p.line_type
              AND NOT EXISTS (
                SELECT 1 FROM prefixes_phoneprefix p7
                WHERE p7.prefix = substr(n.number, 2, 7) AND p7.prefix <> n.prefix
              )
            """,
            (project_id,),
        ).fetchone()[0]
    assert checked == GENERATED


def test_it_runs_the_cli_against_postgresql(
    e2e_env, e2e_prefixes, e2e_database, tmp_path
):
    e2e_prefixes(*NPAS)
    out = tmp_path / "enriched.csv"

    argv = ["-m", "phonegen", "validate", str(MESSY_CSV), "--out", str(out)]
    done = subprocess.run(
        [harness.PYTHON, *argv],
        cwd=harness.ROOT, env=e2e_env, capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("numbers-messy.csv (phone column 'phone'): 56 lines")
    assert f"Validation of the stored numbers: {STORED} valid, 0 not" in done.stdout
    assert len(out.read_text().splitlines()) == 57
    with psycopg.connect(e2e_database.url) as conn:
        projects = conn.execute(
            "SELECT count(*) FROM numbers_project p "
            "JOIN auth_user u ON u.id = p.owner_id WHERE u.username = 'cli'"
        ).fetchone()[0]
    assert projects == 1
