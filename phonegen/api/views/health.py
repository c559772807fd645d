import asyncio
import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..responses import ok
from ..schema import envelope

logger = logging.getLogger(__name__)


class HealthError(Exception):
    """A component answered, but not as it should."""


# Seconds each outside component gets to answer.
CHECK_TIMEOUT = 2.0


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "vendor": connection.vendor}


def _broker() -> dict:
    if not settings.REDIS_URL:
        return {"status": "ok", "kind": "in-process"}

    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=CHECK_TIMEOUT,
        socket_timeout=CHECK_TIMEOUT,
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"status": "ok", "kind": "redis"}


def _channel_layer() -> dict:
    layer = get_channel_layer()
    if layer is None:
        raise HealthError("no channel layer is configured")

    async def round_trip() -> None:
        channel = await layer.new_channel("health.")
        nonce = uuid.uuid4().hex
        await layer.send(channel, {"type": "health.check", "nonce": nonce})
        message = await asyncio.wait_for(layer.receive(channel), CHECK_TIMEOUT)
        if message.get("nonce") != nonce:
            raise HealthError("the channel layer returned another message")

    async_to_sync(round_trip)()
    return {"status": "ok", "backend": type(layer).__name__}


def _worker() -> dict:
    if settings.PHONEGEN_TASK_RUNNER != "celery":
        return {"status": "ok", "kind": "in-process threads"}

    from phonegen.config.celery import app

    replies = app.control.ping(timeout=CHECK_TIMEOUT)
    if not replies:
        raise HealthError("no Celery worker answered")
    return {"status": "ok", "kind": "celery", "workers": len(replies)}


CHECKS = {
    "database": _database,
    "broker": _broker,
    "channel_layer": _channel_layer,
    "worker": _worker,
}


HealthSerializer = inline_serializer(
    name="Health",
    fields={
        name: serializers.DictField(help_text='{"status": "ok" or "error", ...}')
        for name in CHECKS
    },
)


class HealthApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["health"],
        summary="Status of the database, broker, channel layer and workers",
        description="200 when every component works, else 503.",
        responses={
            200: envelope("HealthResponse", HealthSerializer),
            503: envelope("HealthFailingResponse", HealthSerializer),
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        components = {name: _run(name, check) for name, check in CHECKS.items()}
        failing = {
            name: [part["error"]]
            for name, part in components.items()
            if part["status"] != "ok"
        }
        if not failing:
            return ok("All components are working", components)

        body = {
            "message": f"Not working: {', '.join(failing)}",
            "data": components,
            "errors": failing,
        }
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)


def _run(name: str, check) -> dict:
    try:
        return check()
    except HealthError as error:
        logger.warning("health: %s failed: %s", name, error)
        return {"status": "error", "error": str(error)}
    except Exception as error:  # noqa: BLE001 - any failure is the component's state
        # The detail (hosts, ports) stays in the log.
        logger.warning("health: %s failed: %r", name, error)
        return {"status": "error", "error": f"{type(error).__name__}: check failed"}
