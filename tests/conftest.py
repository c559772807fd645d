"""Fixtures for end-to-end tests that run the product as real processes.

A test that asks for any ``e2e_*`` fixture is marked ``e2e`` and ``postgres``,
so the SQLite run of ``make test`` leaves it out. It is skipped, with the
reason, when PostgreSQL or Redis cannot be reached, unless
``PHONEGEN_E2E_REQUIRED=1`` (as CI sets) turns that into a failure.

    def test_it_generates(e2e_server, e2e_worker, e2e_manage_py):
        e2e_manage_py("load_prefixes", "--source", "libphonenumber", "--npa", "212")
        r = httpx.get(f"{e2e_server.url}/api/health/")
"""

from __future__ import annotations

import itertools
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

import harness

P = TypeVar("P", bound=harness.ManagedProcess)

E2E_FIXTURES = {
    "e2e_env",
    "e2e_database",
    "e2e_redis_url",
    "e2e_manage_py",
    "e2e_worker",
    "e2e_server",
    "e2e_spawn",
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Before ``-m`` deselects: an e2e test needs PostgreSQL whatever it is marked.
    for item in items:
        uses_e2e = E2E_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if uses_e2e or item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.postgres)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.failed and item.get_closest_marker("e2e"):
        for title, text in harness.log_tails():
            report.sections.append((f"log tail: {title}", text))
    return report


@pytest.fixture(scope="session")
def _e2e_services() -> None:
    problem = harness.postgres_problem() or harness.redis_problem()
    if problem is None:
        return
    if os.environ.get("PHONEGEN_E2E_REQUIRED") == "1":
        pytest.fail(f"{problem} (PHONEGEN_E2E_REQUIRED=1)", pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Logs and the var/ folder of the e2e processes."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def e2e_redis_url(_e2e_services: None) -> str:
    harness.flush_redis(harness.REDIS_URL)
    return harness.REDIS_URL


@pytest.fixture(scope="session")
def _e2e_blank_database(_e2e_services: None) -> Iterator[harness.TestDatabase]:
    database = harness.TestDatabase()
    database.create()
    yield database
    database.drop()


@pytest.fixture(scope="session")
def e2e_env(
    _e2e_blank_database: harness.TestDatabase, e2e_redis_url: str, e2e_dir: Path
) -> dict[str, str]:
    """Environment for a process of the e2e deployment (copy it before changing)."""
    return harness.e2e_environment(
        database_url=_e2e_blank_database.url,
        redis_url=e2e_redis_url,
        var_dir=e2e_dir / "var",
    )


@pytest.fixture(scope="session")
def e2e_database(
    _e2e_blank_database: harness.TestDatabase, e2e_env: dict[str, str]
) -> harness.TestDatabase:
    """This session's PostgreSQL database, migrated by ``manage.py migrate``."""
    harness.run_manage(e2e_env, "migrate", "--noinput")
    return _e2e_blank_database


@pytest.fixture(scope="session")
def e2e_manage_py(
    e2e_database: harness.TestDatabase, e2e_env: dict[str, str]
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``manage.py ARGS`` against the e2e database; raises if it fails."""

    def manage_py(*args: str, check: bool = True, timeout: float = 600):
        return harness.run_manage(e2e_env, *args, check=check, timeout=timeout)

    return manage_py


@pytest.fixture(scope="session")
def e2e_prefixes(e2e_manage_py) -> Callable[..., None]:
    """``e2e_prefixes("917", "212")`` loads those area codes from both sources
    ``make run`` uses (a second load of the same ones changes nothing)."""

    def load(*npas: str) -> None:
        npa_args = [arg for npa in npas for arg in ("--npa", npa)]
        for source in ("libphonenumber", "nanpa-blocks"):
            e2e_manage_py("load_prefixes", "--source", source, *npa_args)

    return load


@pytest.fixture(scope="session")
def e2e_token(e2e_manage_py) -> Callable[[str], str]:
    """``e2e_token(name)``: the API token of the user ``name`` (password
    ``pw-<name>``), created when missing."""

    def token(name: str) -> str:
        return e2e_manage_py(
            "phonegen_user", name, "--password", f"pw-{name}", "--token-only"
        ).stdout.strip()

    return token


@pytest.fixture(scope="session")
def e2e_worker(
    e2e_database: harness.TestDatabase, e2e_env: dict[str, str], e2e_dir: Path
) -> Iterator[harness.WorkerProcess]:
    """The session's Celery worker (one prefork child, default queue)."""
    worker = harness.WorkerProcess(e2e_env, e2e_dir)
    worker.start()
    _shared.append(worker)
    yield worker
    _shared.remove(worker)
    worker.stop()


@pytest.fixture(scope="session")
def e2e_server(
    e2e_database: harness.TestDatabase, e2e_env: dict[str, str], e2e_dir: Path
) -> Iterator[harness.ServerProcess]:
    """The session's ASGI server: ``.url``, ``.ws_url``."""
    server = harness.ServerProcess(e2e_env, e2e_dir)
    server.start()
    _shared.append(server)
    yield server
    _shared.remove(server)
    server.stop()


# Session processes, brought back before each test if an earlier one killed them.
_shared: list[harness.ManagedProcess] = []


@pytest.fixture(autouse=True)
def _e2e_revive() -> None:
    for process in _shared:
        if not process.alive:
            process.start()


class Spawner:
    """Extra servers and workers for one test, stopped when it ends."""

    # Names stay unique over the session, so no test overwrites another's log.
    _numbers = itertools.count(1)

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.processes: list[harness.ManagedProcess] = []

    def worker(self, name: str | None = None) -> harness.WorkerProcess:
        name = name or f"worker-extra-{next(self._numbers)}"
        return self._start(harness.WorkerProcess(self.env, self.log_dir, name=name))

    def server(self, name: str | None = None) -> harness.ServerProcess:
        name = name or f"server-extra-{next(self._numbers)}"
        return self._start(harness.ServerProcess(self.env, self.log_dir, name=name))

    def _start(self, process: P) -> P:
        self.processes.append(process)
        process.start()
        return process

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()


@pytest.fixture
def e2e_spawn(
    e2e_database: harness.TestDatabase, e2e_env: dict[str, str], e2e_dir: Path
) -> Iterator[Spawner]:
    """Start more workers or servers: ``e2e_spawn.worker()``, ``.server()``."""
    spawner = Spawner(e2e_env, e2e_dir)
    yield spawner
    spawner.stop_all()
