"""The server and worker processes the bench runs, and their peak memory."""

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
MANAGE_PY = ROOT / "manage.py"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0


class BenchError(RuntimeError):
    """A step of the bench could not be carried out."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: Mapping[str, str], *args: str, timeout: float = 900) -> str:
    """Run ``manage.py ARGS``; return its stdout, raise with its output on failure."""
    logger.info("manage.py %s", " ".join(args))
    result = subprocess.run(
        [sys.executable, str(MANAGE_PY), *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(
            f"manage.py {' '.join(args)} exited with {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


def memory_kb(pid: int, field: str = "VmHWM") -> int:
    """A memory figure of ``/proc/PID/status`` in kB (peak RSS by default)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise BenchError(f"/proc/{pid}/status has no {field}")


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


class ManagedProcess:
    """A long-running subprocess in its own process group, logging to a file.

    The bench and the e2e tests run the product's servers and workers with it.
    Subclasses say when their process is ready (:meth:`wait_ready`); failures
    raise :attr:`error`, with the end of the log.
    """

    error: type[Exception] = BenchError
    start_timeout = START_TIMEOUT
    stop_timeout = STOP_TIMEOUT
    tail_lines = 30

    def __init__(
        self, name: str, argv: list[str], env: Mapping[str, str], log_dir: Path
    ) -> None:
        self.name = name
        self.argv = argv
        self.env = dict(env)
        self.log_dir = log_dir
        self.starts = 0
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self._group_killed = False

    @property
    def pid(self) -> int:
        if self.popen is None:
            raise self.error(f"{self.name} was never started")
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def start(self) -> None:
        self.starts += 1
        # One log per start, so that a failure report shows the run that failed.
        self.log_path = self.log_dir / f"{self.name}.{self.starts}.log"
        with open(self.log_path, "wb") as log:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._group_killed = False
        logger.info("%s started (pid %d)", self.name, self.popen.pid)
        try:
            self.wait_ready()
        except BaseException:
            self.kill()
            raise

    def wait_ready(self) -> None:
        raise NotImplementedError

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self, timeout: float | None = None) -> None:
        """SIGTERM, then SIGKILL to the group: no child outlives its run."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout or self.stop_timeout)
            except subprocess.TimeoutExpired:
                logger.warning("%s ignored SIGTERM; killing it", self.name)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a crashed machine would."""
        if self.popen is None:
            return
        # Once only: after that the group's id may belong to someone else.
        if not self._group_killed:
            self._group_killed = True
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.popen.wait()

    def tail(self, lines: int | None = None) -> str:
        return "\n".join(self.log_text().splitlines()[-(lines or self.tail_lines) :])

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_until(self, ready: Callable[[], bool], what: str) -> None:
        """Wait for ``ready()``; raise if the process exits or takes too long."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if ready():
                return
            if not self.alive:
                raise self.error(
                    f"{self.name} exited with {self.popen.returncode} before {what}; "
                    f"log {self.log_path}:\n{self.tail()}"
                )
            time.sleep(0.2)
        raise self.error(
            f"{self.name} not {what} after {self.start_timeout:.0f}s; "
            f"log {self.log_path}:\n{self.tail()}"
        )


class Server(ManagedProcess):
    """``manage.py serve`` on a free port of 127.0.0.1."""

    def __init__(
        self, env: Mapping[str, str], log_dir: Path, *, name: str = "server"
    ) -> None:
        self.port = free_port()
        argv = [sys.executable, str(MANAGE_PY), "serve", "--port", str(self.port)]
        super().__init__(name, argv, env, log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        # Any HTTP answer will do: health may report a worker still starting, and
        # may take seconds to find that out, so only connecting is kept short.
        def answers() -> bool:
            try:
                httpx.get(
                    f"{self.url}/api/health/",
                    timeout=httpx.Timeout(30, connect=1),
                    trust_env=False,
                )
            except httpx.TransportError:
                return False
            return True

        self.wait_until(answers, "answering /api/health/")

    def task_pid(self) -> int:
        # The embedded runner's task threads live in the server process itself.
        return self.pid


class Worker(ManagedProcess):
    """``celery worker`` with one prefork child, where the tasks run."""

    def __init__(
        self, env: Mapping[str, str], log_dir: Path, *, name: str = "worker"
    ) -> None:
        self.nodename = f"{name}-{secrets.token_hex(3)}@{socket.gethostname()}"
        # Mingle and gossip only slow the start; one worker needs neither.
        argv = [
            sys.executable, "-m", "celery", "-A", "phonegen.config", "worker",
            "--concurrency=1", "--pool=prefork", "--loglevel=INFO",
            f"--hostname={self.nodename}", "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        super().__init__(name, argv, env, log_dir)

    def wait_ready(self) -> None:
        self.wait_until(lambda: f"{self.nodename} ready." in self.log_text(), "ready")

    def task_pid(self) -> int:
        pool = children(self.pid)
        if len(pool) != 1:
            raise BenchError(f"worker has {len(pool)} pool children, expected 1")
        return pool[0]
