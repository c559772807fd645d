"""Task progress over WebSockets, end to end.

With Redis: an ASGI server process, a Celery worker process, channels-redis and
PostgreSQL, so every event crosses from the worker to the server through Redis.
Embedded: one ``manage.py serve`` process on SQLite, running tasks in its own
threads and events through its in-process channel layer.
"""

import asyncio
import contextlib
import json
import os
import sqlite3
import time
import uuid

import httpx
import psycopg
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

import harness

pytestmark = [pytest.mark.e2e, pytest.mark.anyio]

NPA = "917"
QUANTITY = 20_000
FINAL = ("task_completed", "task_failed", "task_cancelled")


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def loaded(e2e_prefixes) -> None:
    e2e_prefixes(NPA)


class User:
    """A user of a running deployment, with the API and socket URLs to use."""

    def __init__(self, name: str, token: str, server: harness.ServerProcess) -> None:
        self.name = name
        self.token = token
        self.server = server

    def api(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.server.url,
            headers={"Authorization": f"Token {self.token}"},
            timeout=30,
        )

    def socket(self, route: str = "tasks", server=None):
        server = server or self.server
        return connect(f"{server.ws_url}/ws/{route}/{self.name}/?token={self.token}")

    async def new_project(self, api: httpx.AsyncClient) -> int:
        r = await api.post("/api/projects/", json={"name": f"ws-{uuid.uuid4().hex}"})
        assert r.status_code == 201, r.text
        return r.json()["data"]["id"]

    async def generate(self, api: httpx.AsyncClient, project_id: int, **body) -> str:
        r = await api.post(
            "/api/phone-generator/generate-numbers-enhanced/",
            json={
                "user_id": self.name,
                "project_id": project_id,
                "area_code": NPA,
                **body,
            },
        )
        assert r.status_code == 201, r.text
        return r.json()["data"]["task_id"]

    async def cancel(self, api: httpx.AsyncClient, task_id: str) -> httpx.Response:
        return await api.post(
            f"/api/phone-generator/tasks/{task_id}/cancel/",
            json={"user_id": self.name},
        )


def _user(e2e_token, name: str, server) -> User:
    token = e2e_token(name)
    return User(name, token, server)


@pytest.fixture(scope="module")
def alice(loaded, e2e_server, e2e_worker, e2e_token) -> User:
    return _user(e2e_token, "ws-alice", e2e_server)


@pytest.fixture(scope="module")
def bob(loaded, e2e_server, e2e_worker, e2e_token) -> User:
    return _user(e2e_token, "ws-bob", e2e_server)


async def _receive(ws, stop, timeout: float = 120) -> list[dict]:
    """Messages the socket receives up to and including the first for which
    ``stop(message)`` holds; each is stamped with the time it arrived (``_at``)."""
    messages = []
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            message["_at"] = time.monotonic()
            messages.append(message)
            if stop(message):
                return messages


async def _until_final(ws, task_id: str) -> list[dict]:
    return await _receive(ws, lambda m: m["task_id"] == task_id and m["type"] in FINAL)


async def _until_progress(ws, task_id: str) -> list[dict]:
    return await _receive(
        ws, lambda m: m["task_id"] == task_id and m["type"] == "task_progress", 60
    )


async def _wait_running(api: httpx.AsyncClient, user: User, task_id: str) -> None:
    """Return once the task has stored something, asking the API."""
    async with asyncio.timeout(60):
        while True:
            r = await api.get(
                f"/api/phone-generator/tasks/{task_id}/progress/",
                params={"user_id": user.name},
            )
            if r.json()["data"]["processed_items"] > 0:
                return
            await asyncio.sleep(0.05)


async def _more(ws, wait: float = 0.5) -> list[dict]:
    """Whatever else the socket receives within ``wait`` seconds."""
    messages = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(wait):
            while True:
                messages.append(json.loads(await ws.recv()))
    return messages


