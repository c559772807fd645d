"""The ASGI guard that refuses over-long bodies before reading them."""

import json

import pytest
from asgiref.testing import ApplicationCommunicator

from phonegen.api.body_limit import BodyLimitMiddleware

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class _Recorder:
    """The inner application: answers 204 and remembers it was called."""

    def __init__(self) -> None:
        self.called = False

    async def __call__(self, scope, receive, send) -> None:
        self.called = True
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def _request(headers: list[tuple[bytes, bytes]]):
    inner = _Recorder()
    scope = {
        "type": "http", "method": "POST", "path": "/api/phone-generator/numbers/import/",
        "headers": headers, "query_string": b"",
    }  # fmt: skip
    app = ApplicationCommunicator(BodyLimitMiddleware(inner), scope)
    await app.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await app.receive_output(timeout=10)
    body = await app.receive_output(timeout=10)
    return inner.called, start["status"], body["body"]


class BodyLimitTests:
    async def test_a_declared_length_over_the_limit_is_refused_unread(self, settings):
        settings.PHONEGEN_IMPORT_MAX_BYTES = 2 * 1024 * 1024
        too_long = str(3 * 1024 * 1024 + 1).encode()

        called, status, body = await _request([(b"content-length", too_long)])

        assert (called, status) == (False, 413)
        error = json.loads(body)
        assert error["code"] == "request_too_large"
        assert error["errors"]["body"] == [
            "At most 3,145,728 bytes; files up to 2 MB can be imported."
        ]

    async def test_a_body_of_unknown_length_is_refused_with_411(self):
        called, status, body = await _request([(b"transfer-encoding", b"chunked")])

        assert (called, status) == (False, 411)
        assert json.loads(body)["errors"] == {"body": ["Content-Length is required."]}

    async def test_a_body_within_the_limit_reaches_the_application(self, settings):
        settings.PHONEGEN_IMPORT_MAX_BYTES = 2 * 1024 * 1024

        called, status, _ = await _request([(b"content-length", b"3145728")])

        assert (called, status) == (True, 204)
