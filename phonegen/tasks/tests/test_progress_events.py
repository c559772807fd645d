"""Which task events reach a client, and when: the progress throttle, the
progress that must never be skipped, and events published only once committed."""

import time

import pytest
from asgiref.sync import sync_to_async

from phonegen.tasks import services
from phonegen.tasks.events import Throttle
from phonegen.tasks.models import Task, TaskStatus
from phonegen.tasks.services import ProgressReporter, task_start

from .helpers import make_task, socket

SOCKET_TEST = [
    pytest.mark.anyio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


class ThrottleTests:
    # Steps of binary fractions, so the clock's sums are exact.
    def test_it_lets_the_first_event_through_then_waits_the_interval(self):
        clock = Clock()
        throttle = Throttle(0.25, clock=clock)

        assert throttle.ready()
        clock.now += 0.125
        assert not throttle.ready()
        clock.now += 0.125
        assert throttle.ready()

    def test_it_lets_a_forced_event_through_and_restarts_the_interval(self):
        clock = Clock()
        throttle = Throttle(0.25, clock=clock)
        assert throttle.ready()

        clock.now += 0.125
        assert throttle.ready(force=True)
        clock.now += 0.125
        assert not throttle.ready()
        clock.now += 0.125
        assert throttle.ready()

    def test_it_lets_the_first_event_through_whatever_the_clock_reads(self):
        clock = Clock()
        clock.now = 0.0
        assert Throttle(3600, clock=clock).ready()


def _advance_all(reporter: ProgressReporter, counts: list[int], pause: float) -> None:
    for processed in counts:
        reporter.advance(processed=processed, successful=processed)
        time.sleep(pause)


async def _received(communicator, n: int) -> list[tuple[str, int]]:
    messages = [await communicator.receive_json_from() for _ in range(n)]
    return [(m["type"], m["processed_items"]) for m in messages]


class ProgressReporterTests:
    pytestmark = SOCKET_TEST

    async def test_it_never_throttles_away_the_progress_that_reaches_the_total(
        self, alice, alice_token, monkeypatch
    ):
        # One event an hour: however slowly a busy machine runs the batches,
        # only the first and the last may go.
        monkeypatch.setattr(services, "PROGRESS_EVENTS_PER_SECOND", 1 / 3600)
        communicator = socket(f"/ws/tasks/alice/?token={alice_token}")
        task = await sync_to_async(make_task)(alice, total_items=4_000)
        assert (await communicator.connect())[0]
        await communicator.receive_json_from()  # the state on connect

        reporter = ProgressReporter(task)
        await sync_to_async(_advance_all)(reporter, [1_000, 2_000, 3_000, 4_000], 0)

        # Batches within the interval share one event, but the last one always
        # goes.
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
        await communicator.receive_json_from()

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

        message = await communicator.receive_json_from()
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

        message = await communicator.receive_json_from()
        stored = await sync_to_async(Task.objects.get)(pk=task.pk)
        assert started is None
        assert (message["type"], message["status"]) == ("task_cancelled", "cancelled")
        assert stored.status == TaskStatus.CANCELLED
        await communicator.disconnect()
