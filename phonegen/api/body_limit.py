"""Refuse over-long request bodies before any of them is read.

Django's ASGI handler reads a whole body (into a temporary file) before a view
runs, so the view's own size checks come after the disk and the time are
spent. This middleware answers at the door: 413 when the declared length is
over the largest body phonegen accepts (an import upload), and 411 for a body
sent without a length, whose size nobody could check in advance.
"""

import json
import logging

from django.conf import settings

from phonegen.numbering.nanp import is_digits

logger = logging.getLogger(__name__)

# Multipart framing and the form fields beside the file.
UPLOAD_OVERHEAD = 1024 * 1024


def body_limit() -> int:
    return settings.PHONEGEN_IMPORT_MAX_BYTES + UPLOAD_OVERHEAD


class BodyLimitMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            refusal = _refusal(dict(scope["headers"]))
            if refusal is not None:
                status, body = refusal
                logger.info(
                    "%s %s refused with %d before its body was read",
                    scope["method"],
                    scope["path"],
                    status,
                )
                await _answer(send, status, body)
                return
        await self.app(scope, receive, send)


def _refusal(headers: dict[bytes, bytes]) -> tuple[int, dict] | None:
    from .errors import error_body

    length = headers.get(b"content-length")
    if length is None:
        if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
            return 411, error_body(
                "Send the request with a Content-Length header; bodies of "
                "unknown length are not accepted.",
                code="length_required",
                errors={"body": ["Content-Length is required."]},
            )
        return None

    limit = body_limit()
    if is_digits(length) and int(length) > limit:
        megabytes = settings.PHONEGEN_IMPORT_MAX_BYTES // (1024 * 1024)
        return 413, error_body(
            "The request body is too large.",
            code="request_too_large",
            errors={
                "body": [
                    (
                        f"At most {limit:,} bytes; files up to {megabytes} MB can "
                        "be imported."
                    )
                ]
            },
        )
    return None


async def _answer(send, status: int, body: dict) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                # The unread body would otherwise have to be drained first.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
