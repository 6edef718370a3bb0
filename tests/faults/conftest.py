"""System-level fault tests: the real gunicorn, PostgreSQL, a Redis of their own and `rq worker`.

They need TEST_DATABASE_URL (a database is created for the module and dropped)
and the `redis-server` binary; each test starts its own Redis on a spare port
and never touches the shared one. Without them they skip, or fail when
REQUIRE_SERVICES=1.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from redis import Redis

from bench.client import Citizen, tracking_code
from bench.server import REPO, app_environment, free_port


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def pg_url():
    """A migrated PostgreSQL database with the demo units and categories, for this module."""
    if not os.environ.get("TEST_DATABASE_URL"):
        _unavailable("TEST_DATABASE_URL is not set")
    from app.extensions import db
    from app.seed.demo import SeedReport, seed_categories, seed_units
    from bench.db import make_app, scratch_database

    with scratch_database("lang_nghe_faults") as url:
        app = make_app(url)
        with app.app_context():
            seed_categories(SeedReport(), seed_units(SeedReport()))
            db.session.commit()
            db.engine.dispose()
        yield url


class RedisServer:
    """A redis-server of the test's own on a spare loopback port, that the test can stop."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except OSError:
                time.sleep(0.05)
            except Exception:  # noqa: BLE001 - redis' ConnectionError while it starts
                time.sleep(0.05)
        raise TimeoutError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    """Our own Redis, started; stopped at the end whatever happened."""
    if shutil.which("redis-server") is None:
        _unavailable("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


class GatedInbox:
    """An SMTP handler that can hold a delivery in the middle, after the recipient is given."""

    def __init__(self):
        self.messages = []
        self.gate = threading.Event()
        self.gate.set()
        self.reached = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.reached.set()
        while not self.gate.is_set():
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox():
    """A loopback SMTP server (aiosmtpd) whose deliveries the test can hold."""
    from aiosmtpd.controller import Controller

    handler = GatedInbox()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    handler.gate.set()
    controller.stop()


@pytest.fixture
def queue_name():
    return f"faults-{uuid.uuid4().hex[:8]}"


def service_env(pg_url: str, redis_url: str, queue: str, inbox) -> dict[str, str]:
    """What the web and the worker processes read: the same database, Redis, queue and SMTP."""
    return app_environment(pg_url, REDIS_URL=redis_url, RQ_QUEUE=queue,
                           MAIL_SERVER="127.0.0.1", MAIL_PORT=str(inbox.port))


def start_worker(env: dict[str, str], queue: str, burst: bool, simple: bool = False) -> subprocess.Popen:
    """A real `rq worker` process (in its own process group, so it can be killed whole)."""
    rq = Path(sys.executable).with_name("rq")
    args = [str(rq), "worker", "--url", env["REDIS_URL"], "--quiet"]
    if burst:
        args.append("--burst")
    if simple:
        args += ["--worker-class", "rq.worker.SimpleWorker"]
    return subprocess.Popen([*args, queue], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def submit(citizen: Citizen, category_id: int, n: int) -> tuple[int, str | None]:
    """One submission with a contact email; (status, tracking code of a 303)."""
    answer = citizen.submit(category_id, f"Phản ánh thử lỗi {n}",
                            "Nội dung phản ánh trong lúc thử sự cố hệ thống.",
                            citizen_email=f"congdan{n}@example.vn", contact_consent="y")
    return answer.status, tracking_code(answer)


def written_notifications(app, codes: list[str]) -> dict[str, list[int]]:
    """The outbox rows of each case, by tracking code.

    Submissions on this build do not write an email yet (the intake work adds the
    "case received" email); for a case with none, the test writes that email
    itself, with the same outbox call, at the moment of the submission, so the
    outbox meets the same Redis as the web process did.
    """
    import sqlalchemy as sa

    from app.core.timeutil import utcnow
    from app.extensions import db
    from app.models import Case, Notification
    from app.notify.outbox import queue_email

    rows: dict[str, list[int]] = {}
    with app.app_context():
        for code in codes:
            case = db.session.scalar(sa.select(Case).where(Case.tracking_code == code))
            assert case is not None, f"a 303 pointed at {code}, which is not in the database"
            ids = list(db.session.scalars(sa.select(Notification.id).where(Notification.case_id == case.id)))
            if not ids:
                note = queue_email(kind="case_received", dedupe_key=f"case_received:{case.id}",
                                   recipient=case.citizen_email, locale=case.locale,
                                   template="case_received", now=utcnow(), case=case)
                db.session.commit()
                ids = [note.id]
            rows[code] = ids
        db.session.remove()
    return rows
