"""Isolation end to end: a second user reaches none of the first user's
projects, tasks and numbers, through any API endpoint or WebSocket route.

Alice owns a project with generated numbers and a finished generation,
validation and import task. Bob, with his own token, tries every route of
``phonegen/api/urls.py`` on her ids: each answers 404 (or 403 for a ``user_id``
naming her), lists show only Bob's own objects, and her data is the same
afterwards. The routes are read from the URL configuration and checked against
the OpenAPI schema, so a new endpoint without an attack here fails the module.
"""

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import psycopg
import pytest
from django.urls import URLPattern, URLResolver, resolve
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from phonegen.api import urls as api_urls

pytestmark = pytest.mark.e2e

NPA = "917"
GENERATED = 2_000
LIVE_QUANTITY = 100_000
FINAL = ("completed", "failed", "cancelled")
FINAL_EVENTS = ("task_completed", "task_failed", "task_cancelled")
IMPORT_CSV = b"phone\n+1 917 250 1234\n(917) 250-1235\n917.250.1236\nnot a number\n"
BASE = "/api/phone-generator"


@dataclass
class Account:
    name: str
    password: str
    token: str
    pk: int

    def client(self, server) -> httpx.Client:
        return httpx.Client(
            base_url=server.url,
            headers={"Authorization": f"Token {self.token}"},
            timeout=60,
        )


@dataclass
class AliceData:
    project_id: int
    project_name: str
    generation_id: str
    validation_id: str
    import_id: str
    number_ids: list[int]

    @property
    def task_ids(self) -> list[str]:
        return [self.generation_id, self.validation_id, self.import_id]


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def loaded(e2e_prefixes) -> None:
    e2e_prefixes(NPA)


def _account(e2e_token, e2e_database, name: str) -> Account:
    password = f"pw-{name}"
    token = e2e_token(name)
    with psycopg.connect(e2e_database.url) as conn:
        pk = conn.execute(
            "SELECT id FROM auth_user WHERE username = %s", (name,)
        ).fetchone()[0]
    return Account(name, password, token, pk)


@pytest.fixture(scope="module")
def alice(loaded, e2e_server, e2e_worker, e2e_token, e2e_database) -> Account:
    return _account(e2e_token, e2e_database, "iso-alice")


@pytest.fixture(scope="module")
def bob(loaded, e2e_server, e2e_worker, e2e_token, e2e_database) -> Account:
    return _account(e2e_token, e2e_database, "iso-bob")


def _finished(client: httpx.Client, task_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get(f"{BASE}/tasks/{task_id}/progress/")
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        if data["status"] in FINAL:
            return data
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} did not finish: {data}")


def _started(r: httpx.Response) -> str:
    assert r.status_code == 201, r.text
    return r.json()["data"]["task_id"]


@pytest.fixture(scope="module")
def alice_data(alice, e2e_server) -> AliceData:
    """Alice's project with numbers and a finished task of each kind."""
    name = "iso-alice-numbers"
    with alice.client(e2e_server) as client:
        r = client.post("/api/projects/", json={"name": name})
        assert r.status_code == 201, r.text
        project_id = r.json()["data"]["id"]

        generation_id = _started(
            client.post(
                f"{BASE}/generate-numbers-enhanced/",
                json={
                    "project_id": project_id,
                    "area_code": NPA,
                    "quantity": GENERATED,
                },
            )
        )
        assert _finished(client, generation_id)["status"] == "completed"
        validation_id = _started(
            client.post(
                f"{BASE}/validate-numbers-enhanced/", json={"project_id": project_id}
            )
        )
        assert _finished(client, validation_id)["status"] == "completed"
        import_id = _started(
            client.post(
                f"{BASE}/numbers/import/",
                data={"project_id": str(project_id)},
                files={"file": ("contacts.csv", IMPORT_CSV, "text/csv")},
            )
        )
        assert _finished(client, import_id)["status"] == "completed"

        r = client.get(
            f"{BASE}/numbers/", params={"project_id": project_id, "page_size": 20}
        )
        number_ids = [row["id"] for row in r.json()["data"]["results"]]
    assert len(number_ids) == 20
    assert r.json()["data"]["count"] == GENERATED + 3
    return AliceData(
        project_id, name, generation_id, validation_id, import_id, number_ids
    )


