"""Redis stopped while citizens submit: no case and no email is lost, none is sent twice.

Every 303 a citizen gets is a saved case; its emails wait in the outbox while Redis
is down, the sweep finds them once it is back (empty), and a worker sends each once.
"""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Case, DeliveryStatus
from app.notify.outbox import requeue_due
from bench.client import Citizen
from bench.server import Gunicorn
from tests.conftest import csrf_token
from tests.factories import EMAILS
from tests.reliability.conftest import (
    app_for,
    category_id,
    delivered_ids,
    outbox,
    received_emails,
    service_env,
    statuses,
    submit,
    worker_env,
)


def test_redis_stopped_while_citizens_submit_loses_no_case_and_no_email(
        pg_url, redis_server, smtp_server, queue_name, workers):
    """Through gunicorn: 4 submissions with Redis up, 8 with it stopped, 4 once it is back."""
    env = service_env(pg_url, redis_server.url, queue_name, smtp_server.port)
    app = app_for(env)
    category = category_id(app)
    answers, codes = [], []
    with Gunicorn("wsgi:app", env, workers=2) as web:
        citizen = Citizen(web.url)
        for phase, count in (("up", 4), ("down", 8), ("back", 4)):
            if phase == "down":
                redis_server.stop()
            if phase == "back":
                redis_server.start()
            for _ in range(count):
                status, code = submit(citizen, category, len(answers))
                answers.append((phase, status))
                if code:
                    codes.append(code)
    assert answers == [(phase, 303) for phase, _ in answers]  # no 5xx, even without Redis
    notes = received_emails(app, codes)
    assert len(notes) == 16
    ids = list(notes.values())
    assert all(status == DeliveryStatus.PENDING for status, _ in statuses(app, ids).values())
    with app.app_context():
        assert requeue_due(utcnow()) >= len(ids)  # the sweep finds what Redis lost
        db.session.remove()
    workers.run_burst(env, timeout=60)
    assert delivered_ids(smtp_server) == Counter({i: 1 for i in ids})
    assert statuses(app, ids) == {i: (DeliveryStatus.SENT, 1) for i in ids}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)
                                 .where(Case.tracking_code.in_(codes))) == 16
        db.session.remove()


def _submit(client, world, title: str):
    return client.post("/feedback/new", data={
        "csrf_token": csrf_token(client, "/feedback/new"),
        "category": world.tax,
        "title": title,
        "description": "Hẻm 42 tối om từ tuần trước.",
    })


def test_citizens_submit_while_redis_is_down_and_nothing_is_lost(
        queued_app, client, world, workers, redis_server, smtp_server, runner):
    """Through the web form of the test client; the staff alerts of each case are the emails."""
    app = queued_app
    redis_server.stop()
    codes = []
    for number in range(3):
        response = _submit(client, world, f"Đèn đường hư số {number}")
        assert response.status_code == 303
        codes.append(response.headers["Location"].rsplit("/", 1)[1])
    # Every case is saved and can be followed; its emails wait in the outbox.
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(Case.tracking_code))) == sorted(codes)
    for code in codes:
        assert client.get(f"/track/{code}").status_code == 200
    assert [status for _, status, _ in outbox(app)] == ["pending"] * 6
    assert smtp_server.messages == []

    redis_server.start()  # back, and empty: what was never enqueued is found in the outbox
    sweep = runner.invoke(args=["sla", "sweep"])
    assert "app.jobs.notifications.requeue_undelivered: 6" in sweep.output
    workers.run_burst(worker_env(app))
    assert Counter(m["To"] for m in smtp_server.messages) == {
        EMAILS["head_thue"]: 3, EMAILS["officer_thue"]: 3}
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 6
    assert outbox(app) == [(email, "sent", 1) for email in
                                   [EMAILS["head_thue"], EMAILS["officer_thue"]] * 3]

    # Running the sweep and a worker again sends nothing more.
    assert "requeue_undelivered: 0" in runner.invoke(args=["sla", "sweep"]).output
    workers.run_burst(worker_env(app))
    assert len(smtp_server.messages) == 6
