"""WebSocket consumers that relay task events to their owner."""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .events import register_server_loop, task_payload, user_group
from .models import ACTIVE_STATUSES, Task, TaskType

logger = logging.getLogger(__name__)

# Close codes: 4401 no or bad credentials, 4403 a user id that is not the caller's.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class TaskConsumer(AsyncJsonWebsocketConsumer):
    """Streams the events of the connected user's tasks.

    On ``/ws/phone-generation/{user_id}/`` only generation tasks; on
    ``/ws/tasks/{user_id}/`` every task type.
    """

    generation_only = False

    async def connect(self) -> None:
        user = self._user()
        refusal = None
        if user is None:
            refusal = CLOSE_UNAUTHENTICATED
        elif self.scope["url_route"]["kwargs"]["user_id"] != user.username:
            refusal = CLOSE_FORBIDDEN
        if refusal is not None:
            # Accept first: a close code only reaches a client on an open socket,
            # and it tells the client which of the two refusals it met.
            await self.accept()
            await self.close(code=refusal)
            return

        register_server_loop(asyncio.get_running_loop())
        self.user = user
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

        # A client that joins while tasks run sees where they are at once.
        for payload in await self._running_tasks():
            await self.send_json({"type": "task_progress", **payload})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """Clients only listen; anything they send is ignored."""

    async def task_started(self, event: dict) -> None:
        await self._relay("task_started", event)

    async def task_progress(self, event: dict) -> None:
        await self._relay("task_progress", event)

    async def task_completed(self, event: dict) -> None:
        await self._relay("task_completed", event)

    async def task_failed(self, event: dict) -> None:
        await self._relay("task_failed", event)

    async def task_cancelled(self, event: dict) -> None:
        await self._relay("task_cancelled", event)

    async def _relay(self, event_type: str, event: dict) -> None:
        task = event["task"]
        if self.generation_only and task["task_type"] != TaskType.GENERATION:
            return
        await self.send_json({"type": event_type, **task})

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