def _snapshot(database_url: str, user_pk: int) -> dict:
    """What a user owns, read from the database: projects, a digest of their
    numbers, tasks with their counters, and import report rows."""
    with psycopg.connect(database_url) as conn:
        projects = conn.execute(
            "SELECT id, name FROM numbers_project WHERE owner_id = %s ORDER BY id",
            (user_pk,),
        ).fetchall()
        numbers = conn.execute(
            """
            SELECT n.project_id, count(*), md5(string_agg(
                concat_ws('|', n.number, n.validation_status, n.valid_number,
                          n.carrier, n.line_type, n.task_id),
                ',' ORDER BY n.number))
            FROM numbers_phonenumber n JOIN numbers_project p ON p.id = n.project_id
            WHERE p.owner_id = %s GROUP BY n.project_id ORDER BY n.project_id
            """,
            (user_pk,),
        ).fetchall()
        tasks = conn.execute(
            "SELECT task_id::text, project_id, status, processed_items, "
            "successful_items, failed_items, completed_at "
            "FROM tasks_task WHERE user_id = %s ORDER BY task_id",
            (user_pk,),
        ).fetchall()
        rows = conn.execute(
            "SELECT r.task_id::text, count(*) FROM numbers_importrow r "
            "JOIN tasks_task t ON t.task_id = r.task_id WHERE t.user_id = %s "
            "GROUP BY r.task_id ORDER BY r.task_id",
            (user_pk,),
        ).fetchall()
    return {"projects": projects, "numbers": numbers, "tasks": tasks, "rows": rows}


