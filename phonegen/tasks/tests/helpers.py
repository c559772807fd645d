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
from channels.layers import get_channel_layer

from phonegen.config.asgi import application
from phonegen.tasks.events import task_publish
from phonegen.tasks.models import Task, TaskStatus, TaskType


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

    async def connect(self, timeout: float = 1) -> tuple[bool, int | None]:
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

    async def receive_json_from(self, timeout: float = 1):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 1) -> None:
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


CONSUMER_DISPATCH_TURNS = 20


async def layer_drained(timeout: float = 10) -> None:
    """Wait until every consumer has taken what the in-process layer holds for it.

    A publish returns once its event is queued in the layer, not once a consumer
    has read it; a busy machine can leave the consumer behind the publisher.
    """
    layer = get_channel_layer()
    deadline = asyncio.get_running_loop().time() + timeout
    while any(not queue.empty() for queue in list(layer.channels.values())):
        assert asyncio.get_running_loop().time() < deadline, "layer not drained"
        await asyncio.sleep(0.001)

    # A message taken from the layer reaches the consumer's handler a few loop
    # turns later (its receive task, then Channels' dispatch); let those run.
    for _ in range(CONSUMER_DISPATCH_TURNS):
        await asyncio.sleep(0)


async def close_code(communicator: WebsocketCommunicator) -> int | None:
    """The code the server closed the socket with after accepting it."""
    connected, _ = await communicator.connect()
    assert connected
    output = await communicator.receive_output(timeout=2)
    assert output["type"] == "websocket.close", output
    return output.get("code")
