"""The e2e harness itself: database, worker and server come up as real processes."""

import httpx
import psycopg
import pytest

import harness

pytestmark = pytest.mark.e2e


def test_it_creates_a_migrated_database(e2e_database, e2e_manage_py):
    with psycopg.connect(e2e_database.url) as conn:
        applied = conn.execute("SELECT app, name FROM django_migrations").fetchall()
    plan = e2e_manage_py("showmigrations", "--plan").stdout.splitlines()

    assert e2e_database.name.startswith(harness.DB_PREFIX)
    assert ("contenttypes", "0001_initial") in applied
    assert {app for app, _ in applied} >= {"prefixes", "numbers", "tasks"}
    assert not [line for line in plan if line.startswith("[ ]")]
    assert len(applied) == sum(line.startswith("[X]") for line in plan)


def test_it_starts_a_worker_that_answers_ping(e2e_worker):
    assert e2e_worker.alive
    assert e2e_worker.ping()


def test_it_restarts_a_killed_worker(e2e_worker):
    e2e_worker.kill()
    assert not e2e_worker.alive

    e2e_worker.restart()

    assert e2e_worker.alive
    assert e2e_worker.ping()


def test_it_lets_a_test_leave_the_worker_dead(e2e_worker):
    e2e_worker.kill()

    assert not e2e_worker.alive


def test_it_revives_the_worker_for_the_next_test(e2e_worker):
    """Runs after the test above: a killed session worker is started again."""
    assert e2e_worker.alive
    assert e2e_worker.ping()


def test_it_starts_a_server_that_answers_health(e2e_server):
    server = e2e_server

    r = httpx.get(f"{server.url}/api/health/", timeout=30)

    assert r.status_code in (200, 503)
    assert r.headers["content-type"].startswith("application/json")
    assert server.ws_url == server.url.replace("http://", "ws://", 1)
