"""Tasks under faults: a killed worker, a restarted broker, a dropped connection,
racing requests and a cancel in the middle of a batch.

The deployment here is the module's own (its own Redis, server, worker and beat),
so that killing a worker or the broker touches no other test. Its lease is a few
seconds, so that beat finds a vanished worker's task quickly.
"""

import itertools
import threading
import time
from dataclasses import dataclass

import httpx
import pytest

import harness

pytestmark = pytest.mark.e2e

NPA = "917"
LEASE_SECONDS = 4
FINISHED = ("completed", "failed", "cancelled")
# Worker names stay unique over the module, so that no log overwrites another.
_worker_numbers = itertools.count(1)


@dataclass
class Deployment:
    redis: harness.RedisProcess
    server: harness.ServerProcess
    workers: list[harness.WorkerProcess]
    beat: harness.BeatProcess
    env: dict[str, str]
    log_dir: object
    client: httpx.Client
    database: harness.TestDatabase

    def new_worker(self) -> harness.WorkerProcess:
        name = f"faults-worker-{next(_worker_numbers)}"
        worker = harness.WorkerProcess(self.env, self.log_dir, name=name)
        self.workers.append(worker)
        worker.start()
        return worker

    def new_project(self, name: str) -> int:
        r = self.client.post("/api/projects/", json={"name": name})
        assert r.status_code == 201, r.text
        return r.json()["data"]["id"]

    def generate(self, project_id: int, quantity: int, **extra) -> httpx.Response:
        body = {"project_id": project_id, "area_code": NPA, "quantity": quantity}
        return self.client.post(
            "/api/phone-generator/generate-numbers-enhanced/", json=body | extra
        )

    def start_generation(self, project_id: int, quantity: int, **extra) -> str:
        """The id of a generation task the API accepted (201)."""
        r = self.generate(project_id, quantity, **extra)
        assert r.status_code == 201, r.text
        return r.json()["data"]["task_id"]

    def progress(self, task_id: str) -> dict:
        r = self.client.get(f"/api/phone-generator/tasks/{task_id}/progress/")
        assert r.status_code == 200, r.text
        return r.json()["data"]

    def wait_until(self, task_id: str, done, timeout: float = 180) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self.progress(task_id)
            if done(data):
                return data
            time.sleep(0.1)
        raise AssertionError(f"task {task_id} never got there: {data}")

    def wait_finished(self, task_id: str, timeout: float = 180) -> dict:
        return self.wait_until(task_id, lambda d: d["status"] in FINISHED, timeout)

    def sql(self, query: str, *params):
        with self.database.connect() as conn:
            return conn.execute(query, params).fetchone()


@pytest.fixture(scope="module")
def deployment(e2e_prefixes, e2e_token, e2e_env, e2e_dir, e2e_database):
    e2e_prefixes(NPA)
    token = e2e_token("faults-alice")

    log_dir = e2e_dir / "faults"
    log_dir.mkdir(exist_ok=True)
    redis = harness.RedisProcess(log_dir, name="faults-redis")
    redis.start()
    env = dict(e2e_env) | {
        "REDIS_URL": redis.url,
        "PHONEGEN_TASK_LEASE_SECONDS": str(LEASE_SECONDS),
        "PHONEGEN_RECOVERY_INTERVAL": "1",
    }
    server = harness.ServerProcess(env, log_dir, name="faults-server")
    beat = harness.BeatProcess(env, log_dir, name="faults-beat")
    processes = [redis, server, beat]
    client = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Token {token}"}, timeout=30
    )
    deployment = Deployment(
        redis=redis, server=server, workers=[], beat=beat, env=env,
        log_dir=log_dir, client=client, database=e2e_database,
    )  # fmt: skip
    try:
        server.start()
        beat.start()
        deployment.new_worker()
        yield deployment
    finally:
        client.close()
        for process in deployment.workers + processes[::-1]:
            process.stop()


@pytest.fixture
def one_worker(deployment) -> Deployment:
    """The deployment with exactly one live worker (a test may have killed it)."""
    for worker in deployment.workers:
        if worker.alive:
            worker.stop()
    deployment.workers.clear()
    deployment.new_worker()
    if not deployment.redis.alive:
        deployment.redis.start()
    return deployment


def _stored(deployment: Deployment, task_id: str) -> tuple[int, int]:
    """(rows, distinct numbers) a task has stored."""
    return deployment.sql(
        "SELECT count(*), count(DISTINCT number) FROM numbers_phonenumber "
        "WHERE task_id = %s",
        task_id,
    )