def _lifecycle(messages: list[dict], task_id: str, final_type: str) -> list[int]:
    """Check one task's whole run as a client saw it; its progress counts."""
    types = [m["type"] for m in messages]
    assert {m["task_id"] for m in messages} == {task_id}
    assert types[0] == "task_started", types
    assert types.count("task_started") == 1, types
    assert types[-1] == final_type, types
    assert sum(t in FINAL for t in types) == 1, types

    progress = [m["processed_items"] for m in messages if m["type"] == "task_progress"]
    assert progress, "no task_progress message"
    assert progress == sorted(progress)

    # A few progress messages a second at most: the first, one a quarter
    # second, and the last (never throttled), over the run as the server timed
    # it (a client's clock would add delivery delays), with one to spare.
    seconds = messages[-1]["duration"]
    assert len(progress) <= 4 * seconds + 3, (len(progress), seconds)
    return progress


def _stored(database, task_id: str) -> int:
    with psycopg.connect(database.url) as conn:
        return conn.execute(
            "SELECT count(*) FROM numbers_phonenumber WHERE task_id = %s", (task_id,)
        ).fetchone()[0]


async def _close_code(ws_url: str) -> int:
    async with connect(ws_url) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(10):
                await ws.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


class RedisDeploymentTests:
    """Server and worker in separate processes; events through channels-redis."""

    async def test_it_follows_a_generation_to_completion(self, alice, e2e_database):
        async with alice.api() as api, alice.socket() as ws:
            project_id = await alice.new_project(api)
            task_id = await alice.generate(
                api, project_id, quantity=QUANTITY, batch_size=1000
            )
            messages = await _until_final(ws, task_id)

        progress = _lifecycle(messages, task_id, "task_completed")
        final = messages[-1]
        stored = _stored(e2e_database, task_id)
        assert stored == QUANTITY
        assert final["successful_items"] == stored
        assert final["processed_items"] == stored
        assert final["status"] == "completed"
        assert final["progress"] == 100
        assert progress[-1] == QUANTITY

    async def test_it_follows_a_cancelled_generation(self, alice, e2e_database):
        quantity = 400_000
        async with alice.api() as api, alice.socket() as ws:
            project_id = await alice.new_project(api)
            task_id = await alice.generate(
                api, project_id, quantity=quantity, batch_size=1000
            )
            messages = await _until_progress(ws, task_id)
            r = await alice.cancel(api, task_id)
            assert r.status_code == 200, r.text
            messages += await _until_final(ws, task_id)

        _lifecycle(messages, task_id, "task_cancelled")
        final = messages[-1]
        stored = _stored(e2e_database, task_id)
        assert 0 < stored < quantity
        assert final["processed_items"] == stored
        assert final["successful_items"] == stored
        assert final["result_data"]["generated"] == stored
        assert final["status"] == "cancelled"

    async def test_it_follows_a_generation_that_fails(self, alice, e2e_database):
        # Every number of one carrier's blocks is asked for; once the task
        # has started, another writer stores the numbers of its last two blocks
        # into the same project, so they cannot all be generated.
        carrier = "LTE WIRELESS"
        async with alice.api() as api, alice.socket() as ws:
            project_id = await alice.new_project(api)
            r = await api.post(
                "/api/phone-generator/generate-numbers-enhanced/",
                json={
                    "user_id": alice.name,
                    "project_id": project_id,
                    "area_code": NPA,
                    "quantity": 1_000_000,
                    "carrier_filter": carrier,
                },
            )
            assert r.status_code == 422, r.text
            quantity = r.json()["available"]
            # The other writer goes first: the task's first batch waits for
            # its transaction, so the task can never finish before it.
            with psycopg.connect(e2e_database.url) as writer:
                writer.execute(
                    "LOCK TABLE numbers_phonenumber IN SHARE ROW EXCLUSIVE MODE"
                )
                task_id = await alice.generate(
                    api,
                    project_id,
                    quantity=quantity,
                    carrier_filter=carrier,
                    batch_size=100,
                )
                await _until_a_write_waits(writer, "numbers_phonenumber")
                taken = _take_last_blocks(writer, project_id, carrier, blocks=2)
            messages = await _until_final(ws, task_id)

        _lifecycle(messages, task_id, "task_failed")
        final = messages[-1]
        stored = _stored(e2e_database, task_id)
        assert stored == quantity - taken
        assert final["processed_items"] == stored
        assert final["status"] == "failed"
        assert final["error_message"]

    async def test_it_sends_a_late_client_the_running_tasks_state(
        self, alice, e2e_database
    ):
        async with alice.api() as api:
            project_id = await alice.new_project(api)
            task_id = await alice.generate(
                api, project_id, quantity=400_000, batch_size=1000
            )
            await _wait_running(api, alice, task_id)

            async with alice.socket() as ws:
                async with asyncio.timeout(30):
                    first = json.loads(await ws.recv())
                assert first["type"] == "task_progress"
                assert first["task_id"] == task_id
                assert first["status"] == "in_progress"
                assert first["processed_items"] > 0

                assert (await alice.cancel(api, task_id)).status_code == 200
                final = (await _until_final(ws, task_id))[-1]
        assert final["type"] == "task_cancelled"
        assert final["processed_items"] == _stored(e2e_database, task_id)

    async def test_it_sends_each_user_only_their_own_tasks(self, alice, bob, e2e_spawn):
        # A second worker, so both tasks run at once, and a second server
        # process for bob's socket: events reach any server through Redis.
        e2e_spawn.worker()
        other_server = e2e_spawn.server()
        async with (
            alice.api() as alice_api,
            bob.api() as bob_api,
            alice.socket() as alice_ws,
            bob.socket(server=other_server) as bob_ws,
        ):
            alice_project = await alice.new_project(alice_api)
            bob_project = await bob.new_project(bob_api)
            alice_task = await alice.generate(
                alice_api, alice_project, quantity=QUANTITY, batch_size=1000
            )
            bob_task = await bob.generate(
                bob_api, bob_project, quantity=QUANTITY, batch_size=1000
            )
            alice_seen, bob_seen = await asyncio.gather(
                _until_final(alice_ws, alice_task), _until_final(bob_ws, bob_task)
            )
            alice_after = await _more(alice_ws)
            bob_after = await _more(bob_ws)

        _lifecycle(alice_seen, alice_task, "task_completed")
        _lifecycle(bob_seen, bob_task, "task_completed")
        assert alice_after == bob_after == []

    async def test_it_refuses_a_socket_without_a_token(self, alice):
        url = f"{alice.server.ws_url}/ws/tasks/{alice.name}/"
        assert await _close_code(url) == 4401

    async def test_it_refuses_a_bad_token(self, alice):
        url = f"{alice.server.ws_url}/ws/tasks/{alice.name}/?token=bad{alice.token}"
        assert await _close_code(url) == 4401

    async def test_it_closes_a_path_that_is_no_route(self, alice):
        url = f"{alice.server.ws_url}/ws/tasks/{alice.name}?token={alice.token}"
        assert await _close_code(url) == 4404

    async def test_it_refuses_another_users_id(self, alice, bob):
        for route in ("tasks", "phone-generation"):
            url = f"{alice.server.ws_url}/ws/{route}/{bob.name}/?token={alice.token}"
            assert await _close_code(url) == 4403


