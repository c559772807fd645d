"""Fixtures every test folder shares."""

import faulthandler
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

# The sample inputs live beside the checkout, in shared/data; they are read from
# there and never copied into the project.
SHARED_DATA = Path(
    os.environ.get(
        "PHONEGEN_SHARED_DATA",
        Path(__file__).resolve().parent.parent / "shared" / "data",
    )
)


def shared_data_path(name: str) -> Path:
    """The path of a sample input; skips (or, in CI, fails) the test without it."""
    path = SHARED_DATA / name
    if not path.is_file():
        message = (
            f"sample input {path} not found; set PHONEGEN_SHARED_DATA to the folder "
            "holding numbers-messy.csv, allutlzd-sample.txt and "
            "prefixes-original-format.json"
        )
        if os.environ.get("PHONEGEN_E2E_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def shared_data():
    """``shared_data("numbers-messy.csv")`` gives that sample input's path."""
    return shared_data_path


@pytest.fixture
def json_sample() -> Path:
    return shared_data_path("prefixes-original-format.json")


@pytest.fixture
def nanpa_sample() -> Path:
    return shared_data_path("allutlzd-sample.txt")


@pytest.fixture
def messy_csv() -> Path:
    return shared_data_path("numbers-messy.csv")


# A run must end, and say why when it cannot. `make test` stops a run that
# outlives its limit with SIGTERM: every thread's stack goes to the log first.
# A process that has finished its tests but will not exit (a thread that never
# returns holds up the interpreter's shutdown) prints its stacks and leaves
# with the tests' own exit status.
EXIT_GRACE_SECONDS = 120


def pytest_configure(config):
    # A copy of stderr: while a test runs, pytest points descriptor 2 at its
    # capture file, which nobody reads once the process is gone.
    stderr = os.fdopen(os.dup(sys.stderr.fileno()), "w")
    config.stash[_STDERR] = stderr
    faulthandler.register(signal.SIGTERM, file=stderr, all_threads=True, chain=True)


def pytest_sessionfinish(session, exitstatus):
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


def pytest_unconfigure(config):
    status = config.stash.get(_EXIT_STATUS, 1)
    threading.Thread(
        target=_exit_if_stuck,
        args=(status, config.stash[_STDERR]),
        name="exit-watchdog",
        daemon=True,
    ).start()


_EXIT_STATUS = pytest.StashKey[int]()
_STDERR = pytest.StashKey[object]()


def _exit_if_stuck(status: int, stderr) -> None:
    time.sleep(EXIT_GRACE_SECONDS)
    stderr.write(
        f"\nphonegen tests: the run finished but the process had not exited "
        f"{EXIT_GRACE_SECONDS} s later; its threads:\n"
    )
    stderr.flush()
    faulthandler.dump_traceback(file=stderr, all_threads=True)
    stderr.flush()
    os._exit(status)
