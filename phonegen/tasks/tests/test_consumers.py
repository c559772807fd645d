"""The task WebSocket consumers over the application's routing and authentication,
with events published through the in-process channel layer."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings

from phonegen.tasks.consumers import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
    Outbox,
)
from phonegen.tasks.models import TaskType

from .helpers import (
    RelayCounter,
    close_code,
    make_task,
    publish,
    socket,
    stalled_client,
)

# The consumer reads the database from a thread of its own: what a test sets up
# must be committed.
SOCKET_TEST = [
    pytest.mark.anyio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]


def _cookie(session_key: str) -> tuple[bytes, bytes]:
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode())


class RefusalTests:
    pytestmark = SOCKET_TEST

    @pytest.mark.parametrize(
        "path", ["/ws/tasks/alice", "/ws/tasks/", "/ws/nope/alice/", "/api/projects/"]
    )
    async def test_it_closes_a_path_that_is_no_route(self, alice_token, path):
        assert await close_code(socket(f"{path}?token={alice_token}")) == (
            CLOSE_NOT_FOUND
        )

    async def test_it_refuses_a_socket_without_credentials(self, alice):
        assert await close_code(socket("/ws/tasks/alice/")) == CLOSE_UNAUTHENTICATED

    async def test_it_refuses_an_unknown_token(self, alice_token):
        path = "/ws/tasks/alice/?token=0123456789abcdef0123456789abcdef01234567"
        assert await close_code(socket(path)) == CLOSE_UNAUTHENTICATED

    async def test_it_refuses_a_bad_token_even_beside_a_valid_session(
        self, alice_session
    ):
        communicator = socket(
            "/ws/tasks/alice/?token=not-a-token", headers=[_cookie(alice_session)]
        )
        assert await close_code(communicator) == CLOSE_UNAUTHENTICATED

    @pytest.mark.parametrize("order", ["first", "last"])
    async def test_it_refuses_a_token_given_beside_another(self, alice_token, order):
        tokens = [alice_token, "not-a-token"]
        if order == "last":
            tokens.reverse()
        path = f"/ws/tasks/alice/?token={tokens[0]}&token={tokens[1]}"
        assert await close_code(socket(path)) == CLOSE_UNAUTHENTICATED

    async def test_it_refuses_another_users_id(self, alice_token, bob):
        path = f"/ws/tasks/bob/?token={alice_token}"
        assert await close_code(socket(path)) == CLOSE_FORBIDDEN

    async def test_it_refuses_another_users_id_on_the_generation_route(
        self, alice_token, bob
    ):
        path = f"/ws/phone-generation/bob/?token={alice_token}"
        assert await close_code(socket(path)) == CLOSE_FORBIDDEN

    async def test_it_refuses_an_inactive_users_token(self, alice, alice_token):
        alice.is_active = False
        await sync_to_async(alice.save)()
        path = f"/ws/tasks/alice/?token={alice_token}"
        assert await close_code(socket(path)) == CLOSE_UNAUTHENTICATED

    async def test_it_ignores_a_session_cookie_sent_by_another_sites_page(
        self, alice_session
    ):
        communicator = socket(
            "/ws/tasks/alice/",
            headers=[
                (b"host", b"127.0.0.1:6161"),
                (b"origin", b"https://elsewhere.example"),
                _cookie(alice_session),
            ],
        )
        assert await close_code(communicator) == CLOSE_UNAUTHENTICATED


class SessionTests:
    pytestmark = SOCKET_TEST

    async def test_it_accepts_a_session_cookie(self, alice, alice_session):
        communicator = socket("/ws/tasks/alice/", headers=[_cookie(alice_session)])
        connected, _ = await communicator.connect()
        assert connected
        task = await sync_to_async(make_task)(alice)

        await publish(task, "task_started")

        message = await communicator.receive_json_from()
        assert message["type"] == "task_started"
        assert message["task_id"] == str(task.task_id)
        await communicator.disconnect()

    async def test_it_accepts_a_session_cookie_from_its_own_pages(
        self, alice, alice_session
    ):
        communicator = socket(
            "/ws/tasks/alice/",
            headers=[
                (b"host", b"127.0.0.1:6161"),
                (b"origin", b"http://127.0.0.1:6161"),
                _cookie(alice_session),
            ],
        )
        connected, _ = await communicator.connect()
        assert connected
        task = await sync_to_async(make_task)(alice)

        await publish(task, "task_completed")

        message = await communicator.receive_json_from()
        assert (message["type"], message["task_id"]) == (
            "task_completed",
            str(task.task_id),
        )
        await communicator.disconnect()


class DeliveryTests:
    pytestmark = SOCKET_TEST

    async def test_it_sends_each_user_only_their_own_events(
        self, alice, bob, alice_token, bob_token
    ):
        alice_socket = socket(f"/ws/tasks/alice/?token={alice_token}")
        bob_socket = socket(f"/ws/tasks/bob/?token={bob_token}")
        assert (await alice_socket.connect())[0]
        assert (await bob_socket.connect())[0]
        alice_task = await sync_to_async(make_task)(alice)
        bob_task = await sync_to_async(make_task)(bob)

        for event_type in ("task_started", "task_progress", "task_completed"):
            await publish(alice_task, event_type)
            await publish(bob_task, event_type)

        for communicator, own in ((alice_socket, alice_task), (bob_socket, bob_task)):
            received = [await communicator.receive_json_from() for _ in range(3)]
            assert {m["task_id"] for m in received} == {str(own.task_id)}
            assert [m["type"] for m in received] == [
                "task_started",
                "task_progress",
                "task_completed",
            ]
            assert await communicator.receive_nothing(timeout=0.3)
            await communicator.disconnect()

    async def test_it_carries_the_task_fields(self, alice, alice_token):
        communicator = socket(f"/ws/tasks/alice/?token={alice_token}")
        assert (await communicator.connect())[0]
        task = await sync_to_async(make_task)(
            alice,
            processed_items=2_000,
            successful_items=2_000,
            progress=20,
            current_step="Stored 2,000 of 10,000 numbers",
        )

        await publish(task, "task_progress")

        message = await communicator.receive_json_from()
        assert message["type"] == "task_progress"
        assert message["task_id"] == str(task.task_id)
        assert message["task_type"] == "generation"
        assert message["status"] == "in_progress"
        assert message["progress"] == 20
        assert message["processed_items"] == 2_000
        assert message["total_items"] == 10_000
        assert message["current_step"] == "Stored 2,000 of 10,000 numbers"
        await communicator.disconnect()

    async def test_it_sends_running_tasks_on_connect(self, alice, alice_token):
        running = await sync_to_async(make_task)(
            alice, processed_items=4_000, progress=40
        )
        await sync_to_async(make_task)(alice, status="completed")
        communicator = socket(f"/ws/tasks/alice/?token={alice_token}")

        assert (await communicator.connect())[0]

        message = await communicator.receive_json_from()
        assert message["type"] == "task_progress"
        assert message["task_id"] == str(running.task_id)
        assert message["processed_items"] == 4_000
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async def test_it_drops_progress_older_than_the_state_sent_on_connect(
        self, alice, alice_token
    ):
        task = await sync_to_async(make_task)(alice, processed_items=4_000)
        communicator = socket(f"/ws/tasks/alice/?token={alice_token}")
        assert (await communicator.connect())[0]
        assert (await communicator.receive_json_from())["processed_items"] == 4_000

        task.processed_items = 3_000
        await publish(task, "task_progress")
        task.processed_items = 5_000
        await publish(task, "task_progress")

        message = await communicator.receive_json_from()
        assert message["processed_items"] == 5_000
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async def test_it_keeps_the_generation_route_to_generation_tasks(
        self, alice, alice_token
    ):
        generation_socket = socket(f"/ws/phone-generation/alice/?token={alice_token}")
        all_socket = socket(f"/ws/tasks/alice/?token={alice_token}")
        assert (await generation_socket.connect())[0]
        assert (await all_socket.connect())[0]
        validation = await sync_to_async(make_task)(alice, TaskType.VALIDATION)
        generation = await sync_to_async(make_task)(alice)

        await publish(validation, "task_started")
        await publish(generation, "task_started")

        message = await generation_socket.receive_json_from()
        assert message["task_id"] == str(generation.task_id)
        assert await generation_socket.receive_nothing(timeout=0.3)
        received = [await all_socket.receive_json_from() for _ in range(2)]
        assert [m["task_id"] for m in received] == [
            str(validation.task_id),
            str(generation.task_id),
        ]
        await generation_socket.disconnect()
        await all_socket.disconnect()

    async def test_it_sends_only_running_generation_tasks_on_the_generation_route(
        self, alice, alice_token
    ):
        await sync_to_async(make_task)(alice, TaskType.VALIDATION)
        generation = await sync_to_async(make_task)(alice)
        communicator = socket(f"/ws/phone-generation/alice/?token={alice_token}")

        assert (await communicator.connect())[0]

        message = await communicator.receive_json_from()
        assert message["task_id"] == str(generation.task_id)
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async def test_it_delivers_the_final_event_to_a_client_that_stalled(
        self, alice, alice_token, monkeypatch
    ):
        relays = RelayCounter(monkeypatch)
        gate = asyncio.Event()
        communicator = socket(
            f"/ws/tasks/alice/?token={alice_token}", app=stalled_client(gate)
        )
        assert (await communicator.connect())[0]
        task = await sync_to_async(make_task)(alice, total_items=1_000)

        # More events than the in-process layer holds for a channel (100)
        # while the socket takes nothing. Each is read by the consumer before
        # the next goes out, so what is tested is the consumer's queue, not how
        # far a busy machine lets the consumer fall behind the publisher.
        for processed in range(1, 151):
            task.processed_items = processed
            await publish(task, "task_progress")
            await relays.reach(processed)
        await publish(task, "task_completed")
        await relays.reach(151)
        gate.set()

        received = []
        while not received or received[-1]["type"] != "task_completed":
            received.append(await communicator.receive_json_from())
        sent = [(m["type"], m["processed_items"]) for m in received]
        # The progress the held send carried (1, unless the consumer took in
        # more before its sender picked it up), then one progress for the
        # rest: without the coalescing, all 149 would wait for the socket.
        assert sent[-2:] == [("task_progress", 150), ("task_completed", 150)], sent
        assert len(sent) <= 3, sent
        assert sent[0][0] == "task_progress", sent
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async def test_it_ignores_what_the_client_sends(self, alice, alice_token):
        communicator = socket(f"/ws/tasks/alice/?token={alice_token}")
        assert (await communicator.connect())[0]
        task = await sync_to_async(make_task)(alice)

        await communicator.send_to(text_data="not json")
        await communicator.send_json_to({"type": "task_completed"})
        await publish(task, "task_started")

        assert (await communicator.receive_json_from())["type"] == ("task_started")
        await communicator.disconnect()


def _progress(task_id: str, processed: int) -> dict:
    return {"task_id": task_id, "processed_items": processed}


class OutboxTests:
    """The queue between the channel layer and a (possibly slow) client."""

    def _drain(self, outbox: Outbox) -> list[tuple[str, str, int]]:
        sent = []
        while (message := outbox.get()) is not None:
            sent.append(
                (message["type"], message["task_id"], message["processed_items"])
            )
        return sent

    def test_it_keeps_only_the_newest_waiting_progress_of_a_task(self):
        outbox = Outbox()
        outbox.put("task_started", _progress("a", 0))
        for processed in (1_000, 2_000, 3_000):
            outbox.put("task_progress", _progress("a", processed))
        outbox.put("task_progress", _progress("b", 500))
        outbox.put("task_progress", _progress("a", 4_000))

        assert self._drain(outbox) == [
            ("task_started", "a", 0),
            ("task_progress", "a", 4_000),
            ("task_progress", "b", 500),
        ]

    def test_it_never_drops_a_final_event(self):
        outbox = Outbox()
        outbox.put("task_progress", _progress("a", 9_000))
        outbox.put("task_progress", _progress("a", 10_000))
        outbox.put("task_completed", _progress("a", 10_000))
        outbox.put("task_cancelled", _progress("b", 300))

        assert self._drain(outbox) == [
            ("task_progress", "a", 10_000),
            ("task_completed", "a", 10_000),
            ("task_cancelled", "b", 300),
        ]

    def test_it_sends_progress_again_once_the_waiting_one_went_out(self):
        outbox = Outbox()
        outbox.put("task_progress", _progress("a", 1_000))
        assert self._drain(outbox) == [("task_progress", "a", 1_000)]

        outbox.put("task_progress", _progress("a", 2_000))

        assert self._drain(outbox) == [("task_progress", "a", 2_000)]
        assert not outbox.ready.is_set()

    def test_it_sends_nothing_for_a_task_after_its_final_event(self):
        outbox = Outbox()
        outbox.put("task_completed", _progress("a", 10_000))
        outbox.put("task_completed", _progress("a", 10_000))
        outbox.put("task_progress", _progress("a", 10_000))

        assert self._drain(outbox) == [("task_completed", "a", 10_000)]

    def test_it_lets_a_new_attempt_count_from_the_start(self):
        outbox = Outbox()
        outbox.put("task_progress", _progress("a", 5_000))
        outbox.put("task_progress", _progress("a", 4_000))
        outbox.put("task_started", _progress("a", 5_000))
        outbox.put("task_progress", _progress("a", 1_000))

        assert self._drain(outbox) == [
            ("task_progress", "a", 5_000),
            ("task_started", "a", 5_000),
            ("task_progress", "a", 1_000),
        ]
