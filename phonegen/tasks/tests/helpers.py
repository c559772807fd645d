"""Helpers the task tests share: task records and sockets on the real ASGI stack.

``channels.testing`` cannot be imported without the daphne server installed
(its package imports the live-server test case), so the socket here is a small
WebSocket client on asgiref's ``ApplicationCommunicator``, the base of
Channels' own ``WebsocketCommunicator``, with the same method names.
"""

import asyncio
import json
from urllib.parse import unquote, urlsplit

from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator

from phonegen.config.asgi import application
from phonegen.tasks.consumers import TaskConsumer
from phonegen.tasks.events import task_publish
from phonegen.tasks.models import Task, TaskStatus, TaskType

# How long a step that should succeed may take: generous, since it costs nothing
# when things are fast and a busy machine hops between threads slowly (the
# consumer reaches the database from a thread of its own on connect).
SOCKET_TIMEOUT = 10


def make_task(user, task_type=TaskType.GENERATION, **fields) -> Task:
    """A task record as a running task leaves it."""
    values = {
        "status": TaskStatus.IN_PROGRESS,
        "total_items": 10_000,
        "params": {"area_code": "917", "quantity": 10_000},
    }
    return Task.objects.create(user=user, task_type=task_type, **(values | fields))


class WebsocketCommunicator(ApplicationCommunicator):
    """Talks to the application as a WebSocket client at ``path`` would."""

    def __init__(self, app, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        url = urlsplit(path)
        scope = {
            "type": "websocket",
            "path": unquote(url.path),
            "query_string": url.query.encode(),
            "headers": headers,
            "subprotocols": [],
        }
        super().__init__(app, scope)

    async def connect(self, timeout: float = SOCKET_TIMEOUT) -> tuple[bool, int | None]:
        """(True, None) once accepted; (False, code) if closed before that."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, None

    async def send_to(self, text_data: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text_data})

    async def send_json_to(self, data) -> None:
        await self.send_to(json.dumps(data))

    async def receive_json_from(self, timeout: float = SOCKET_TIMEOUT):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(
        self, code: int = 1000, timeout: float = SOCKET_TIMEOUT
    ) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def socket(path: str, headers: list[tuple[bytes, bytes]] | None = None, app=None):
    """A WebSocket client of the ASGI application (routing and auth included)."""
    return WebsocketCommunicator(app or application, path, headers or [])


def stalled_client(gate: asyncio.Event):
    """The application as a client that stops reading sees it: a message to
    the socket is held until ``gate`` is set, as a full TCP buffer would."""

    async def app(scope, receive, send):
        async def held_send(message):
            if message["type"] == "websocket.send":
                await gate.wait()
            await send(message)

        await application(scope, receive, held_send)

    return app


async def publish(task: Task, event_type: str) -> None:
    """Publish from a thread of its own, as a background task does."""
    await sync_to_async(task_publish, thread_sensitive=False)(task, event_type)


class RelayCounter:
    """Counts the events the consumers have taken in from the channel layer.

    A publish returns once its event is queued in the layer, not once a
    consumer has handled it; a busy machine can leave the consumer behind.
    """

    def __init__(self, monkeypatch) -> None:
        self.count = 0
        relay = TaskConsumer._relay

        def counted(consumer, event_type: str, event: dict) -> None:
            relay(consumer, event_type, event)
            self.count += 1

        monkeypatch.setattr(TaskConsumer, "_relay", counted)

    async def reach(self, count: int, timeout: float = SOCKET_TIMEOUT) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.count < count:
            assert loop.time() < deadline, f"{self.count} of {count} events relayed"
            await asyncio.sleep(0.001)


async def close_code(communicator: WebsocketCommunicator) -> int | None:
    """The code the server closed the socket with after accepting it."""
    connected, _ = await communicator.connect()
    assert connected
    output = await communicator.receive_output(SOCKET_TIMEOUT)
    assert output["type"] == "websocket.close", output
    return output.get("code")
