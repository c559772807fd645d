"""The task fields clients see, and their delivery to WebSocket clients.

The same payload answers ``tasks/{id}/progress/`` and goes out over the channel
layer, so polling and WebSockets always agree.
"""

import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .models import Task

logger = logging.getLogger(__name__)

EVENT_TYPES = (
    "task_started", "task_progress", "task_completed", "task_failed", "task_cancelled"
)


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
    task itself, which is already saved in the database.
    """
    layer = get_channel_layer()
    if layer is None:
        return

    # "task_progress" travels as "task.progress", handled by a consumer's task_progress.
    message = {"type": event_type.replace("_", ".", 1), "task": task_payload(task)}
    try:
        async_to_sync(layer.group_send)(user_group(task.user_id), message)
    except Exception:
        logger.warning(
            "task %s: could not publish %s", task.task_id, event_type, exc_info=True
        )


class Throttle:
    """Lets a progress event through at most every ``interval`` seconds."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last = 0.0

    def ready(self) -> bool:
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            return True
        return False
