"""Run a task with the runner's code in a thread; draw its progress meanwhile."""

import sys
import threading

from tqdm import tqdm

POLL_SECONDS = 0.2


def task_follow(task, *, label: str, unit: str, show: bool | None):
    """Run ``task`` to its end and return its final row.

    The runner works in a thread with its own database connection; this
    thread reads the task's row, as an API client polling it would, and
    draws the bar. Ctrl-C asks the task to cancel and waits for it to stop at
    the end of its batch; a second Ctrl-C leaves at once.
    """
    from django.db import connection, connections

    from phonegen.errors import Conflict
    from phonegen.tasks.models import Task
    from phonegen.tasks.runner import task_run
    from phonegen.tasks.services import task_cancel

    # An Event, not Thread.join(): on Python 3.11 a Ctrl-C that interrupts
    # join() leaves the thread marked finished while it still runs.
    done = threading.Event()

    def work() -> None:
        try:
            task_run(task.task_id)
        finally:
            connections.close_all()
            done.set()

    runner = threading.Thread(target=work, name="phonegen-cli-task", daemon=True)
    # None lets tqdm decide: no bar unless stderr is a terminal.
    bar = tqdm(
        desc=label,
        total=task.total_items or None,
        unit=unit,
        unit_scale=True,
        disable=None if show is None else not show,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    runner.start()
    try:
        while not done.wait(POLL_SECONDS):
            _draw(bar, Task.objects.get(pk=task.pk))
        _draw(bar, Task.objects.get(pk=task.pk))
    except KeyboardInterrupt:
        sys.stderr.write("\nphonegen: cancelling after the current batch...\n")
        # The interrupted query may have left its connection reading an old
        # snapshot; a new connection sees what the runner writes.
        connection.close()
        try:
            task_cancel(task=Task.objects.get(pk=task.pk))
        except Conflict:
            pass  # it finished meanwhile
        done.wait()
    finally:
        bar.close()
    return Task.objects.get(pk=task.pk)


def _draw(bar: tqdm, task) -> None:
    if task.total_items and bar.total != task.total_items:
        bar.total = task.total_items
    bar.n = task.processed_items
    bar.refresh()
