"""The task fields clients see, and their delivery to WebSocket clients.

The same payload answers ``tasks/{id}/progress/`` and goes out over the channel
layer, so polling and WebSockets always agree.
"""

import asyncio
import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from .models import Task

logger = logging.getLogger(__name__)

EVENT_TYPES = (
    "task_started",
    "task_progress",
    "task_completed",
    "task_failed",
    "task_cancelled",
)
# The last message of a task: the one a client must not miss.
FINAL_EVENTS = ("task_completed", "task_failed", "task_cancelled")
FINAL_EVENT_ATTEMPTS = 3
FINAL_EVENT_RETRY_DELAY = 0.5  # seconds, times the attempt number
IN_PROCESS_SEND_TIMEOUT = 5  # seconds a task thread waits for the server loop


def task_payload(task: Task) -> dict:
    """The task's public fields (SPEC section 3)."""
    return {
        "task_id": str(task.task_id),
        "task_type": task.task_type,
        "status": task.status,
        "project_id": task.project_id,
        "progress": task.progress,
        "current_step": task.current_step,
        "processed_items": task.processed_items,
        "total_items": task.total_items,
        "successful_items": task.successful_items,
        "failed_items": task.failed_items,
        "estimated_completion": _iso(task.estimated_completion),
        "created_at": _iso(task.created_at),
        "started_at": _iso(task.started_at),
        "completed_at": _iso(task.completed_at),
        "duration": task.duration_seconds,
        "parameters": task.params,
        "result_data": task.result_data,
        "error_message": task.error_message,
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def task_group(task_id) -> str:
    return f"task-{task_id}"


def task_publish(task: Task, event_type: str) -> None:
    """Send ``event_type`` with the task's fields to its owner's sockets.

    Delivery is best effort: a full or absent channel layer must never fail the
    task itself, which is already saved in the database. A final event is tried
    again after a failed send, since no later message would make up for it (a
    consumer drops a repeat).
    """
    layer = get_channel_layer()
    if layer is None:
        return

    # "task_progress" travels as "task.progress", handled by a consumer's
    # task_progress.
    message = {"type": event_type.replace("_", ".", 1), "task": task_payload(task)}
    group = user_group(task.user_id)
    # Only a send through Redis can fail and be tried again; an in-process send
    # that timed out is still queued on the server loop and would go twice.
    in_process = isinstance(layer, InMemoryChannelLayer)
    final = event_type in FINAL_EVENTS
    attempts = FINAL_EVENT_ATTEMPTS if final and not in_process else 1
    for attempt in range(1, attempts + 1):
        try:
            if in_process:
                _send_in_process(layer, group, message)
            else:
                async_to_sync(layer.group_send)(group, message)
            return
        except Exception:
            if attempt == attempts:
                logger.warning(
                    "task %s: could not publish %s",
                    task.task_id,
                    event_type,
                    exc_info=True,
                )
                return
            time.sleep(FINAL_EVENT_RETRY_DELAY * attempt)


_server_loop: asyncio.AbstractEventLoop | None = None
# Sends scheduled on the server loop itself; asyncio keeps only weak references
# to tasks, so an unreferenced one could vanish before it has run.
_pending_sends: set[asyncio.Task] = set()


def register_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Remember the event loop that serves WebSockets in this process."""
    global _server_loop
    _server_loop = loop


def _send_in_process(layer: InMemoryChannelLayer, group: str, message: dict) -> None:
    # The in-process layer's queues belong to the server's event loop; a task
    # thread must hand the send to that loop instead of running its own.
    loop = _server_loop
    if loop is None or loop.is_closed() or not loop.is_running():
        # No socket has connected to this process, or the server is stopping:
        # nobody listens, and a stopped loop would never run the send.
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        send = loop.create_task(layer.group_send(group, message))
        _pending_sends.add(send)
        send.add_done_callback(_pending_sends.discard)
        return
    future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop)
    future.result(IN_PROCESS_SEND_TIMEOUT)


class Throttle:
    """Lets a progress event through at most every ``interval`` seconds."""

    def __init__(self, interval: float, clock=time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._last: float | None = None

    def ready(self, *, force: bool = False) -> bool:
        """True when an event may go now; ``force`` lets it through regardless
        (and restarts the interval), for an event that must not be skipped."""
        now = self._clock()
        if force or self._last is None or now - self._last >= self.interval:
            self._last = now
            return True
        return False
