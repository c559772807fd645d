"""Which task events reach a client, and when: the progress throttle, the
progress that must never be skipped, and events published only once committed."""

import time

import pytest
from asgiref.sync import sync_to_async

from phonegen.tasks.events import Throttle
from phonegen.tasks.models import Task, TaskStatus
from phonegen.tasks.services import ProgressReporter, task_start

from .helpers import make_task, socket

SOCKET_TEST = [
    pytest.mark.anyio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]


class ThrottleTests:
    def test_it_lets_the_first_event_through_then_waits_the_interval(self):
        throttle = Throttle(0.2)

        assert throttle.ready()
        assert not throttle.ready()
        time.sleep(0.25)
        assert throttle.ready()

    def test_it_lets_a_forced_event_through_and_restarts_the_interval(self):
        throttle = Throttle(0.2)
        assert throttle.ready()

        assert throttle.ready(force=True)
        time.sleep(0.1)
        assert not throttle.ready()


def _advance_all(reporter: ProgressReporter, counts: list[int], pause: float) -> None:
    for processed in counts:
        reporter.advance(processed=processed, successful=processed)
        time.sleep(pause)


async def _received(communicator, n: int) -> list[tuple[str, int]]:
    messages = [await communicator.receive_json_from(timeout=2) for _ in range(n)]
    return [(m["type"], m["processed_items"]) for m in messages]


class ProgressReporterTests:
    pytestmark = SOCKET_TEST

    async def test_it_never_throttles_away_the_progress_that_reaches_the_total(
        self, alice, alice_token
    ):
        communicator = socket(f"/ws/tasks/alice/?token={alice_token}")
        task = await sync_to_async(make_task)(alice, total_items=4_000)
        assert (await communicator.connect())[0]
        await communicator.receive_json_from(timeout=2)  # the state on connect

        reporter = ProgressReporter(task)
        await sync_to_async(_advance_all)(reporter, [1_000, 2_000, 3_000, 4_000], 0)

        # Batches this fast share one event a quarter second, but the last one
        # always goes.
        assert await _received(communicator, 2) == [
            ("task_progress", 1_000),
            ("task_progress", 4_000),
        ]
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async def test_it_sends_every_batch_slower_than_the_throttle(
        self, alice, alice_token
    ):
        communicator = socket(f"/ws/tasks/alice/?token={alice_token}")
        task = await sync_to_async(make_task)(alice)
        assert (await communicator.connect())[0]
        await communicator.receive_json_from(timeout=2)

        reporter = ProgressReporter(task)
        await sync_to_async(_advance_all)(reporter, [1_000, 2_000, 3_000], 0.3)

        assert await _received(communicator, 3) == [
            ("task_progress", 1_000),
            ("task_progress", 2_000),
            ("task_progress", 3_000),
        ]
        await communicator.disconnect()


class TaskStartTests:
    pytestmark = SOCKET_TEST

    async def test_it_announces_a_start(self, alice, alice_token):
        communicator = socket(f"/ws/tasks/alice/?token={alice_token}")
        assert (await communicator.connect())[0]
        task = await sync_to_async(make_task)(alice, status=TaskStatus.PENDING)

        started = await sync_to_async(task_start)(task)

        message = await communicator.receive_json_from(timeout=2)
        assert started is not None
        assert (message["type"], message["status"]) == ("task_started", "in_progress")
        await communicator.disconnect()

    async def test_it_announces_a_cancel_asked_before_the_start(
        self, alice, alice_token
    ):
        communicator = socket(f"/ws/tasks/alice/?token={alice_token}")
        assert (await communicator.connect())[0]
        task = await sync_to_async(make_task)(
            alice, status=TaskStatus.PENDING, cancel_requested=True
        )

        started = await sync_to_async(task_start)(task)

        message = await communicator.receive_json_from(timeout=2)
        stored = await sync_to_async(Task.objects.get)(pk=task.pk)
        assert started is None
        assert (message["type"], message["status"]) == ("task_cancelled", "cancelled")
        assert stored.status == TaskStatus.CANCELLED
        await communicator.disconnect()