def _outside_filter(deployment: Deployment, task_id: str, line_type: str) -> int:
    """How many of the task's numbers do not sit in a prefix of ``line_type``."""
    return deployment.sql(
        """
        SELECT count(*) FROM numbers_phonenumber n
        LEFT JOIN prefixes_phoneprefix p7 ON p7.prefix = substr(n.number, 2, 7)
        LEFT JOIN prefixes_phoneprefix p6 ON p6.prefix = substr(n.number, 2, 6)
        WHERE n.task_id = %s
          AND coalesce(p7.line_type, p6.line_type, 'none') <> %s
        """,
        task_id,
        line_type,
    )[0]


def _attempts(deployment: Deployment, task_id: str) -> int:
    return deployment.sql(
        "SELECT attempts FROM tasks_task WHERE task_id = %s", task_id
    )[0]


class _ProgressWatcher:
    """Polls a task's progress and, after each answer, what it has stored: the
    progress a client sees must never run ahead of the rows, nor go backwards."""

    def __init__(self, deployment: Deployment, task_id: str, count_sql: str) -> None:
        self.deployment = deployment
        self.task_id = task_id
        self.count_sql = count_sql
        self.seen: list[tuple[int, int]] = []

    def poll(self) -> dict:
        data = self.deployment.progress(self.task_id)
        stored = self.deployment.sql(self.count_sql, self.task_id)[0]
        self.seen.append((data["processed_items"], stored))
        return data

    def until(self, done, timeout: float = 180) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self.poll()
            if done(data):
                return data
            time.sleep(0.05)
        raise AssertionError(f"task {self.task_id} never got there: {data}")

    def assert_consistent(self) -> None:
        reported = [processed for processed, _ in self.seen]
        assert reported == sorted(reported), "progress went backwards"
        ahead = [(p, s) for p, s in self.seen if p > s]
        assert not ahead, f"progress ahead of stored rows: {ahead[:5]}"


STORED_BY_TASK = "SELECT count(*) FROM numbers_phonenumber WHERE task_id = %s"
VALIDATED_IN_PROJECT = (
    "SELECT count(*) FROM numbers_phonenumber n JOIN tasks_task t "
    "ON t.project_id = n.project_id WHERE t.task_id = %s AND n.validation_attempted"
)


