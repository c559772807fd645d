"""Serve the HTTP API and WebSockets (ASGI) on one port."""

import logging
import re

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

from phonegen.tasks.housekeeping import tasks_delete_old
from phonegen.tasks.recovery import tasks_requeue_orphaned

logger = logging.getLogger(__name__)


_TOKEN = re.compile(r"(token=)[^&\s\"']+")


class HideTokens(logging.Filter):
    """Masks ``?token=`` in access log lines: a WebSocket URL carries one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(
                _TOKEN.sub(r"\1***", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        record.msg = _TOKEN.sub(r"\1***", str(record.msg))
        return True


class Command(BaseCommand):
    help = "Serve phonegen (HTTP API and WebSockets) with uvicorn."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PHONEGEN_PORT)

    def handle(self, *args, host: str, port: int, **options) -> None:
        if settings.PHONEGEN_TASK_RUNNER == "thread":
            # Tasks of the embedded runner live in this process: any left
            # pending or half-done by a previous run are picked up again. There
            # is no beat process either, so old tasks are cleaned up here.
            tasks_delete_old()
            requeued = tasks_requeue_orphaned()
            if requeued:
                logger.info("re-queued %d unfinished tasks", requeued)

        for name in ("uvicorn.access", "uvicorn.error"):
            logging.getLogger(name).addFilter(HideTokens())

        self.stdout.write(f"phonegen listening on http://{host}:{port}/")
        uvicorn.run(
            "phonegen.config.asgi:application",
            host=host,
            port=port,
            log_level="info",
            lifespan="off",
            ws="websockets-sansio",
        )
