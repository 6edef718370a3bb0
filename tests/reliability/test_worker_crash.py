"""An `rq worker` killed in the middle of a delivery: the email still goes out, exactly once.

The worker and its work-horse are killed while the SMTP server holds the delivery
after the recipient; once the dead worker's claim is stale, the sweep hands the
delivery to a new worker, which sends it.
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Category, DeliveryStatus, Notification
from app.notify.outbox import STALE_CLAIM, requeue_due
from bench.client import Citizen
from bench.server import Gunicorn
from tests.factories import EMAILS, make_case
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


def test_worker_killed_mid_job_the_email_goes_out_once(
        pg_url, redis_server, smtp_server, queue_name, workers):
    """A citizen's "case received" email, submitted through gunicorn."""
    env = service_env(pg_url, redis_server.url, queue_name, smtp_server.port)
    app = app_for(env)
    with Gunicorn("wsgi:app", env, workers=1) as web:
        status, code = submit(Citizen(web.url), category_id(app), 100)
    assert status == 303
    note_id = received_emails(app, [code])[code]
    smtp_server.hold()  # the SMTP server will hold the delivery after the recipient
    worker = workers.start(env)
    try:
        assert smtp_server.holding.wait(timeout=45), "the worker never started the delivery"
        assert statuses(app, [note_id]) == {note_id: (DeliveryStatus.SENDING, 0)}
    finally:
        workers.kill(worker)  # the worker and its work horse, mid-job
        smtp_server.release()
    time.sleep(0.5)
    assert smtp_server.messages == []
    # Ten minutes pass: the claim of the dead worker goes stale.
    with app.app_context():
        note = db.session.get(Notification, note_id)
        note.claimed_at -= STALE_CLAIM + timedelta(minutes=1)
        db.session.commit()
        assert requeue_due(utcnow()) == 1
        db.session.remove()
    workers.run_burst(env, timeout=60)
    assert delivered_ids(smtp_server) == Counter({note_id: 1})
    assert statuses(app, [note_id]) == {note_id: (DeliveryStatus.SENT, 1)}


def test_a_worker_killed_in_the_middle_of_a_delivery(queued_app, world, smtp_server, workers,
                                                      runner):
    """Two staff alerts of a routed case; the first is in the SMTP conversation when the
    worker dies, the second still waits on the queue."""
    app = queued_app
    with app.app_context():
        # Routing the case writes two emails to Cục Thuế's staff and enqueues them on RQ.
        make_case(db.session.get(Category, world.tax), now=utcnow())
        db.session.commit()
    smtp_server.hold()
    worker = workers.start(worker_env(app))
    assert smtp_server.holding.wait(timeout=60), "the worker never reached the SMTP server"
    workers.kill(worker)  # in the middle of the SMTP conversation of the first email
    smtp_server.release()
    time.sleep(0.5)  # room for a wrongly surviving sender to finish: the next line would see it
    assert smtp_server.messages == []
    assert [status for _, status, _ in outbox(app)] == [DeliveryStatus.SENDING,
                                                                 DeliveryStatus.PENDING]

    # Once the claim is stale, the sweep hands both deliveries to a new worker.
    with app.app_context():
        claimed = db.session.scalar(sa.select(sa.func.max(Notification.claimed_at)))
    time.sleep(max(0.0, (claimed + timedelta(seconds=2) - utcnow()).total_seconds()) + 0.2)
    sweep = runner.invoke(args=["sla", "sweep"])
    assert "app.jobs.notifications.requeue_undelivered: 2" in sweep.output
    workers.run_burst(worker_env(app))  # also runs the second email's original job: sent once

    assert sorted(m["To"] for m in smtp_server.messages) == [EMAILS["head_thue"],
                                                             EMAILS["officer_thue"]]
    with app.app_context():  # the killed delivery was claimed again by the new worker
        assert db.session.scalar(sa.select(sa.func.min(Notification.claimed_at))) > claimed
    assert outbox(app) == [(EMAILS["head_thue"], "sent", 1),
                                   (EMAILS["officer_thue"], "sent", 1)]
