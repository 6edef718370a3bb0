"""Reliability under real failures: real processes, stopped and killed on purpose.

Everything a test starts is its own and is stopped at the end: a redis-server on a
spare loopback port (never the machine's Redis on 6379), `rq worker` processes
started as the Procfile starts them, gunicorn (bench/server.py) and an SMTP server
on loopback that can hold a delivery in the middle of the conversation.

Tests through gunicorn need TEST_DATABASE_URL (a PostgreSQL database is made for
the module, with the demo units and categories, and dropped after); the others use
the suite's usual database. All need the `redis-server` binary. Without what they
need the tests skip, or fail when REQUIRE_SERVICES=1.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis import Redis

from bench.client import Citizen, tracking_code
from bench.server import REPO, app_environment, free_port
from tests.conftest import _Inbox

RQ = Path(sys.executable).with_name("rq")
STARTUP_SECONDS = 20
HOLD_SECONDS = 60


def unavailable(reason: str):
    """Skip the test, or fail it when the run requires every service."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


# Redis -----------------------------------------------------------------------


class RedisServer:
    """A throw-away redis-server on loopback; ``stop`` and ``start`` make an outage.

    Nothing is saved to disk, so a restarted server comes back empty, as after a crash.
    """

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
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
            except Exception:  # noqa: BLE001 - redis' ConnectionError while it starts
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        """Terminate the server and wait for it to exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=STARTUP_SECONDS)
        self.process = None


@pytest.fixture
def redis_server(tmp_path):
    """A started redis-server of this test's own; stopped at the end whatever happened."""
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def queue_name() -> str:
    """An RQ queue no other test uses."""
    return f"reliability-{uuid.uuid4().hex[:8]}"


# SMTP ------------------------------------------------------------------------


class HeldInbox(_Inbox):
    """An SMTP handler that, while held, stops each delivery after the recipient is given.

    ``hold()`` before the delivery starts, wait for ``holding``, then ``release()``;
    a delivery is never held longer than HOLD_SECONDS, so a test cannot hang on it.
    """

    def __init__(self):
        super().__init__()
        self.released = threading.Event()
        self.released.set()
        self.holding = threading.Event()

    def hold(self) -> None:
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.released.is_set():
            self.holding.set()
            deadline = time.monotonic() + HOLD_SECONDS
            while not self.released.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port whose deliveries can be held;
    ``.messages`` holds what arrived. Replaces the suite's plain one, so ``mail_app`` uses it."""
    from aiosmtpd.controller import Controller

    inbox = HeldInbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    inbox.release()
    controller.stop()


def delivered_ids(inbox: HeldInbox) -> Counter:
    """How many times each notification arrived, by the id in its Message-ID."""
    return Counter(int(m["Message-ID"].split("-")[1].split("@")[0]) for m in inbox.messages)


# Environments of the processes -----------------------------------------------


def service_env(database_url: str, redis_url: str | None = None, queue: str | None = None,
                smtp_port: int | None = None, **extra: str) -> dict[str, str]:
    """What the web and worker processes read: the same database, Redis, queue and SMTP."""
    settings = dict(extra)
    if redis_url is not None:
        settings.update(REDIS_URL=redis_url, RQ_QUEUE=queue)
    if smtp_port is not None:
        settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port))
    return app_environment(database_url, **settings)


@pytest.fixture
def queued_app(mail_app, redis_server, queue_name):
    """The test's app with its jobs on this test's Redis and queue and its mail to the test's
    SMTP server; a delivery claimed two seconds ago counts as abandoned."""
    mail_app.config.update(REDIS_URL=redis_server.url, RQ_QUEUE=queue_name,
                           DELIVERY_STALE_CLAIM_SECONDS=2)
    return mail_app


def worker_env(app) -> dict[str, str]:
    """The environment of workers serving the test's app (read when a worker starts)."""
    config = app.config
    return service_env(
        config["SQLALCHEMY_DATABASE_URI"], config["REDIS_URL"], config["RQ_QUEUE"],
        config["MAIL_PORT"],
        DELIVERY_STALE_CLAIM_SECONDS=str(config["DELIVERY_STALE_CLAIM_SECONDS"]),
    )


# rq workers ------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """Every descendant of a process (Linux), deepest first."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = []
    for child in map(int, text.split()):
        found.extend(descendants(child))
        found.append(child)
    return found


