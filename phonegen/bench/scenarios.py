"""The steps of the bench on each database, each recorded as a :class:`Step`."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from . import floor
from .api import Client, TaskRun
from .baseline import phonenumbers_validate, sample_numbers
from .deploy import (
    USER,
    Deployment,
    postgres_checkpoint,
    postgres_deployment,
    server_version,
    sqlite_deployment,
)
from .procs import memory_kb
from .report import LOCAL, Report, Step

logger = logging.getLogger(__name__)

# How many numbers phonenumbers checks one by one (fewer in a smaller run).
BASELINE_SIZE = 100_000
# Numbers of the task that warms a fresh process up before a measured one.
WARM_UP = 1000
FILTERS = {"carrier_filter": "T-Mobile", "type_filter": "mobile"}


def postgres_run(report: Report, quantity: int, work_dir: Path) -> None:
    with postgres_deployment(work_dir) as dep, _logs_on_error(dep):
        report.context["PostgreSQL"] = server_version(dep.database)
        settle = partial(postgres_checkpoint, dep.database)
        project, plain, filtered = _generations(report, dep, quantity, settle)

        for key, run in (("floor", plain), ("floor_filtered", filtered)):
            settle()
            seconds = floor.postgres_floor(dep.database, run.task_id)
            report.add(
                Step(key, dep.name, _floor_label(key, "COPY"), run.items, seconds)
            )
        floor.postgres_floor_drop(dep.database)

        settle()
        _validation(report, dep, project, quantity)
        _baseline(report, dep, plain)

        # The same task at a tenth of the size: memory must not follow size.
        settle()
        project = _project(dep, "memory")
        _task(
            report, dep, "gen_small", "generate 917, no filter, 1/10",
            lambda client: client.generate(project, "917", quantity // 10),
        )  # fmt: skip


def sqlite_run(report: Report, quantity: int, work_dir: Path) -> None:
    with sqlite_deployment(work_dir) as dep, _logs_on_error(dep):
        project, plain, filtered = _generations(report, dep, quantity, _nothing)
        for key, run in (("floor", plain), ("floor_filtered", filtered)):
            seconds = floor.sqlite_floor(dep.database, run.task_id)
            label = _floor_label(key, "INSERT")
            report.add(Step(key, dep.name, label, run.items, seconds))
        floor.sqlite_floor_drop(dep.database)
        _validation(report, dep, project, quantity)


def _nothing() -> None:
    # SQLite has no checkpoint worth forcing between steps.
    return None


def _generations(
    report: Report, dep: Deployment, quantity: int, settle: Callable[[], None]
) -> tuple[int, TaskRun, TaskRun]:
    """Generate without and with filters, each into a new project; return the
    unfiltered project and both runs."""
    settle()
    project = _project(dep, "plain")
    plain = _task(
        report, dep, "gen", "generate 917, no filter",
        lambda client: client.generate(project, "917", quantity),
    )  # fmt: skip
    settle()
    other = _project(dep, "filtered")
    filtered = _task(
        report, dep, "gen_filtered", "generate 347, T-Mobile mobile",
        lambda client: client.generate(other, "347", quantity, **FILTERS),
    )  # fmt: skip
    return project, plain, filtered


def _validation(report: Report, dep: Deployment, project: int, quantity: int) -> None:
    _task(
        report, dep, "validate", "validate the 917 numbers",
        lambda client: client.validate(project, quantity),
    )  # fmt: skip


def _baseline(report: Report, dep: Deployment, plain: TaskRun) -> None:
    numbers = sample_numbers(dep.database, plain.task_id, BASELINE_SIZE)
    seconds, valid = phonenumbers_validate(numbers)
    if valid != len(numbers):
        logger.warning("phonenumbers: %d of %d valid", valid, len(numbers))
    label = "phonenumbers, one by one"
    report.add(Step("phonenumbers", LOCAL, label, len(numbers), seconds))


def _task(
    report: Report,
    dep: Deployment,
    key: str,
    label: str,
    start: Callable[[Client], TaskRun],
) -> TaskRun:
    """Run one task on a freshly started task process, so that the peak memory
    read afterwards is that task's.

    A small task runs first: a worker that has served one task is what users
    meet, and the first task of a process pays for its imports and connections.
    """
    dep.task_process.restart()
    pid = dep.task_process.task_pid()
    client = Client(dep.server.url, dep.token, USER)
    try:
        client.generate(_project(dep, f"warm-up-{key}"), "917", WARM_UP)
        idle = memory_kb(pid, "VmRSS")
        run = start(client)
    finally:
        client.close()
    peak = memory_kb(pid)

    latency = None
    if run.latencies:
        latency = (run.latency_median * 1000, run.latency_p95 * 1000)
    report.add(
        Step(
            key, dep.name, label, run.items, run.seconds,
            task_seconds=run.result.get("seconds"),
            peak_mb=peak / 1024, idle_mb=idle / 1024, latency_ms=latency,
        )
    )  # fmt: skip
    logger.info("%s %s: %d in %.2fs", dep.name, label, run.items, run.seconds)
    return run


def _project(dep: Deployment, name: str) -> int:
    client = Client(dep.server.url, dep.token, USER)
    try:
        return client.project_create(f"bench-{name}")
    finally:
        client.close()


def _floor_label(key: str, how: str) -> str:
    which = "filtered" if key.endswith("filtered") else "no filter"
    return f"floor ({how}), {which}"


@contextmanager
def _logs_on_error(dep: Deployment) -> Iterator[None]:
    """Log the tails of the deployment's process logs when a step fails."""
    try:
        yield
    except Exception:
        for service in dep.services:
            logger.error(
                "%s log %s:\n%s", service.name, service.log_path, service.tail()
            )
        raise
