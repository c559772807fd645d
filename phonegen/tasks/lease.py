"""Who may run a task: a lease held by one runner, kept alive by its heartbeat.

A runner takes the lease in ``task_start`` by moving the task to
``in_progress`` and counting one more attempt; the attempt number is the
lease's token. While the runner works, a thread renews ``heartbeat_at`` every
quarter of the lease. A task whose heartbeat is older than the lease has lost
its runner (a killed worker, a lost machine): the periodic recovery hands it to
another runner, and every later write of the old one, fenced by the attempt
number, finds that it no longer holds the lease and rolls its batch back.
"""

import logging
import threading
from datetime import timedelta
from typing import Self

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import Task, TaskStatus

logger = logging.getLogger(__name__)


class TaskLeaseLost(Exception):
    """Raised inside a runner whose task another runner has taken over."""


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.PHONEGEN_TASK_LEASE_SECONDS)


def lease_expired_before(now=None):
    """The moment before which a heartbeat means its runner is gone."""
    return (now or timezone.now()) - lease_duration()


def held_by(task: Task):
    """The tasks rows still leased to the runner that holds ``task``."""
    return Task.objects.filter(
        pk=task.pk, attempts=task.attempts, status=TaskStatus.IN_PROGRESS
    )


class Heartbeat:
    """Renews the lease of ``task`` from a thread while the runner works.

    Batches renew it too, but one step can last longer than a batch (reading a
    big upload, waiting for a lock); the thread keeps a live runner's lease
    whatever it is doing, so only a dead runner loses it.
    """

    def __init__(self, task: Task) -> None:
        self.task = task
        self.interval = max(1.0, settings.PHONEGEN_TASK_LEASE_SECONDS / 4)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{task.pk}", daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                if not self._beat():
                    return
        finally:
            connection.close()

    def _beat(self) -> bool:
        try:
            renewed = held_by(self.task).update(heartbeat_at=timezone.now())
        except DatabaseError as error:
            # The batch in the runner's own thread will meet the same trouble
            # and deal with it; the heartbeat only tries again.
            logger.warning("task %s: heartbeat failed: %s", self.task.pk, error)
            connection.close()
            return True
        if not renewed:
            logger.warning("task %s: lease lost, heartbeat stops", self.task.pk)
        return bool(renewed)