def _error(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, (r.request.method, r.request.url, r.text)
    body = r.json()
    assert set(body) >= {"message", "code", "errors"}, body
    assert "data" not in body, body
    return body


def _not_found(r: httpx.Response, field: str | None = None) -> None:
    body = _error(r, 404)
    assert body["code"] == "not_found", body
    if field is not None:
        assert list(body["errors"]) == [field], body


def _not_her_user_id(r: httpx.Response) -> None:
    body = _error(r, 403)
    assert list(body["errors"]) == ["user_id"], body


@dataclass
class Attack:
    """Bob's clients and Alice's ids, handed to every attack below."""

    bob: httpx.Client
    anon: httpx.Client
    alice: Account
    bob_account: Account
    data: AliceData
    alice_view: httpx.Client
    database_url: str

    @property
    def as_her(self) -> dict:
        """Fields naming Alice that no endpoint may take over the token."""
        return {
            "user": self.alice.pk,
            "owner": self.alice.pk,
            "owner_id": self.alice.pk,
        }

    def bob_owns(self) -> dict:
        return _snapshot(self.database_url, self.bob_account.pk)


def attack_auth_token(a: Attack) -> None:
    # Knowing her username is not enough, and naming her gets Bob his own token.
    _error(
        a.anon.post(
            "/api/auth/token/",
            json={"username": a.alice.name, "password": a.bob_account.password},
        ),
        400,
    )
    r = a.anon.post(
        "/api/auth/token/",
        json={
            "username": a.bob_account.name,
            "password": a.bob_account.password,
            "user_id": a.alice.name,
            **a.as_her,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"token": a.bob_account.token, "user_id": "iso-bob"}


def attack_project_list(a: Attack) -> None:
    _not_her_user_id(a.bob.get("/api/projects/", params={"user_id": a.alice.name}))

    r = a.bob.get("/api/projects/", params=a.as_her)

    assert r.status_code == 200, r.text
    listed = [(p["id"], p["name"]) for p in r.json()["data"]["results"]]
    assert sorted(listed) == [tuple(p) for p in a.bob_owns()["projects"]]
    assert a.data.project_id not in {pk for pk, _ in listed}


def attack_project_create(a: Attack) -> None:
    body = {"name": a.data.project_name}
    _not_her_user_id(
        a.bob.post("/api/projects/", json=body | {"user_id": a.alice.name})
    )

    # Her project's name is free for Bob: a 409 would tell him it exists.
    r = a.bob.post("/api/projects/", json=body | a.as_her)

    assert r.status_code == 201, r.text
    created = r.json()["data"]["id"]
    assert (created, a.data.project_name) in [
        tuple(p) for p in a.bob_owns()["projects"]
    ]


def _attack_generation(a: Attack, path: str) -> None:
    body = {"project_id": a.data.project_id, "area_code": NPA, "quantity": 10}
    _not_found(a.bob.post(path, json=body), "project_id")
    _not_found(a.bob.post(path, json=body | a.as_her), "project_id")
    _not_her_user_id(a.bob.post(path, json=body | {"user_id": a.alice.name}))


def attack_generation_start(a: Attack) -> None:
    _attack_generation(a, f"{BASE}/generate-numbers-enhanced/")


def attack_generation_legacy(a: Attack) -> None:
    _attack_generation(a, f"{BASE}/generate-numbers/")


def _attack_validation(a: Attack, path: str) -> httpx.Response:
    _not_found(a.bob.post(path, json={"project_id": a.data.project_id}), "project_id")
    _not_found(a.bob.post(path, json={"phone_ids": a.data.number_ids}), "phone_ids")
    _not_found(
        a.bob.post(path, json={"phone_ids": a.data.number_ids[:1], **a.as_her}),
        "phone_ids",
    )
    _not_her_user_id(a.bob.post(path, json={"user_id": a.alice.name}))
    # With no selection, "all your numbers" are Bob's: none of hers.
    return a.bob.post(path, json=a.as_her)


def attack_validation_start(a: Attack) -> None:
    r = _attack_validation(a, f"{BASE}/validate-numbers-enhanced/")

    assert r.status_code == 201, r.text
    assert r.json()["data"]["total"] == 0


def attack_validation_legacy(a: Attack) -> None:
    r = _attack_validation(a, f"{BASE}/validate-numbers/")

    assert r.status_code == 200, r.text
    assert (r.json()["data"]["total"], r.json()["data"]["numbers"]) == (0, [])


def attack_task_list(a: Attack) -> None:
    path = f"{BASE}/tasks/"
    _not_found(a.bob.get(path, params={"project_id": a.data.project_id}), "project_id")
    _not_her_user_id(a.bob.get(path, params={"user_id": a.alice.name}))

    for query in ({}, {"status": "completed"}, {"task_type": "generation"}):
        r = a.bob.get(path, params=query | a.as_her | {"page_size": 1000})

        assert r.status_code == 200, r.text
        listed = {t["task_id"] for t in r.json()["data"]["results"]}
        assert listed <= {t[0] for t in a.bob_owns()["tasks"]}
        assert not listed & set(a.data.task_ids)


def attack_task_progress(a: Attack) -> None:
    for task_id in a.data.task_ids:
        path = f"{BASE}/tasks/{task_id}/progress/"
        _not_found(a.bob.get(path), "task_id")
        _not_found(a.bob.get(path, params=a.as_her), "task_id")
        _not_her_user_id(a.bob.get(path, params={"user_id": a.alice.name}))


def attack_task_cancel(a: Attack) -> None:
    # Her tasks are finished: Alice herself would get 409, Bob must not learn that.
    for task_id in a.data.task_ids:
        path = f"{BASE}/tasks/{task_id}/cancel/"
        _not_found(a.bob.post(path), "task_id")
        _not_found(a.bob.post(path, json=a.as_her), "task_id")
        _not_her_user_id(a.bob.post(path, json={"user_id": a.alice.name}))
    assert (
        a.alice_view.post(f"{BASE}/tasks/{a.data.import_id}/cancel/").status_code == 409
    )


def attack_number_list(a: Attack) -> None:
    path = f"{BASE}/numbers/"
    _not_found(a.bob.get(path, params={"project_id": a.data.project_id}), "project_id")
    _not_found(a.bob.get(path, params={"task_id": a.data.generation_id}), "task_id")
    _not_her_user_id(a.bob.get(path, params={"user_id": a.alice.name}))

    r = a.bob.get(path, params={"area_code": NPA, **a.as_her})

    assert r.status_code == 200, r.text
    assert (r.json()["data"]["count"], r.json()["data"]["results"]) == (0, [])


def attack_number_export(a: Attack) -> None:
    path = f"{BASE}/numbers/export/"
    own_project = a.bob_owns()["projects"][0][0]
    for fmt in ("csv", "json"):
        query = {"project_id": a.data.project_id, "format": fmt}
        _not_found(a.bob.get(path, params=query), "project_id")
        _not_found(a.bob.get(path, params=query | a.as_her), "project_id")
        _not_found(
            a.bob.get(
                path,
                params={
                    "project_id": own_project,
                    "task_id": a.data.generation_id,
                    "format": fmt,
                },
            ),
            "task_id",
        )
        _not_her_user_id(a.bob.get(path, params=query | {"user_id": a.alice.name}))


def attack_import_start(a: Attack) -> None:
    path = f"{BASE}/numbers/import/"
    files = {"file": ("mine.csv", b"phone\n9172501299\n", "text/csv")}
    form = {"project_id": str(a.data.project_id)}
    _not_found(a.bob.post(path, data=form, files=files), "project_id")
    _not_found(
        a.bob.post(path, data=form | {"user": str(a.alice.pk)}, files=files),
        "project_id",
    )
    _not_her_user_id(
        a.bob.post(path, data=form | {"user_id": a.alice.name}, files=files)
    )


def attack_import_rows(a: Attack) -> None:
    for task_id in (a.data.import_id, a.data.generation_id):
        path = f"{BASE}/numbers/import/{task_id}/rows/"
        _not_found(a.bob.get(path), "task_id")
        _not_found(a.bob.get(path, params=a.as_her), "task_id")
        _not_her_user_id(a.bob.get(path, params={"user_id": a.alice.name}))


def _shared(a: Attack, path: str, query: dict) -> None:
    """The prefix database is the same for everyone and holds no user's data."""
    _not_her_user_id(a.bob.get(path, params=query | {"user_id": a.alice.name}))
    mine = a.bob.get(path, params=query | a.as_her)
    hers = a.alice_view.get(path, params=query)
    assert mine.status_code == hers.status_code == 200, mine.text
    # Page links repeat the query string, which differs; the content must not.
    links = ("next", "previous")
    assert {k: v for k, v in mine.json()["data"].items() if k not in links} == {
        k: v for k, v in hers.json()["data"].items() if k not in links
    }


def attack_prefix_list(a: Attack) -> None:
    _shared(a, f"{BASE}/prefixes/", {"npa": NPA, "page_size": 5})


def attack_carrier_list(a: Attack) -> None:
    _shared(a, f"{BASE}/carriers/", {"area_code": NPA})


def attack_health(a: Attack) -> None:
    r = a.anon.get("/api/health/")

    assert set(r.json()["data"]) == {"database", "broker", "channel_layer", "worker"}
    assert a.alice.name not in r.text


def attack_schema(a: Attack) -> None:
    mine = a.bob.get("/api/schema/", params={"format": "json"})

    assert mine.status_code == 200
    assert mine.content == a.alice_view.get("/api/schema/?format=json").content


def attack_docs(a: Attack) -> None:
    mine = a.bob.get("/api/docs/")

    assert mine.status_code == 200
    assert a.alice.name not in mine.text


def attack_docs_asset(a: Attack) -> None:
    r = a.bob.get("/api/docs/assets/swagger-ui-dist/swagger-ui.css")

    assert r.status_code == 200
    # A path out of the bundle, towards the server's files, is not served.
    _not_found(a.bob.get("/api/docs/assets/swagger-ui-dist/%2e%2e/%2e%2e/urls.py"))


def attack_not_found(a: Attack) -> None:
    # Ids in URLs no endpoint serves: the same JSON 404 as any unknown URL.
    for path in (
        f"/api/projects/{a.data.project_id}/",
        f"{BASE}/tasks/{a.data.generation_id}/",
        f"{BASE}/numbers/{a.data.number_ids[0]}/",
    ):
        _not_found(a.bob.get(path))
        _not_found(a.bob.delete(path))


# Every route of phonegen/api/urls.py, by name, with each method it serves.
ATTACKS: dict[tuple[str, str], Callable[[Attack], None]] = {
    ("auth-token", "POST"): attack_auth_token,
    ("projects", "GET"): attack_project_list,
    ("projects", "POST"): attack_project_create,
    ("generation-start", "POST"): attack_generation_start,
    ("generation-legacy", "POST"): attack_generation_legacy,
    ("validation-start", "POST"): attack_validation_start,
    ("validation-legacy", "POST"): attack_validation_legacy,
    ("task-list", "GET"): attack_task_list,
    ("task-progress", "GET"): attack_task_progress,
    ("task-cancel", "POST"): attack_task_cancel,
    ("number-list", "GET"): attack_number_list,
    ("number-export", "GET"): attack_number_export,
    ("import-start", "POST"): attack_import_start,
    ("import-rows", "GET"): attack_import_rows,
    ("prefix-list", "GET"): attack_prefix_list,
    ("carrier-list", "GET"): attack_carrier_list,
    ("health", "GET"): attack_health,
    ("schema", "GET"): attack_schema,
    ("docs", "GET"): attack_docs,
    ("docs-asset", "ANY"): attack_docs_asset,
    ("not-found", "ANY"): attack_not_found,
}


def _api_routes() -> set[tuple[str, str]]:
    """(name, method) of every route in the API's URL configuration; ANY for a
    function view, which serves whatever method it is sent."""
    routes = set()

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            assert isinstance(pattern, URLPattern)
            view = getattr(pattern.callback, "view_class", None)
            if view is None:
                routes.add((pattern.name, "ANY"))
                continue
            for method in ("get", "post", "put", "patch", "delete"):
                if hasattr(view, method):
                    routes.add((pattern.name, method.upper()))

    walk(api_urls.urlpatterns)
    return routes


def test_every_api_route_and_operation_has_an_attack(e2e_server):
    routes = _api_routes()
    schema = httpx.get(f"{e2e_server.url}/api/schema/?format=json", timeout=30).json()
    operations = set()
    for path, methods in schema["paths"].items():
        # Any uuid does to learn which route a path template is.
        match = resolve(path.replace("{task_id}", str(uuid.uuid4())))
        operations |= {(match.url_name, method.upper()) for method in methods}

    assert routes == set(ATTACKS), "add an attack for each new route"
    assert operations <= routes
    assert len(operations) == 17


def _attack(alice, bob, alice_data, e2e_server, e2e_database) -> Attack:
    return Attack(
        bob=bob.client(e2e_server),
        anon=httpx.Client(base_url=e2e_server.url, timeout=60),
        alice=alice,
        bob_account=bob,
        data=alice_data,
        alice_view=alice.client(e2e_server),
        database_url=e2e_database.url,
    )


@pytest.mark.parametrize("route", sorted(ATTACKS), ids="-".join)
def test_bob_reaches_none_of_alices_data(
    route, alice, bob, alice_data, e2e_server, e2e_database
):
    before = _snapshot(e2e_database.url, alice.pk)
    attack = _attack(alice, bob, alice_data, e2e_server, e2e_database)
    if not attack.bob_owns()["projects"]:
        # Bob has a project of his own, so that his filters are not just empty.
        attack.bob.post("/api/projects/", json={"name": "iso-bob-numbers"})

    ATTACKS[route](attack)

    after = _snapshot(e2e_database.url, alice.pk)
    assert after == before
    assert [project_id for project_id, _, _ in before["numbers"]] == [
        alice_data.project_id
    ]
    assert {task[0] for task in before["tasks"]} >= set(alice_data.task_ids)


async def _refused(url: str) -> tuple[int, list]:
    """Close code and messages of a socket the server is expected to refuse."""
    received = []
    async with connect(url) as ws:
        try:
            async with asyncio.timeout(10):
                while True:
                    received.append(await ws.recv())
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None, received
    raise AssertionError(f"{url} was not closed: {received}")


async def _drain(ws, wait: float) -> list[dict]:
    messages = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(wait):
            while True:
                messages.append(json.loads(await ws.recv()))
    return messages


@pytest.mark.anyio
async def test_bob_cannot_follow_or_stop_alices_running_task(
    alice, bob, alice_data, e2e_server, e2e_database
):
    ws = e2e_server.ws_url
    alice_api = httpx.AsyncClient(
        base_url=e2e_server.url,
        headers={"Authorization": f"Token {alice.token}"},
        timeout=60,
    )
    bob_api = httpx.AsyncClient(
        base_url=e2e_server.url,
        headers={"Authorization": f"Token {bob.token}"},
        timeout=60,
    )
    async with (
        alice_api,
        bob_api,
        connect(f"{ws}/ws/tasks/{alice.name}/?token={alice.token}") as hers,
        connect(f"{ws}/ws/tasks/{bob.name}/?token={bob.token}") as his_tasks,
        connect(f"{ws}/ws/phone-generation/{bob.name}/?token={bob.token}") as his_gen,
    ):
        r = await alice_api.post(
            f"{BASE}/generate-numbers-enhanced/",
            json={
                "project_id": alice_data.project_id,
                "area_code": NPA,
                "quantity": LIVE_QUANTITY,
            },
        )
        assert r.status_code == 201, r.text
        live = r.json()["data"]["task_id"]

        refusals = []
        for route in ("tasks", "phone-generation"):
            for who in (alice.name, str(alice.pk)):
                url = f"{ws}/ws/{route}/{who}/?token={bob.token}"
                refusals.append(await _refused(url))
        cancel = await bob_api.post(f"{BASE}/tasks/{live}/cancel/")
        progress = await bob_api.get(f"{BASE}/tasks/{live}/progress/")

        events = []
        async with asyncio.timeout(120):
            while not events or events[-1]["type"] not in FINAL_EVENTS:
                event = json.loads(await hers.recv())
                if event["task_id"] == live:
                    events.append(event)
        his = await _drain(his_tasks, 1) + await _drain(his_gen, 0.1)

    assert refusals == [(4403, [])] * 4
    _not_found(cancel, "task_id")
    _not_found(progress, "task_id")
    assert events[-1]["type"] == "task_completed", events[-1]
    assert events[-1]["successful_items"] == LIVE_QUANTITY
    assert any(e["type"] == "task_progress" for e in events)
    assert his == []
    with psycopg.connect(e2e_database.url) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM numbers_phonenumber WHERE task_id = %s", (live,)
        ).fetchone()[0]
    assert stored == LIVE_QUANTITY
