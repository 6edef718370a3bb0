"""Stopping Redis loses nothing; killing a worker mid-delivery sends the email exactly once.

Real processes throughout: a redis-server of the test's own, `rq worker`
processes, an SMTP server on loopback, the web form through the test client.
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Case, Category, DeliveryStatus, Notification
from tests.conftest import csrf_token
from tests.factories import EMAILS, make_case


def _notifications(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.execute(sa.select(
            Notification.recipient, Notification.status, Notification.attempts
        ).order_by(Notification.id))
        return [tuple(row) for row in rows]


def _submit(client, world, title: str):
    return client.post("/feedback/new", data={
        "csrf_token": csrf_token(client, "/feedback/new"),
        "category": world.tax,
        "title": title,
        "description": "Hẻm 42 tối om từ tuần trước.",
    })


def test_citizens_submit_while_redis_is_down_and_nothing_is_lost(
        mail_app, client, world, workers, redis_server, smtp_server, runner):
    app = mail_app
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
    assert [status for _, status, _ in _notifications(app)] == ["pending"] * 6
    assert smtp_server.messages == []

    redis_server.start()  # back, and empty: what was never enqueued is found in the outbox
    sweep = runner.invoke(args=["sla", "sweep"])
    assert "app.jobs.notifications.requeue_undelivered: 6" in sweep.output
    workers.run_burst()
    assert Counter(m["To"] for m in smtp_server.messages) == {
        EMAILS["head_thue"]: 3, EMAILS["officer_thue"]: 3}
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 6
    assert _notifications(app) == [(email, "sent", 1) for email in
                                   [EMAILS["head_thue"], EMAILS["officer_thue"]] * 3]

    # Running the sweep and a worker again sends nothing more.
    assert "requeue_undelivered: 0" in runner.invoke(args=["sla", "sweep"]).output
    workers.run_burst()
    assert len(smtp_server.messages) == 6


@pytest.fixture
def slow_mail_app(app, slow_smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=slow_smtp_server.port)
    return app


def test_a_worker_killed_in_the_middle_of_a_delivery(
        slow_mail_app, world, slow_smtp_server, workers, runner):
    app = slow_mail_app
    with app.app_context():
        # Routing the case writes two emails to Cục Thuế's staff and enqueues them on RQ.
        make_case(db.session.get(Category, world.tax), now=utcnow())
        db.session.commit()
    worker = workers.start()
    assert slow_smtp_server.stalled.wait(timeout=60), "the worker never reached the SMTP server"
    workers.kill(worker)  # in the middle of the SMTP conversation of the first email
    slow_smtp_server.release.set()
    time.sleep(0.5)  # room for a wrongly surviving sender to finish: the next line would see it
    assert slow_smtp_server.messages == []
    statuses = [status for _, status, _ in _notifications(app)]
    assert statuses == [DeliveryStatus.SENDING, DeliveryStatus.PENDING]

    # Once the claim is stale, the sweep hands both deliveries to a new worker.
    with app.app_context():
        claimed = db.session.scalar(sa.select(sa.func.max(Notification.claimed_at)))
    time.sleep(max(0.0, (claimed + timedelta(seconds=2) - utcnow()).total_seconds()) + 0.2)
    sweep = runner.invoke(args=["sla", "sweep"])
    assert "app.jobs.notifications.requeue_undelivered: 2" in sweep.output
    workers.run_burst()  # also runs the second email's original job: claimed once, sent once

    assert sorted(m["To"] for m in slow_smtp_server.messages) == [EMAILS["head_thue"],
                                                                  EMAILS["officer_thue"]]
    with app.app_context():  # the killed delivery was claimed again by the new worker
        assert db.session.scalar(sa.select(sa.func.min(Notification.claimed_at))) > claimed
    assert _notifications(app) == [(EMAILS["head_thue"], "sent", 1),
                                   (EMAILS["officer_thue"], "sent", 1)]
