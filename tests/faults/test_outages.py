"""Faults at the system level: Redis stopped, a worker killed mid-job, the web process restarted.

Nothing a citizen was told is saved may be lost: every 303 is a case, and every
case's email goes out exactly once when the system has recovered.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Case, Category, DeliveryStatus, Notification
from app.notify.outbox import STALE_CLAIM, requeue_due
from bench.client import Citizen
from bench.db import make_app
from bench.server import Gunicorn, app_environment
from tests.faults.conftest import service_env, start_worker, submit, written_notifications


def kill_with_children(pid: int) -> None:
    """SIGKILL a process and its children (RQ's work horse runs in a session of its own)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        kill_with_children(int(child))
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _category(app) -> int:
    with app.app_context():
        category_id = db.session.scalar(sa.select(Category.id).where(Category.code == "THUE"))
        db.session.remove()
    return category_id


def _test_app(pg_url, env):
    return make_app(pg_url, REDIS_URL=env["REDIS_URL"], RQ_QUEUE=env["RQ_QUEUE"],
                    MAIL_SERVER=env["MAIL_SERVER"], MAIL_PORT=int(env["MAIL_PORT"]))


def _delivered_ids(inbox) -> Counter:
    return Counter(int(m["Message-ID"].split("-")[1].split("@")[0]) for m in inbox.messages)


def _statuses(app, ids) -> dict[int, tuple[str, int]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Notification.id, Notification.status, Notification.attempts)
            .where(Notification.id.in_(ids))).all()
        db.session.remove()
    return {row.id: (row.status, row.attempts) for row in rows}


def test_redis_stopped_while_citizens_submit_loses_no_case_and_no_email(
        pg_url, redis_server, inbox, queue_name):
    env = service_env(pg_url, redis_server.url, queue_name, inbox)
    app = _test_app(pg_url, env)
    category = _category(app)
    answers, notes = [], {}
    with Gunicorn("wsgi:app", env, workers=2) as web:
        citizen = Citizen(web.url)
        for phase, count in (("up", 4), ("down", 8), ("back", 4)):
            if phase == "down":
                redis_server.stop()
            if phase == "back":
                redis_server.start()
            for n in range(count):
                status, code = submit(citizen, category, len(answers))
                answers.append((phase, status))
                if code:
                    notes.update(written_notifications(app, [code]))
    assert answers == [(phase, 303) for phase, _ in answers]  # no 5xx, even without Redis
    assert len(notes) == 16
    ids = [i for row in notes.values() for i in row]
    assert all(status == DeliveryStatus.PENDING for status, _ in _statuses(app, ids).values())
    with app.app_context():
        assert requeue_due(utcnow()) >= len(ids)  # the sweep finds what Redis lost
        db.session.remove()
    worker = start_worker(env, queue_name, burst=True, simple=True)
    assert worker.wait(timeout=60) == 0
    assert _delivered_ids(inbox) == Counter({i: 1 for i in ids})
    assert _statuses(app, ids) == {i: (DeliveryStatus.SENT, 1) for i in ids}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)
                                 .where(Case.tracking_code.in_(list(notes)))) == 16
        db.session.remove()


def test_worker_killed_mid_job_the_email_goes_out_once(pg_url, redis_server, inbox, queue_name):
    env = service_env(pg_url, redis_server.url, queue_name, inbox)
    app = _test_app(pg_url, env)
    with Gunicorn("wsgi:app", env, workers=1) as web:
        status, code = submit(Citizen(web.url), _category(app), 100)
    assert status == 303
    (note_id,) = written_notifications(app, [code])[code]
    inbox.gate.clear()  # the SMTP server will hold the delivery after the recipient
    worker = start_worker(env, queue_name, burst=False)
    try:
        assert inbox.reached.wait(timeout=45), "the worker never started the delivery"
        assert _statuses(app, [note_id]) == {note_id: (DeliveryStatus.SENDING, 0)}
    finally:
        kill_with_children(worker.pid)  # the worker and its work horse, mid-job
        worker.wait(timeout=10)
        inbox.gate.set()
    time.sleep(0.5)
    assert inbox.messages == []
    # Ten minutes pass: the claim of the dead worker goes stale.
    with app.app_context():
        note = db.session.get(Notification, note_id)
        note.claimed_at -= STALE_CLAIM + timedelta(minutes=1)
        db.session.commit()
        assert requeue_due(utcnow()) == 1
        db.session.remove()
    assert start_worker(env, queue_name, burst=True).wait(timeout=60) == 0
    assert _delivered_ids(inbox) == Counter({note_id: 1})
    assert _statuses(app, [note_id]) == {note_id: (DeliveryStatus.SENT, 1)}


def test_web_restarts_mid_load_every_303_is_a_case(pg_url):
    app = make_app(pg_url)
    category = _category(app)
    env = app_environment(pg_url)
    web = Gunicorn("wsgi:app", env, workers=2).start()
    attempts, answers, lock = [0], [], threading.Lock()
    deadline = time.monotonic() + 60

    def citizen_loop(number: int) -> None:
        citizen = Citizen(web.url, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if attempts[0] >= 90:
                    return
                attempts[0] += 1
                n = attempts[0]
            try:
                status, code = submit(citizen, category, 1000 * number + n)
            except (OSError, LookupError):
                status, code = None, None
                time.sleep(0.1)
            with lock:
                answers.append((status, code))

    threads = [threading.Thread(target=citizen_loop, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    try:
        while attempts[0] < 30 and time.monotonic() < deadline:
            time.sleep(0.02)
        web.reload()  # graceful: new workers, old ones finish what they hold
        while attempts[0] < 60 and time.monotonic() < deadline:
            time.sleep(0.02)
        web.kill()  # hard: master and workers die with requests in flight
        web = Gunicorn("wsgi:app", env, workers=2, port=web.port).start()
        for thread in threads:
            thread.join(timeout=90)
    finally:
        web.stop()
    statuses = Counter(status for status, _ in answers)
    assert not [s for s in statuses if s is not None and s >= 500], statuses
    issued = [code for status, code in answers if status == 303]
    assert len(issued) >= 45, statuses
    with app.app_context():
        found = set(db.session.scalars(sa.select(Case.tracking_code).where(Case.tracking_code.in_(issued))))
        db.session.remove()
    assert found == set(issued)
