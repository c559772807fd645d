"""Hostile input end to end: generated requests for every operation of the
OpenAPI schema, and bodies built to exhaust the server, against a real ASGI
server process. Nothing answers 5xx, every error is in the contract's envelope,
and the server's memory stays bounded.

schemathesis runs as its command line, on a copy of the schema saved from the
server, against 127.0.0.1 only; its HAR report holds every request and answer,
which the tests judge themselves.
"""

import json
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import httpx
import psutil
import psycopg
import pytest

import harness

pytestmark = pytest.mark.e2e

BASE = "/api/phone-generator"
IMPORT = f"{BASE}/numbers/import/"
GENERATE = f"{BASE}/generate-numbers-enhanced/"
MB = 1 << 20
# Generated cases per operation and generation mode (positive, negative), on
# top of schemathesis' boundary-value cases: about 3,000 requests in all.
MAX_EXAMPLES = 60
# Growth of the server's resident memory tolerated while it refuses a body of
# 100 MB or a line of 10 MB; a server that held either would exceed it.
RSS_BOUND = 30 * MB


@pytest.fixture(scope="module")
def server(e2e_env, e2e_dir, e2e_worker) -> Iterator[harness.ServerProcess]:
    """A server of this module's own, so that its memory is measured alone and
    the generated requests are not throttled to the default rate."""
    env = dict(
        e2e_env,
        PHONEGEN_REQUESTS_PER_MINUTE="1000000",
        PHONEGEN_MAX_ACTIVE_TASKS="100000",
    )
    process = harness.ServerProcess(env, e2e_dir, name="server-hostile")
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def client(server, e2e_token) -> Iterator[httpx.Client]:
    token = e2e_token("hostile-user")
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Token {token}"}, timeout=120
    ) as client:
        yield client


@pytest.fixture(scope="module")
def project_id(client) -> int:
    r = client.post("/api/projects/", json={"name": "hostile"})
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


def assert_envelope(status: int, text: str) -> dict:
    """The contract's error form: a message, a code and field errors."""
    body = json.loads(text)
    assert isinstance(body, dict), (status, text)
    assert isinstance(body.get("message"), str) and body["message"], (status, text)
    assert isinstance(body.get("code"), str) and body["code"], (status, text)
    errors = body.get("errors")
    assert isinstance(errors, dict), (status, text)
    for messages in errors.values():
        assert isinstance(messages, list), (status, text)
        assert all(isinstance(m, str) for m in messages), (status, text)
    return body