async def _until_a_write_waits(conn: psycopg.Connection, table: str) -> None:
    """Return once another session waits to write to ``table``."""
    async with asyncio.timeout(60):
        while not conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks "
            "WHERE relation = %s::regclass AND NOT granted)",
            (table,),
        ).fetchone()[0]:
            await asyncio.sleep(0.05)


def _take_last_blocks(
    conn: psycopg.Connection, project_id: int, carrier: str, *, blocks: int
) -> int:
    """Store every number of the carrier's last thousands blocks in the project,
    as another writer would; return how many numbers that took."""
    prefixes = [
        row[0]
        for row in conn.execute(
            "SELECT prefix FROM prefixes_phoneprefix "
            "WHERE npa = %s AND length(prefix) = 7 AND carrier ILIKE %s "
            "ORDER BY prefix DESC LIMIT %s",
            (NPA, f"{carrier}%", blocks),
        )
    ]
    assert len(prefixes) == blocks
    taken = 0
    for prefix in prefixes:
        cursor = conn.execute(
            """
            INSERT INTO numbers_phonenumber (
                project_id, number, extension, prefix, carrier, brand,
                line_type, city, state, country, valid_number,
                validation_status, validation_attempted, validation_source,
                created_at
            )
            SELECT %s, '1' || %s || lpad(n::text, 3, '0'), '', %s, '', '',
                'unknown', '', '', 'US', true, 'valid', false, '', now()
            FROM generate_series(0, 999) AS n
            ON CONFLICT (project_id, number) DO NOTHING
            """,
            (project_id, prefix, prefix),
        )
        taken += cursor.rowcount
    return taken


