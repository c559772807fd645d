"""Real processes for end-to-end tests.

A fresh PostgreSQL database, Celery workers and ASGI servers started as
subprocesses of the test run, each writing its log to a file, so that a test
sees the product as a deployment runs it: over HTTP, WebSockets, the broker
and the database, with nothing mocked. ``tests/conftest.py`` wraps these in
fixtures.
"""

from __future__ import annotations

import atexit
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
from psycopg import sql

from phonegen.bench import procs
from phonegen.bench.procs import free_port

ROOT = Path(__file__).resolve().parent.parent
MANAGE_PY = ROOT / "manage.py"
PYTHON = sys.executable

PG_ADMIN_URL = os.environ.get(
    "PHONEGEN_E2E_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
# A Redis database of its own, so that e2e runs neither see nor flush the
# broker queues of a service running on the same Redis.
REDIS_URL = os.environ.get("PHONEGEN_E2E_REDIS_URL", "redis://127.0.0.1:6379/14")

DB_PREFIX = "phonegen_e2e_"
START_TIMEOUT = procs.START_TIMEOUT
STOP_TIMEOUT = 15.0
TAIL_LINES = 40

# Every process started in this test run, for the log tails of a failure report.
STARTED: list[ManagedProcess] = []


class ProcessError(RuntimeError):
    """A process did not start, or a command failed; the message has its log."""


def postgres_problem(url: str = PG_ADMIN_URL) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used, or None when it can."""
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL at {_without_password(url)} is unreachable: {exc}"
    return None


def redis_problem(url: str = REDIS_URL) -> str | None:
    """Why Redis at ``url`` cannot be used, or None when it can."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis at {url} is unreachable: {exc}"
    return None


def flush_redis(url: str = REDIS_URL) -> None:
    redis.Redis.from_url(url, socket_connect_timeout=3).flushdb()


def e2e_environment(
    *, database_url: str, redis_url: str, var_dir: Path
) -> dict[str, str]:
    """The environment of every e2e subprocess: one database, one Redis, one key."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "PHONEGEN_TASK_RUNNER", "SQLITE_PATH"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "phonegen.config.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": secrets.token_urlsafe(40),
            "PHONEGEN_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "INFO",
            # Every e2e client calls from 127.0.0.1: the password-guessing limit
            # on the token endpoint would otherwise be shared by all the tests.
            "PHONEGEN_TOKEN_REQUESTS_PER_MINUTE": "100000",
            # Logs reach their files as they happen, not when a buffer fills.
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_manage(
    env: Mapping[str, str], *args: str, check: bool = True, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py ARGS`` in a subprocess; raise with its output if it fails."""
    result = subprocess.run(
        [PYTHON, str(MANAGE_PY), *args],
        check=False,
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check and result.returncode != 0:
        raise ProcessError(
            f"manage.py {' '.join(args)} exited with {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


class TestDatabase:
    """A uniquely named PostgreSQL database, dropped by :meth:`drop`."""

    __test__ = False  # a helper, not a test class for pytest to collect

    def __init__(self, admin_url: str = PG_ADMIN_URL) -> None:
        self.admin_url = admin_url
        self.name = f"{DB_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
        parts = urlsplit(admin_url)
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def create(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            _drop_stale_databases(conn)
            conn.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
            )

    def drop(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            # FORCE ends connections a killed process may have left behind.
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.name)
                )
            )

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)


def _drop_stale_databases(conn: psycopg.Connection) -> None:
    """Drop e2e databases left by test runs that died before their cleanup."""
    rows = conn.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s",
        (DB_PREFIX.replace("_", r"\_") + "%",),
    ).fetchall()
    for (name,) in rows:
        match = re.fullmatch(rf"{DB_PREFIX}(\d+)_[0-9a-f]+", name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )


class ManagedProcess(procs.ManagedProcess):
    """A process of an e2e test: killed at exit if its test could not stop it."""

    error = ProcessError
    start_timeout = START_TIMEOUT
    stop_timeout = STOP_TIMEOUT
    tail_lines = TAIL_LINES

    def start(self) -> None:
        if self not in STARTED:
            STARTED.append(self)
        super().start()


class ServerProcess(ManagedProcess, procs.Server):
    """``manage.py serve`` on a free port of 127.0.0.1."""


class WorkerProcess(ManagedProcess, procs.Worker):
    """``celery worker`` with one prefork child on the default queue."""

    def ping(self, within: float = 60.0) -> bool:
        """True once this worker answers ``celery inspect ping`` over the broker;
        a worker just started or busy may miss the first few."""
        deadline = time.monotonic() + within
        while True:
            result = subprocess.run(
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "phonegen.config",
                    "inspect",
                    "ping",
                    f"--destination={self.nodename}",
                    "--timeout=5",
                ],
                check=False,
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=65,
                stdin=subprocess.DEVNULL,
            )
            if result.returncode == 0 and "pong" in result.stdout:
                return True
            if time.monotonic() > deadline:
                return False


class BeatProcess(ManagedProcess):
    """``celery beat``: the periodic clean-up and recovery of the deployment."""

    def __init__(
        self, env: Mapping[str, str], log_dir: Path, *, name: str = "beat"
    ) -> None:
        argv = [
            PYTHON, "-m", "celery", "-A", "phonegen.config", "beat",
            "--loglevel=INFO", f"--schedule={log_dir / f'{name}-schedule'}",
        ]  # fmt: skip
        super().__init__(name, argv, env, log_dir)

    def wait_ready(self) -> None:
        def started() -> bool:
            try:
                return "beat: Starting" in self.log_path.read_text(errors="replace")
            except FileNotFoundError:
                return False

        self.wait_until(started, "started")


class RedisProcess(ManagedProcess):
    """A Redis server of a test's own on a free port, keeping nothing on disk, so
    that a test may kill and restart the broker without touching anyone else's."""

    def __init__(self, log_dir: Path, *, name: str = "redis") -> None:
        self.port = free_port()
        argv = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(log_dir),
        ]  # fmt: skip
        super().__init__(name, argv, {"PATH": os.environ.get("PATH", "")}, log_dir)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def wait_ready(self) -> None:
        self.wait_until(lambda: redis_problem(self.url) is None, "answering PING")


@atexit.register
def _kill_leftovers() -> None:
    # Fixtures stop their processes; this covers a test run that died before.
    for proc in STARTED:
        if proc.alive:
            proc.kill()


def log_tails(lines: int = TAIL_LINES) -> list[tuple[str, str]]:
    """(title, last lines) of every process started in this run."""
    return [
        (f"{proc.name} ({proc.log_path})", proc.tail(lines))
        for proc in STARTED
        if proc.popen is not None
    ]


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
