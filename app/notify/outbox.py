"""The notification outbox (see docs/architecture.md, "How a job flows").

A change that should tell someone writes a Notification row in its own
transaction (``queue_email``) and enqueues delivery; delivery (``deliver``) is
idempotent and retries with backoff; ``requeue_due`` finds rows that a lost
job or a Redis outage left behind.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.core.dispatch import enqueue
from app.core.mail import MailError, send_email
from app.extensions import db
from app.models import Case, DeliveryStatus, Notification
from app.notify.emails import render_email

DELIVER_JOB = "app.jobs.notifications.deliver"
# Seconds to wait after the 1st, 2nd, ... failed attempt; after the last, give up.
BACKOFF = (60, 300, 1800, 7200, 21600, 43200)
# A delivery claimed this long ago without finishing was lost (a killed worker);
# the setting DELIVERY_STALE_CLAIM_SECONDS overrides it.
STALE_CLAIM = timedelta(minutes=10)


def queue_email(
    *,
    kind: str,
    dedupe_key: str,
    recipient: str,
    locale: str,
    template: str,
    now: datetime,
    case: Case | None = None,
    **context,
) -> Notification | None:
    """Write an email to the outbox, rendered in the recipient's language.

    Returns None when a message with the same key already exists, so the
    caller can call this again safely.
    """
    exists = db.session.scalar(
        sa.select(Notification.id).where(Notification.dedupe_key == dedupe_key)
    )
    if exists is not None:
        return None
    subject, body = render_email(template, locale, case=case, **context)
    notification = Notification(
        kind=kind, dedupe_key=dedupe_key, channel="email",
        recipient=recipient, locale=locale, subject=subject[:200], body=body,
        status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now, created_at=now,
    )
    if case is not None:
        notification.case_id = case.id
    db.session.add(notification)
    db.session.flush()
    enqueue(DELIVER_JOB, notification.id)
    return notification


def stale_claim() -> timedelta:
    """How long a claimed delivery may run before another worker takes it over."""
    seconds = current_app.config.get("DELIVERY_STALE_CLAIM_SECONDS")
    return STALE_CLAIM if seconds is None else timedelta(seconds=int(seconds))


def _claim(notification_id: int, now: datetime) -> Notification | None:
    """Mark a deliverable row as being sent, so two workers never send it both."""
    claimed = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.id == notification_id,
            sa.or_(
                sa.and_(
                    Notification.status == DeliveryStatus.PENDING.value,
                    Notification.next_attempt_at <= now,
                ),
                sa.and_(
                    Notification.status == DeliveryStatus.SENDING.value,
                    Notification.claimed_at < now - stale_claim(),
                ),
            ),
        )
        .values(status=DeliveryStatus.SENDING.value, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    return db.session.get(Notification, notification_id, populate_existing=True)


def deliver(notification_id: int, now: datetime) -> str:
    """Send one outbox row. Returns what happened: sent, retry, failed or skipped."""
    notification = _claim(notification_id, now)
    if notification is None:
        return "skipped"  # already sent, being sent, or not yet due for a retry
    config = current_app.config
    try:
        send_email(
            server=config.get("MAIL_SERVER"),
            port=config.get("MAIL_PORT", 25),
            sender=config["MAIL_DEFAULT_SENDER"],
            recipient=notification.recipient,
            subject=notification.subject,
            body=notification.body,
            message_id=f"<notification-{notification.id}@lang-nghe>",
        )
    except MailError as exc:
        notification.attempts += 1
        notification.last_error = str(exc)[:500]
        notification.claimed_at = None
        if notification.attempts > len(BACKOFF):
            notification.status = DeliveryStatus.FAILED.value
            outcome = "failed"
        else:
            notification.status = DeliveryStatus.PENDING.value
            notification.next_attempt_at = now + timedelta(
                seconds=BACKOFF[notification.attempts - 1]
            )
            outcome = "retry"
        db.session.commit()
        return outcome
    notification.attempts += 1
    notification.status = DeliveryStatus.SENT.value
    notification.sent_at = now
    notification.last_error = None
    db.session.commit()
    return "sent"


def due_for_delivery(now: datetime, limit: int = 500) -> list[int]:
    """Ids of rows to (re)send now: pending and due, or claimed by a worker that died."""
    return list(
        db.session.scalars(
            sa.select(Notification.id)
            .where(
                sa.or_(
                    sa.and_(
                        Notification.status == DeliveryStatus.PENDING.value,
                        Notification.next_attempt_at <= now,
                    ),
                    sa.and_(
                        Notification.status == DeliveryStatus.SENDING.value,
                        Notification.claimed_at < now - stale_claim(),
                    ),
                )
            )
            .order_by(Notification.id)
            .limit(limit)
        )
    )


def requeue_due(now: datetime) -> int:
    """Enqueue delivery of every row that is due; returns how many."""
    ids = due_for_delivery(now)
    for notification_id in ids:
        enqueue(DELIVER_JOB, notification_id)
    db.session.commit()
    return len(ids)
