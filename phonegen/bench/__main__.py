"""``python -m phonegen.bench [--quick] [--skip-sqlite]``: see :mod:`phonegen.bench`.

Exits 0 when every step ran, whether or not the targets hold (it is a
measurement), and 1 when a step failed.
"""

import argparse
import logging
import os
import platform
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from .render import render
from .report import Report
from .scenarios import postgres_run, sqlite_run

logger = logging.getLogger("phonegen.bench")

FULL = 1_000_000
QUICK = 100_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m phonegen.bench")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK:,} numbers per task instead of {FULL:,}",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--keep-logs",
        action="store_true",
        help="keep the temporary folder with the logs of the server and worker",
    )
    options = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    # One line per progress poll would bury the bench's own messages.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # SIGTERM ends the run like Ctrl-C, through the clean-up of every step.
    signal.signal(signal.SIGTERM, _interrupt)

    quantity = QUICK if options.quick else FULL
    report = Report(quantity=quantity, context=_context())
    runs = [("PostgreSQL", postgres_run)]
    if not options.skip_sqlite:
        runs.append(("SQLite", sqlite_run))

    work_dir = Path(tempfile.mkdtemp(prefix="phonegen-bench-"))
    started = time.monotonic()
    try:
        for name, run in runs:
            try:
                run(report, quantity, work_dir)
            except Exception as error:
                logger.exception("%s run failed", name)
                report.errors.append(f"{name}: {type(error).__name__}: {error}")
    finally:
        if options.keep_logs:
            logger.info("logs kept in %s", work_dir)
        else:
            shutil.rmtree(work_dir, ignore_errors=True)

    report.context["bench run time"] = f"{time.monotonic() - started:.0f}s"
    sys.stdout.write(render(report))
    return 1 if report.errors else 0


def _context() -> dict[str, str]:
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    return {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, load average {load} at start",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
    }


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
