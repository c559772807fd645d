"""The HTTP calls a user makes: start a task, then poll its progress to the end."""

import logging
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from .procs import BenchError

logger = logging.getLogger(__name__)

API = "/api/phone-generator"
POLL_INTERVAL = 0.2
TASK_TIMEOUT = 1800.0
FINISHED = {"completed", "failed", "cancelled"}


@dataclass
class TaskRun:
    """What one task cost, seen from the client."""

    task_id: str
    items: int
    seconds: float
    result: dict
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0

    @property
    def latency_median(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None

    @property
    def latency_p95(self) -> float | None:
        if len(self.latencies) < 2:
            return self.latency_median
        return statistics.quantiles(self.latencies, n=20, method="inclusive")[-1]


class Client:
    """A token-authenticated client of one server."""

    def __init__(self, base_url: str, token: str, user_id: str) -> None:
        self.user_id = user_id
        # No proxies from the environment: every request stays on 127.0.0.1.
        self.http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Token {token}"},
            timeout=60.0,
            trust_env=False,
        )

    def close(self) -> None:
        self.http.close()

    def project_create(self, name: str) -> int:
        body = self._post("/api/projects/", {"name": name}, expect=201)
        return body["data"]["id"]

    def generate(
        self, project_id: int, area_code: str, quantity: int, **filters: str
    ) -> TaskRun:
        body = {
            "user_id": self.user_id,
            "project_id": project_id,
            "area_code": area_code,
            "quantity": quantity,
            "batch_size": 10_000,
            **filters,
        }
        return self._run(f"{API}/generate-numbers-enhanced/", body, quantity)

    def validate(self, project_id: int, quantity: int) -> TaskRun:
        body = {"user_id": self.user_id, "project_id": project_id, "batch_size": 10_000}
        return self._run(f"{API}/validate-numbers-enhanced/", body, quantity)

    def _run(self, path: str, body: dict, quantity: int) -> TaskRun:
        # Wall-clock time on both ends: the server stamps completed_at with the
        # same clock, which spares the result the polling interval.
        requested = time.time()
        started = self._post(path, body, expect=201)
        task_id = started["data"]["task_id"]
        logger.info("task %s started: %s", task_id, path.rsplit("/", 2)[-2])

        latencies: list[float] = []
        deadline = time.monotonic() + TASK_TIMEOUT
        while True:
            sent = time.perf_counter()
            task = self._progress(task_id)
            elapsed = time.perf_counter() - sent
            if task["status"] in FINISHED:
                break
            if task["status"] == "in_progress":
                latencies.append(elapsed)
            if time.monotonic() > deadline:
                raise BenchError(f"task {task_id} still {task['status']} at timeout")
            time.sleep(max(0.0, POLL_INTERVAL - elapsed))

        if task["status"] != "completed":
            raise BenchError(
                f"task {task_id} {task['status']}: {task.get('error_message')}"
            )
        if task["processed_items"] != quantity:
            raise BenchError(
                f"task {task_id} completed {task['processed_items']} items, "
                f"expected {quantity}"
            )
        done = datetime.fromisoformat(task["completed_at"]).timestamp()
        return TaskRun(
            task_id=task_id,
            items=quantity,
            seconds=done - requested,
            result=task["result_data"],
            latencies=latencies,
        )

    def _progress(self, task_id: str) -> dict:
        response = self.http.get(
            f"{API}/tasks/{task_id}/progress/", params={"user_id": self.user_id}
        )
        if response.status_code != 200:
            raise BenchError(f"progress of {task_id}: {response.status_code}")
        return response.json()["data"]

    def _post(self, path: str, body: dict, *, expect: int) -> dict:
        response = self.http.post(path, json=body)
        if response.status_code != expect:
            raise BenchError(
                f"POST {path} answered {response.status_code}: {response.text[:500]}"
            )
        return response.json()
