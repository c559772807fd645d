"""The command line run as a user runs it: ``python -m phonegen`` in a
subprocess, on an embedded SQLite database of its own."""

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from phonegen.numbers.tests.messy_csv import NPAS

import harness


def cli_environment(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "PHONEGEN_TASK_RUNNER", "SQLITE_PATH"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "phonegen.config.settings",
            "PHONEGEN_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def run_cli(
    env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [harness.PYTHON, "-m", "phonegen", *args],
        cwd=harness.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database with the prefixes of the sample file's NPAs."""
    env = cli_environment(tmp_path_factory.mktemp("cli-var"))
    harness.run_manage(env, "migrate", "--noinput")
    for source in ("libphonenumber", "nanpa-blocks"):
        harness.run_manage(
            env, "load_prefixes", "--source", source, "--npa", ",".join(NPAS)
        )
    return env


@pytest.fixture
def cli(cli_env) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m phonegen ARGS`` against the loaded database."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(cli_env, *args)

    return run


@pytest.fixture
def sqlite_path(cli_env) -> Path:
    return Path(cli_env["PHONEGEN_VAR_DIR"]) / "phonegen.sqlite3"
