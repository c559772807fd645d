"""Deployments the bench sets up for itself, and takes down again.

PostgreSQL: a fresh database, Redis db 15, one server and one Celery worker.
SQLite: the embedded default in a temporary var/ folder, tasks in threads of
the one server process. Both get the prefixes of the area codes the bench
uses and a user with a token.
"""

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from psycopg import sql

from .procs import ManagedProcess, Server, Worker, manage

logger = logging.getLogger(__name__)

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "phonegen_bench"
REDIS_URL = "redis://127.0.0.1:6379/15"
AREA_CODES = "917,347"
USER = "bench"
# Settings of the shell that started the bench must not leak into the product.
CLEARED = (
    "DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "PHONEGEN_VAR_DIR",
    "PHONEGEN_TASK_RUNNER", "PHONEGEN_THREAD_WORKERS", "SECRET_KEY", "DEBUG",
)  # fmt: skip


@dataclass
class Deployment:
    name: str
    env: dict[str, str]
    server: Server
    worker: Worker | None
    token: str
    database: str  # a PostgreSQL URL or an SQLite path

    @property
    def task_process(self) -> ManagedProcess:
        """The process whose memory a task's work shows up in."""
        return self.worker or self.server

    @property
    def services(self) -> list[ManagedProcess]:
        return [s for s in (self.server, self.worker) if s is not None]


def _base_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "phonegen.config.settings",
            "PHONEGEN_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _setup(env: dict[str, str]) -> str:
    """Migrate, load the prefixes, create the user; return its token."""
    manage(env, "migrate", "--noinput")
    # In the order `make run` loads them.
    for source in ("libphonenumber", "nanpa-blocks"):
        manage(env, "load_prefixes", "--source", source, "--npa", AREA_CODES)
    password = secrets.token_urlsafe(12)
    out = manage(env, "phonegen_user", USER, "--password", password, "--token-only")
    return out.strip()


@contextmanager
def postgres_deployment(work_dir: Path) -> Iterator[Deployment]:
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DATABASE}"
    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()
    _database_drop()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DATABASE)))
    logger.info("database %s created", PG_DATABASE)

    env = _base_env(work_dir / "var-postgres")
    env.update(
        {
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": secrets.token_urlsafe(40),
        }
    )
    log_dir = work_dir / "logs-postgres"
    log_dir.mkdir()
    server = Server(env, log_dir)
    worker = Worker(env, log_dir)
    try:
        token = _setup(env)
        server.start()
        worker.start()
        yield Deployment("PostgreSQL", env, server, worker, token, url)
    finally:
        worker.stop()
        server.stop()
        _database_drop()
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()


def _database_drop() -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        # FORCE: a killed earlier run may have left connections behind.
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(PG_DATABASE)
            )
        )


def postgres_checkpoint(url: str) -> None:
    """Flush what earlier steps wrote, so a timed step does not pay for it."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


@contextmanager
def sqlite_deployment(work_dir: Path) -> Iterator[Deployment]:
    var_dir = work_dir / "var-sqlite"
    path = var_dir / "phonegen.sqlite3"
    env = _base_env(var_dir)
    env["SQLITE_PATH"] = str(path)
    log_dir = work_dir / "logs-sqlite"
    log_dir.mkdir()
    server = Server(env, log_dir)
    try:
        token = _setup(env)
        server.start()
        yield Deployment("SQLite", env, server, None, token, str(path))
    finally:
        server.stop()


def server_version(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]