class Workers:
    """Real `rq worker` processes, each in a process group of its own; killed at the end."""

    def __init__(self):
        self.processes: list[subprocess.Popen] = []

    def start(self, env: dict[str, str], burst: bool = False) -> subprocess.Popen:
        """A worker on the queue and Redis of ``env``, with the Procfile's worker class."""
        args = [str(RQ), "worker", "--url", env["REDIS_URL"], "--path", str(REPO),
                "--worker-class", "app.jobs.queue.AppWorker", "--quiet"]
        if burst:
            args.append("--burst")
        process = subprocess.Popen([*args, env["RQ_QUEUE"]], cwd=REPO, env=env,
                                   start_new_session=True, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def run_burst(self, env: dict[str, str], timeout: float = 120) -> None:
        """Run a worker until the queue is empty; it must exit cleanly."""
        assert self.start(env, burst=True).wait(timeout=timeout) == 0

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL a worker and the work-horse running its job, as a node crash would.

        RQ's work-horse is a forked child in a process group of its own, so it is
        found through /proc and killed by its id first.
        """
        for child in descendants(process.pid):
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=STARTUP_SECONDS)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)


@pytest.fixture
def workers():
    """A pool for the test's rq workers; any still running at the end are killed."""
    pool = Workers()
    yield pool
    pool.stop_all()


# Citizens through gunicorn, on PostgreSQL ------------------------------------


@pytest.fixture(scope="module")
def pg_url():
    """A migrated PostgreSQL database with the demo units and categories, for this module."""
    if not os.environ.get("TEST_DATABASE_URL"):
        unavailable("TEST_DATABASE_URL is not set")
    from app.extensions import db
    from app.seed.demo import SeedReport, seed_categories, seed_units
    from bench.db import make_app, scratch_database

    with scratch_database("lang_nghe_reliability") as url:
        app = make_app(url)
        with app.app_context():
            seed_categories(SeedReport(), seed_units(SeedReport()))
            db.session.commit()
            db.engine.dispose()
        yield url


def app_for(env: dict[str, str]):
    """The application as the test process sees the services of ``env``."""
    from bench.db import make_app

    overrides = {}
    if "REDIS_URL" in env:
        overrides.update(REDIS_URL=env["REDIS_URL"], RQ_QUEUE=env["RQ_QUEUE"])
    if "MAIL_SERVER" in env:
        overrides.update(MAIL_SERVER=env["MAIL_SERVER"], MAIL_PORT=int(env["MAIL_PORT"]))
    return make_app(env["DATABASE_URL"], **overrides)


def category_id(app, code: str = "THUE") -> int:
    """The id of a demo category."""
    from app.extensions import db
    from app.models import Category

    with app.app_context():
        found = db.session.scalar(sa.select(Category.id).where(Category.code == code))
        db.session.remove()
    return found


def submit(citizen: Citizen, category: int, n: int, email_updates: bool = True):
    """One submission through the public form, with a contact email and, unless told
    otherwise, the citizen's request for email updates; (status, tracking code of a 303)."""
    extra = {"citizen_email": f"congdan{n}@example.vn", "contact_consent": "y"}
    if email_updates:
        extra["notify_email"] = "y"
    answer = citizen.submit(category, f"Phản ánh thử lỗi {n}",
                            "Nội dung phản ánh trong lúc thử sự cố hệ thống.", **extra)
    return answer.status, tracking_code(answer)


def received_emails(app, codes: list[str]) -> dict[str, int]:
    """The "case received" email the web process wrote for each case, by tracking code.

    Each case must exist and have exactly that one email in the outbox: the demo
    units have no staff, so nobody else is written to.
    """
    from app.extensions import db
    from app.models import Case, Notification

    found: dict[str, int] = {}
    with app.app_context():
        for code in codes:
            case = db.session.scalar(sa.select(Case).where(Case.tracking_code == code))
            assert case is not None, f"a 303 pointed at {code}, which is not in the database"
            rows = db.session.execute(sa.select(Notification.id, Notification.kind)
                                      .where(Notification.case_id == case.id)).all()
            assert [kind for _, kind in rows] == ["case_received"], (code, rows)
            found[code] = rows[0].id
        db.session.remove()
    return found


def outbox(app) -> list[tuple[str, str, int]]:
    """(recipient, status, attempts) of every notification, oldest first."""
    from app.extensions import db
    from app.models import Notification

    with app.app_context():
        rows = db.session.execute(sa.select(
            Notification.recipient, Notification.status, Notification.attempts
        ).order_by(Notification.id))
        found = [tuple(row) for row in rows]
        db.session.remove()
    return found


def statuses(app, ids) -> dict[int, tuple[str, int]]:
    """(status, attempts) of each notification."""
    from app.extensions import db
    from app.models import Notification

    with app.app_context():
        rows = db.session.execute(
            sa.select(Notification.id, Notification.status, Notification.attempts)
            .where(Notification.id.in_(list(ids)))).all()
        db.session.remove()
    return {row.id: (row.status, row.attempts) for row in rows}