class PeakRss:
    """Highest resident memory of a process, sampled while the block runs."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.start = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def growth(self) -> int:
        return self.peak - self.start

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def _tasks_of(database, project_id: int) -> int:
    with psycopg.connect(database.url) as conn:
        return conn.execute(
            "SELECT count(*) FROM tasks_task WHERE project_id = %s", (project_id,)
        ).fetchone()[0]


def _schemathesis(
    tmp_path: Path, schema: Path, server, token: str, name: str, *filters: str
) -> list[dict]:
    """Run schemathesis on ``schema`` against ``server``; the HAR entries."""
    har = tmp_path / f"{name}.har"
    argv = [
        str(Path(harness.PYTHON).parent / "schemathesis"), "run", str(schema),
        "--url", server.url,
        "--header", f"Authorization: Token {token}",
        "--checks", "not_a_server_error",
        # No stateful phase: it would chain a created project into a
        # generation of up to a million numbers.
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", "6",
        "--workers", "2",
        "--request-timeout", "60",
        "--suppress-health-check", "all",
        "--report", "har", "--report-har-path", str(har),
        *filters,
    ]  # fmt: skip
    # Only the server on 127.0.0.1 is contacted: no proxy, and no configuration
    # file from elsewhere (the search for one stops at the run's folder).
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = "*"
    (tmp_path / "schemathesis.toml").write_text("")
    done = subprocess.run(
        argv, cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=300, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    return json.loads(har.read_text())["log"]["entries"]


def _operation_pattern(path: str) -> re.Pattern:
    return re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + r"(\?.*)?")


def test_generated_requests_get_no_5xx_and_errors_in_the_envelope(
    server, e2e_token, tmp_path
):
    text = httpx.get(f"{server.url}/api/schema/?format=json", timeout=30).text
    schema = json.loads(text)
    # Nothing in the schema may send schemathesis to another host.
    assert not re.search(r'"\$ref":\s*"(?!#)', text)
    assert "externalValue" not in text
    path = tmp_path / "schema.json"
    path.write_text(text)
    creating = "projects_create"

    # A user without projects: every generation, validation or import names a
    # project that is not theirs and is refused, never started for real.
    entries = _schemathesis(
        tmp_path, path, server, e2e_token("fuzz-reader"), "reader",
        "--exclude-operation-id", creating,
    ) + _schemathesis(
        tmp_path, path, server, e2e_token("fuzz-creator"), "creator",
        "--include-operation-id", creating,
    )  # fmt: skip

    assert len(entries) >= 2000
    assert [e for e in entries if e["response"]["status"] >= 500] == []
    for entry in entries:
        status = entry["response"]["status"]
        if status >= 400:
            assert_envelope(status, entry["response"]["content"]["text"])
    operations = [
        (method.upper(), _operation_pattern(server.url + op_path))
        for op_path, methods in schema["paths"].items()
        for method in methods
    ]
    untested = [
        (method, pattern.pattern)
        for method, pattern in operations
        if not any(
            e["request"]["method"] == method and pattern.fullmatch(e["request"]["url"])
            for e in entries
        )
    ]
    assert untested == []
    assert len(operations) == 17


def test_a_body_over_the_limit_is_refused_with_413(client, project_id, e2e_database):
    body = {"project_id": project_id, "area_code": "917", "quantity": 10}
    content = json.dumps(body | {"pad": "x" * (5 * MB)})

    r = client.post(
        GENERATE, content=content, headers={"Content-Type": "application/json"}
    )

    assert r.status_code == 413
    assert assert_envelope(413, r.text)["code"] == "request_too_large"
    assert _tasks_of(e2e_database, project_id) == 0


def _multipart(project_id: int, size: int) -> tuple[str, int, Iterator[bytes]]:
    """A multipart upload of a ``size``-byte phone list, made as it is sent."""
    boundary = "hostile-upload-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="project_id"\r\n'
        f"\r\n{project_id}\r\n--{boundary}\r\nContent-Disposition: form-data; "
        'name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    block = b"2125550123\n" * 10_000

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(size // len(block)):
            yield block
        yield block[: size % len(block)]
        yield tail

    return boundary, len(head) + size + len(tail), chunks()


@pytest.mark.parametrize("declared", [True, False], ids=["length", "chunked"])
def test_a_100_mb_upload_is_refused_in_bounded_memory(
    declared, client, project_id, server, e2e_database
):
    boundary, length, chunks = _multipart(project_id, 100 * MB)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if declared:
        headers["Content-Length"] = str(length)

    with PeakRss(server.pid) as rss:
        r = client.post(IMPORT, content=chunks, headers=headers)

    body = assert_envelope(r.status_code, r.text)
    if declared:
        # Refused at the door, from the declared length, before any is read.
        assert r.status_code == 413
        assert body["errors"]["body"] == [
            "At most 68,157,440 bytes; files up to 64 MB can be imported."
        ]
    else:
        # Nobody can know the size of a chunked body before reading it all.
        assert r.status_code == 411
        assert body["errors"] == {"body": ["Content-Length is required."]}
    assert rss.growth < RSS_BOUND, rss.growth
    assert _tasks_of(e2e_database, project_id) == 0


def test_a_csv_of_one_10_million_character_line_is_refused(
    client, project_id, server, e2e_database
):
    line = b"9" * 10_000_000

    with PeakRss(server.pid) as rss:
        r = client.post(
            IMPORT,
            data={"project_id": str(project_id)},
            files={"file": ("one-line.csv", line, "text/csv")},
        )

    body = assert_envelope(r.status_code, r.text)
    assert r.status_code == 400
    assert body["errors"] == {
        "file": ["The file has lines longer than 4,096 bytes and no phone numbers."]
    }
    assert rss.growth < RSS_BOUND, rss.growth
    assert _tasks_of(e2e_database, project_id) == 0


def test_a_10_million_character_line_among_numbers_is_refused_alone(
    client, server, e2e_worker
):
    project = client.post("/api/projects/", json={"name": "hostile-lines"})
    content = b"phone\n9172501234\n" + b"9" * 10_000_000 + b"\n2122501234\n"

    r = client.post(
        IMPORT,
        data={"project_id": str(project.json()["data"]["id"])},
        files={"file": ("mixed.csv", content, "text/csv")},
    )
    assert r.status_code == 201, r.text
    task_id = r.json()["data"]["task_id"]
    pool = psutil.Process(e2e_worker.pid).children(recursive=True)
    with PeakRss(pool[0].pid) as rss:
        # Far more than the import needs: the shared worker may still be busy
        # with an earlier test's task.
        deadline = time.monotonic() + 300
        while True:
            task = client.get(f"{BASE}/tasks/{task_id}/progress/").json()["data"]
            if task["status"] in ("completed", "failed", "cancelled"):
                break
            assert time.monotonic() < deadline, f"import not finished: {task}"
            time.sleep(0.1)
    rows = client.get(f"{IMPORT}{task_id}/rows/").json()["data"]["results"]

    assert task["status"] == "completed", task
    assert [(row["line"], row["outcome"], row["reason"]) for row in rows] == [
        (2, "stored", ""),
        (3, "refused", "line_too_long"),
        (4, "stored", ""),
    ]
    assert rows[1]["message"] == "The line is too long to be a phone list entry."
    assert rss.growth < RSS_BOUND, rss.growth


@pytest.mark.parametrize(
    "path",
    [GENERATE, f"{BASE}/validate-numbers/", "/api/projects/", "/api/auth/token/"],
)
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_10000_deep_is_refused_with_400(client, path, opening):
    closing = "]" if opening == "[" else "}"
    content = opening * 10_000 + "1" + closing * 10_000

    r = client.post(path, content=content, headers={"Content-Type": "application/json"})

    body = assert_envelope(r.status_code, r.text)
    assert r.status_code == 400
    assert body["code"] == "parse_error"
    assert body["errors"] == {
        "body": ["JSON parse error - the body is nested too deeply."]
    }


def test_too_many_parameters_or_files_are_refused_with_400(
    client, project_id, server, e2e_database
):
    schema = client.get("/api/schema/?format=json").json()
    query = "&".join(f"p{i}=x" for i in range(1500))
    reads = [
        path.replace("{task_id}", "00000000-0000-0000-0000-000000000000")
        for path, methods in schema["paths"].items()
        if "get" in methods
    ]
    form = {f"p{i}": "x" for i in range(1500)}
    files = [("file", (f"l{i}.csv", b"2125550123\n", "text/csv")) for i in range(150)]

    answers = [client.get(f"{path}?{query}") for path in reads]
    answers.append(client.post("/api/projects/", data=form))
    answers.append(
        client.post(IMPORT, data={"project_id": str(project_id)}, files=files)
    )

    codes = [assert_envelope(r.status_code, r.text)["code"] for r in answers]
    assert [r.status_code for r in answers] == [400] * len(answers)
    assert codes == ["too_many_fields"] * (len(reads) + 1) + ["too_many_files"]
    assert _tasks_of(e2e_database, project_id) == 0


def test_ids_beyond_64_bits_are_refused_with_400(client):
    r = client.post(
        f"{BASE}/validate-numbers-enhanced/", json={"phone_ids": [2**63, 10**30]}
    )

    body = assert_envelope(r.status_code, r.text)
    assert r.status_code == 400
    assert sorted(body["errors"]) == ["phone_ids.0", "phone_ids.1"]