# The embedded default: one server process, no worker, no Redis, SQLite.


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """A ``manage.py serve`` of the embedded default and one user of it."""
    folder = tmp_path_factory.mktemp("embedded")
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in ("DATABASE_URL", "REDIS_URL", "PHONEGEN_TASK_RUNNER", "SECRET_KEY")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "phonegen.config.settings",
            "PHONEGEN_VAR_DIR": str(folder / "var"),
            "SQLITE_PATH": str(folder / "var" / "phonegen.sqlite3"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    harness.run_manage(env, "migrate", "--noinput")
    for source in ("nanpa-blocks", "libphonenumber"):
        harness.run_manage(env, "load_prefixes", "--source", source, "--npa", NPA)
    token = harness.run_manage(
        env, "phonegen_user", "ws-carol", "--password", "pw-ws-carol", "--token-only"
    ).stdout.strip()

    server = harness.ServerProcess(env, folder, name="server-embedded")
    server.start()
    yield User("ws-carol", token, server), env["SQLITE_PATH"]
    server.stop()


def _stored_sqlite(path: str, task_id: str) -> int:
    # SQLite holds uuids as 32 hex digits.
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT count(*) FROM numbers_phonenumber WHERE task_id = ?",
            (uuid.UUID(task_id).hex,),
        ).fetchone()[0]


class EmbeddedDefaultTests:
    """Tasks in threads of the server; events through its in-process layer."""

    async def test_it_follows_a_generation_to_completion(self, embedded):
        carol, sqlite_path = embedded
        async with carol.api() as api, carol.socket() as ws:
            project_id = await carol.new_project(api)
            task_id = await carol.generate(
                api, project_id, quantity=QUANTITY, batch_size=1000
            )
            messages = await _until_final(ws, task_id)

        progress = _lifecycle(messages, task_id, "task_completed")
        final = messages[-1]
        stored = _stored_sqlite(sqlite_path, task_id)
        assert stored == QUANTITY
        assert final["successful_items"] == stored
        assert progress[-1] == QUANTITY

    async def test_it_sends_a_late_client_the_running_tasks_state(self, embedded):
        carol, sqlite_path = embedded
        async with carol.api() as api:
            project_id = await carol.new_project(api)
            task_id = await carol.generate(
                api, project_id, quantity=400_000, batch_size=1000
            )
            await _wait_running(api, carol, task_id)

            async with carol.socket("phone-generation") as ws:
                async with asyncio.timeout(30):
                    first = json.loads(await ws.recv())
                assert (first["type"], first["task_id"]) == ("task_progress", task_id)
                assert first["processed_items"] > 0

                assert (await carol.cancel(api, task_id)).status_code == 200
                final = (await _until_final(ws, task_id))[-1]
        assert final["type"] == "task_cancelled"
        assert final["processed_items"] == _stored_sqlite(sqlite_path, task_id)