def _kill_worker_midway(deployment, watcher, total):
    watcher.until(lambda d: total // 5 <= d["processed_items"] < total, timeout=120)
    victim = next(w for w in deployment.workers if w.alive)
    victim.kill()
    # Nothing runs it now; the new worker starts only after the lease is up
    # for certain, so the task can only come back through beat's recovery.
    time.sleep(LEASE_SECONDS + 1)
    deployment.new_worker()


def test_a_generation_whose_worker_is_killed_completes_exactly_once(one_worker):
    deployment = one_worker
    quantity = 200_000
    project_id = deployment.new_project("worker-death")
    task_id = deployment.start_generation(
        project_id, quantity, type_filter="mobile", batch_size=1000
    )
    watcher = _ProgressWatcher(deployment, task_id, STORED_BY_TASK)

    _kill_worker_midway(deployment, watcher, quantity)
    data = watcher.until(lambda d: d["status"] in FINISHED)

    assert data["status"] == "completed", data
    assert data["successful_items"] == quantity
    assert _stored(deployment, task_id) == (quantity, quantity)
    assert _outside_filter(deployment, task_id, "mobile") == 0
    assert _attempts(deployment, task_id) == 2
    watcher.assert_consistent()


def test_a_validation_whose_worker_is_killed_completes(one_worker):
    deployment = one_worker
    quantity = 200_000
    project_id = deployment.new_project("validation-death")
    generation_id = deployment.start_generation(project_id, quantity, batch_size=10_000)
    generated = deployment.wait_finished(generation_id)
    assert generated["status"] == "completed", generated

    r = deployment.client.post(
        "/api/phone-generator/validate-numbers-enhanced/",
        json={"project_id": project_id, "batch_size": 1000},
    )
    assert r.status_code == 201, r.text
    task_id = r.json()["data"]["task_id"]
    watcher = _ProgressWatcher(deployment, task_id, VALIDATED_IN_PROJECT)

    _kill_worker_midway(deployment, watcher, quantity)
    data = watcher.until(lambda d: d["status"] in FINISHED)

    assert data["status"] == "completed", data
    assert data["processed_items"] == quantity
    result = data["result_data"]
    assert result["validated"] == quantity
    assert result["valid"] + result["invalid"] + result["failed"] == quantity
    assert deployment.sql(VALIDATED_IN_PROJECT, task_id)[0] == quantity
    assert _attempts(deployment, task_id) == 2
    watcher.assert_consistent()


def test_a_task_survives_a_broker_restart(one_worker):
    deployment = one_worker
    quantity = 150_000
    project_id = deployment.new_project("broker-restart")
    task_id = deployment.start_generation(project_id, quantity, batch_size=1000)

    deployment.wait_until(task_id, lambda d: d["processed_items"] >= quantity // 5)
    deployment.redis.kill()
    time.sleep(1)
    deployment.redis.start()
    data = deployment.wait_finished(task_id)

    assert data["status"] == "completed", data
    assert _stored(deployment, task_id) == (quantity, quantity)

    # The restarted broker kept nothing, yet the worker and server use it again.
    after = deployment.wait_finished(
        deployment.start_generation(project_id, 5000), timeout=120
    )
    assert after["status"] == "completed", after


def test_a_task_asked_for_while_the_broker_is_down_is_refused_cleanly(one_worker):
    deployment = one_worker
    project_id = deployment.new_project("broker-down")
    deployment.redis.kill()
    try:
        r = deployment.generate(project_id, 5000)
    finally:
        deployment.redis.start()

    body = r.json()
    assert r.status_code == 503, body
    assert r.headers["Retry-After"] == "10"
    assert body["message"].startswith("The task queue could not be reached")
    assert body["errors"] == {"task": ["The task queue is unavailable."]}
    r = deployment.client.get(
        "/api/phone-generator/tasks/", params={"project_id": project_id}
    )
    tasks = r.json()["data"]["results"]
    assert [(t["status"], t["error_message"][:26]) for t in tasks] == [
        ("failed", "The task queue could not b")
    ]
    assert deployment.sql(
        "SELECT count(*) FROM numbers_phonenumber WHERE project_id = %s", project_id
    ) == (0,)

    data = deployment.wait_finished(
        deployment.start_generation(project_id, 5000), timeout=120
    )
    assert data["status"] == "completed", data


def test_a_dropped_database_connection_is_retried(one_worker):
    deployment = one_worker
    quantity = 150_000
    project_id = deployment.new_project("connection-drop")
    task_id = deployment.start_generation(project_id, quantity, batch_size=1000)

    deployment.wait_until(task_id, lambda d: d["processed_items"] >= quantity // 5)
    with deployment.database.connect() as conn:
        ended = conn.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        ).fetchone()[0]
    assert ended >= 1
    data = deployment.wait_finished(task_id)

    assert data["status"] == "completed", data
    assert _stored(deployment, task_id) == (quantity, quantity)
    assert _attempts(deployment, task_id) >= 2


def test_racing_generations_never_exceed_the_capacity(one_worker):
    deployment = one_worker
    deployment.new_worker()
    project_id = deployment.new_project("race")
    r = deployment.client.get(
        "/api/phone-generator/carriers/", params={"area_code": NPA}
    )
    assert r.status_code == 200, r.text
    # A carrier and line type with a few tens of thousands of numbers.
    entry = min(
        (c for c in r.json()["data"]["carriers"] if c["available_numbers"] >= 20_000),
        key=lambda c: c["available_numbers"],
    )
    capacity = entry["available_numbers"]
    quantity = capacity * 6 // 10
    filters = {"carrier_filter": entry["brand"], "type_filter": entry["line_type"]}
    answers: list[httpx.Response] = []
    start = threading.Barrier(2)

    def ask() -> None:
        start.wait()
        answers.append(deployment.generate(project_id, quantity, **filters))

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(r.status_code for r in answers)
    assert codes == [201, 422], [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 422).json()
    assert refused["message"] and refused["errors"]
    task_id = next(r for r in answers if r.status_code == 201).json()["data"]["task_id"]
    data = deployment.wait_finished(task_id)
    assert data["status"] == "completed", data
    rows, distinct = deployment.sql(
        "SELECT count(*), count(DISTINCT number) FROM numbers_phonenumber "
        "WHERE project_id = %s",
        project_id,
    )
    assert rows == distinct == quantity <= capacity


def test_a_cancel_during_a_batch_leaves_whole_batches(one_worker):
    deployment = one_worker
    quantity, batch = 200_000, 5000
    project_id = deployment.new_project("cancel-mid-batch")
    task_id = deployment.start_generation(project_id, quantity, batch_size=batch)

    deployment.wait_until(task_id, lambda d: d["processed_items"] >= batch)
    r = deployment.client.post(f"/api/phone-generator/tasks/{task_id}/cancel/")
    assert r.status_code in (200, 202), r.text
    data = deployment.wait_finished(task_id)

    rows, distinct = _stored(deployment, task_id)
    if data["status"] == "completed":
        pytest.fail("the task finished before the cancel reached it; make it bigger")
    assert data["status"] == "cancelled", data
    assert rows == distinct == data["successful_items"]
    assert rows % batch == 0 and 0 < rows < quantity
