"""Real processes for the reliability tests: a redis-server of their own, rq workers, SMTP.

The tests start their own redis-server on a spare loopback port (never the
machine's Redis on 6379) and real `rq worker` processes, and stop them all.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from redis import Redis

from tests.conftest import _Inbox

REPO = Path(__file__).resolve().parents[2]
RQ = Path(sys.executable).parent / "rq"
STARTUP_SECONDS = 20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away redis-server on loopback; ``stop`` and ``start`` simulate an outage."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                client.ping()
                return
            except Exception:  # noqa: BLE001 - not up yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=STARTUP_SECONDS)
        self.process = None


@pytest.fixture
def redis_server(tmp_path):
    """A started redis-server of this test's own."""
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but redis-server is not installed")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


class Workers:
    """Real `rq worker` processes for the test's database, Redis, queue and SMTP server."""

    def __init__(self, app, redis_url: str, queue: str):
        self.app = app
        self.queue = queue
        self.redis_url = redis_url
        self.processes: list[subprocess.Popen] = []

    def _env(self) -> dict[str, str]:
        config = self.app.config
        return {
            **os.environ,
            "APP_ENV": "development",
            "SECRET_KEY": "reliability-tests",
            "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": self.redis_url,
            "RQ_QUEUE": self.queue,
            "MAIL_SERVER": config["MAIL_SERVER"],
            "MAIL_PORT": str(config["MAIL_PORT"]),
            "DELIVERY_STALE_CLAIM_SECONDS": str(config["DELIVERY_STALE_CLAIM_SECONDS"]),
            "PYTHONPATH": str(REPO),
        }

    def start(self, burst: bool = False) -> subprocess.Popen:
        """A worker in its own process group, so that killing it kills its work-horse too."""
        args = [str(RQ), "worker", "--url", self.redis_url, "--path", str(REPO),
                "--worker-class", "app.jobs.queue.AppWorker"]  # as the Procfile runs it
        if burst:
            args.append("--burst")
        process = subprocess.Popen([*args, self.queue], cwd=REPO, env=self._env(),
                                   start_new_session=True, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def run_burst(self, timeout: float = 120) -> None:
        """Run a worker until the queue is empty."""
        process = self.start(burst=True)
        assert process.wait(timeout=timeout) == 0

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL a worker and the work-horse running its job, as a node crash would.

        RQ's work-horse is a forked child in a process group of its own, so it is
        found through /proc and killed by its id first.
        """
        for child in _children(process.pid):
            os.kill(child, signal.SIGKILL)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STARTUP_SECONDS)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)


def _children(pid: int) -> list[int]:
    """Every descendant of a process (Linux), deepest first."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = []
    for child in map(int, text.split()):
        found.extend(_children(child))
        found.append(child)
    return found


@pytest.fixture
def workers(app, redis_server):
    """rq workers for this test's app (its mail settings are read when a worker starts)."""
    queue = f"reliability-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=redis_server.url, RQ_QUEUE=queue, DELIVERY_STALE_CLAIM_SECONDS=2)
    pool = Workers(app, redis_server.url, queue)
    yield pool
    pool.stop_all()


class SlowInbox(_Inbox):
    """An SMTP handler that stalls the first delivery at RCPT until released."""

    def __init__(self):
        super().__init__()
        import threading

        self.stalled = threading.Event()
        self.release = threading.Event()
        self._first = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._first:
            self._first = False
            self.stalled.set()
            deadline = time.monotonic() + 60
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def slow_smtp_server():
    """A real SMTP server whose first delivery hangs in the middle of the conversation."""
    from aiosmtpd.controller import Controller

    inbox = SlowInbox()
    inbox.port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    inbox.release.set()
    controller.stop()
