"""The outbox: written with the change, delivered by a job, retried, never sent twice."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.dispatch import enqueue
from app.models import Category, DeliveryStatus, Notification
from app.notify import outbox
from tests.conftest import redis_url_or_skip
from tests.factories import MONDAY_9AM, make_case


@pytest.fixture
def case(db, world, smtp_server):
    case = make_case(db.session.get(Category, world.tax), citizen_email="congdan@example.vn")
    db.session.commit()
    smtp_server.messages.clear()  # the unit's own "new case" emails are tested elsewhere
    return case


def _queue(db, case, key="received", locale="vi"):
    return outbox.queue_email(
        kind="case_received", dedupe_key=f"{key}:{case.id}", recipient=case.citizen_email,
        locale=locale, template="case_received", now=MONDAY_9AM, case=case)


def test_queued_email_is_delivered_after_commit(mail_app, db, case, smtp_server):
    note = _queue(db, case)
    assert note.status == DeliveryStatus.PENDING
    assert smtp_server.messages == []  # nothing leaves before the commit
    db.session.commit()
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "congdan@example.vn"
    assert case.reference in message["Subject"]
    body = message.get_content()
    assert f"/track/{case.tracking_code}" in body and body.startswith("Cảm ơn")
    db.session.expire_all()
    assert db.session.get(Notification, note.id).status == DeliveryStatus.SENT


def test_english_citizens_get_english_email(mail_app, db, case, smtp_server):
    _queue(db, case, locale="en")
    db.session.commit()
    assert smtp_server.messages[0].get_content().startswith("Thank you for your feedback.")


def test_rolled_back_change_sends_nothing(mail_app, db, case, smtp_server):
    _queue(db, case)
    db.session.rollback()
    assert smtp_server.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.kind == "case_received")) == 0


def test_same_key_twice_is_one_message_and_redelivery_is_skipped(mail_app, db, case, smtp_server):
    note = _queue(db, case)
    assert _queue(db, case) is None
    db.session.commit()
    assert outbox.deliver(note.id, MONDAY_9AM) == "skipped"
    assert len(smtp_server.messages) == 1


def test_failed_delivery_backs_off_then_succeeds(app, db, case, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    note = _queue(db, case)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Notification, note.id)
    assert stored.status == DeliveryStatus.PENDING and stored.attempts == 1
    assert stored.last_error
    retry_at = stored.next_attempt_at
    assert outbox.due_for_delivery(retry_at - timedelta(seconds=1)) == []
    assert outbox.deliver(note.id, retry_at - timedelta(seconds=1)) == "skipped"
    app.config.update(MAIL_PORT=smtp_server.port)
    assert outbox.due_for_delivery(retry_at) == [note.id]
    assert outbox.deliver(note.id, retry_at) == "sent"
    assert len(smtp_server.messages) == 1


def test_gives_up_after_the_last_retry(app, db, case):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    note = _queue(db, case)
    db.session.commit()
    when = MONDAY_9AM
    for _ in range(len(outbox.BACKOFF)):
        db.session.expire_all()
        when = db.session.get(Notification, note.id).next_attempt_at
        outbox.deliver(note.id, when)
    db.session.expire_all()
    stored = db.session.get(Notification, note.id)
    assert stored.status == DeliveryStatus.FAILED
    assert stored.attempts == len(outbox.BACKOFF) + 1
    assert outbox.due_for_delivery(when + timedelta(days=30)) == []


def test_a_claim_left_by_a_dead_worker_is_taken_over(mail_app, db, case, smtp_server):
    mail_app.config.update(MAIL_SERVER=None)
    note = _queue(db, case)
    db.session.commit()
    # Simulate a worker that claimed the row and died before sending.
    db.session.execute(sa.update(Notification).where(Notification.id == note.id)
                       .values(status="sending", claimed_at=MONDAY_9AM, sent_at=None))
    db.session.commit()
    mail_app.config.update(MAIL_SERVER="127.0.0.1")
    assert outbox.deliver(note.id, MONDAY_9AM + timedelta(minutes=1)) == "skipped"
    later = MONDAY_9AM + outbox.STALE_CLAIM + timedelta(seconds=1)
    assert outbox.due_for_delivery(later) == [note.id]
    assert outbox.deliver(note.id, later) == "sent"
    assert len(smtp_server.messages) == 1


def test_enqueue_refuses_unknown_jobs(db):
    with pytest.raises(ValueError):
        enqueue("os.system", "true")


def test_delivery_through_a_real_redis_worker(mail_app, db, case, smtp_server):
    from rq import SimpleWorker

    from app.jobs.queue import get_queue

    url = redis_url_or_skip()
    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    mail_app.config.update(REDIS_URL=url, RQ_QUEUE=queue_name)
    note = _queue(db, case)
    db.session.commit()
    queue = get_queue(url, queue_name)
    assert queue.count == 1 and smtp_server.messages == []
    worker = SimpleWorker([queue], connection=queue.connection)
    # The worker builds its own app from the environment; point it at this test's database.
    import app.jobs.queue as job_queue

    job_queue._worker_app.cache_clear()
    original = job_queue._worker_app
    job_queue._worker_app = lambda: mail_app
    try:
        worker.work(burst=True)
    finally:
        job_queue._worker_app = original
        queue.delete(delete_jobs=True)
    assert len(smtp_server.messages) == 1
    db.session.expire_all()
    assert db.session.get(Notification, note.id).status == DeliveryStatus.SENT


def test_the_stale_claim_window_is_a_setting(mail_app, db, case, smtp_server):
    mail_app.config.update(DELIVERY_STALE_CLAIM_SECONDS=5, MAIL_SERVER=None)
    note = _queue(db, case)
    db.session.commit()
    # A worker claimed the row at 09:00 and died before sending.
    db.session.execute(sa.update(Notification).where(Notification.id == note.id)
                       .values(status="sending", claimed_at=MONDAY_9AM, sent_at=None))
    db.session.commit()
    mail_app.config.update(MAIL_SERVER="127.0.0.1")
    assert outbox.due_for_delivery(MONDAY_9AM + timedelta(seconds=5)) == []
    assert outbox.due_for_delivery(MONDAY_9AM + timedelta(seconds=6)) == [note.id]
    assert outbox.deliver(note.id, MONDAY_9AM + timedelta(seconds=6)) == "sent"
    assert len(smtp_server.messages) == 1
