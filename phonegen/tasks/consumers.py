"""WebSocket consumers that relay task events to their owner."""

import asyncio
import logging
from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .events import FINAL_EVENTS, register_server_loop, task_payload, user_group
from .models import ACTIVE_STATUSES, Task, TaskType

logger = logging.getLogger(__name__)

# Close codes: 4401 no or bad credentials, 4403 a user id that is not the
# caller's, 4404 no such route.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
ROUTES = "/ws/tasks/<user_id>/ or /ws/phone-generation/<user_id>/"

# Finished tasks a socket remembers, to drop a repeated final event.
FINISHED_REMEMBERED = 1000

# Both channel layers forget a group member after a day (group_expiry); a socket
# that stays open longer joins its group again well before that.
GROUP_REJOIN_SECONDS = 3600


class Outbox:
    """The messages waiting for one socket, oldest first.

    Progress a client has not been sent yet is replaced by newer progress of
    the same task, so a slow client holds one waiting progress per task, not
    one per event, and never makes the channel layer drop anything. Progress
    older than what the socket already has is dropped: it can arrive after the
    current state sent on connect. Nothing is sent for a task after its final
    event, which a retried send may repeat.
    """

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self._messages: deque[dict] = deque()
        self._waiting_progress: dict[str, dict] = {}
        self._processed: dict[str, int] = {}
        self._finished: dict[str, None] = {}  # insertion-ordered, capped

    def put(self, event_type: str, task: dict) -> None:
        task_id = task["task_id"]
        if task_id in self._finished:
            return
        message = {"type": event_type, **task}
        if event_type == "task_progress":
            if not self._put_progress(task_id, message):
                return
        else:
            # A start or an end: progress is followed anew (a new attempt may
            # count from the start again), or no more.
            self._waiting_progress.pop(task_id, None)
            self._processed.pop(task_id, None)
            if event_type in FINAL_EVENTS:
                self._finished[task_id] = None
                if len(self._finished) > FINISHED_REMEMBERED:
                    del self._finished[next(iter(self._finished))]
        self._messages.append(message)
        self.ready.set()

    def _put_progress(self, task_id: str, message: dict) -> bool:
        """Take in newer progress; True when it must join the queue."""
        processed = message["processed_items"]
        if processed < self._processed.get(task_id, 0):
            return False
        self._processed[task_id] = processed
        waiting = self._waiting_progress.get(task_id)
        if waiting is None:
            self._waiting_progress[task_id] = message
            return True
        waiting.clear()
        waiting.update(message)
        return False

    def get(self) -> dict | None:
        """The oldest waiting message, or None when there is none."""
        if not self._messages:
            self.ready.clear()
            return None
        message = self._messages.popleft()
        if self._waiting_progress.get(message["task_id"]) is message:
            del self._waiting_progress[message["task_id"]]
        return message


class TaskConsumer(AsyncJsonWebsocketConsumer):
    """Streams the events of the connected user's tasks, of every type
    (``/ws/tasks/{user_id}/``)."""

    generation_only = False

    async def connect(self) -> None:
        user = self._user()
        refusal = None
        if user is None:
            refusal = (CLOSE_UNAUTHENTICATED, "No valid token or session.")
        elif self.scope["url_route"]["kwargs"]["user_id"] != user.username:
            refusal = (CLOSE_FORBIDDEN, "This user id is not yours.")
        if refusal is not None:
            # Accept first: a close code only reaches a client on an open socket,
            # and it tells the client which of the two refusals it met.
            await self.accept()
            await self.close(code=refusal[0], reason=refusal[1])
            return

        register_server_loop(asyncio.get_running_loop())
        self.user = user
        self.group = user_group(user.pk)
        self.outbox = Outbox()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

        # Read after joining the group, so no change falls between the two; a
        # client that joins while tasks run sees where they are at once.
        for payload in await self._running_tasks():
            self.outbox.put("task_progress", payload)
        self.sender = asyncio.create_task(self._send_outbox())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "sender"):
            self.sender.cancel()
            # gather, not a suppressed await: a cancel of this consumer itself
            # while it waits must not be swallowed with the sender's.
            await asyncio.gather(self.sender, return_exceptions=True)
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Clients only listen; anything they send, JSON or not, is ignored."""

    async def task_started(self, event: dict) -> None:
        self._relay("task_started", event)

    async def task_progress(self, event: dict) -> None:
        self._relay("task_progress", event)

    async def task_completed(self, event: dict) -> None:
        self._relay("task_completed", event)

    async def task_failed(self, event: dict) -> None:
        self._relay("task_failed", event)

    async def task_cancelled(self, event: dict) -> None:
        self._relay("task_cancelled", event)

    def _relay(self, event_type: str, event: dict) -> None:
        # Only queued here: the channel layer is read at its own pace, whatever
        # the client's, and the sender writes to the socket.
        task = event["task"]
        if self.generation_only and task["task_type"] != TaskType.GENERATION:
            return
        self.outbox.put(event_type, task)

    async def _send_outbox(self) -> None:
        try:
            while True:
                message = self.outbox.get()
                if message is not None:
                    await self.send_json(message)
                    continue
                try:
                    await asyncio.wait_for(
                        self.outbox.ready.wait(), GROUP_REJOIN_SECONDS
                    )
                except TimeoutError:
                    await self.channel_layer.group_add(self.group, self.channel_name)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The socket went away mid-send; disconnect() cleans up.
            logger.debug("user %s: task event not sent", self.user.pk, exc_info=True)

    def _user(self):
        if self.scope.get("token_given"):
            user = self.scope.get("token_user")
        else:
            user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        return user

    @database_sync_to_async
    def _running_tasks(self) -> list[dict]:
        tasks = Task.objects.filter(user=self.user, status__in=ACTIVE_STATUSES)
        if self.generation_only:
            tasks = tasks.filter(task_type=TaskType.GENERATION)
        return [task_payload(task) for task in tasks.order_by("created_at")]


class GenerationTaskConsumer(TaskConsumer):
    """Streams the events of the user's generation tasks only
    (``/ws/phone-generation/{user_id}/``)."""

    # A class attribute, not an as_asgi() argument: Channels' consumers accept
    # and drop keyword arguments there.
    generation_only = True


class UnknownRouteConsumer(AsyncJsonWebsocketConsumer):
    """Any other path: closed with 4404 and the routes there are, instead of
    the HTTP 500 a router without a match answers."""

    async def connect(self) -> None:
        await self.accept()
        await self.close(
            code=CLOSE_NOT_FOUND,
            reason=f"No WebSocket route here; use {ROUTES}.",
        )
