"""Jobs that deliver the outbox."""
from __future__ import annotations

from app.core.timeutil import utcnow
from app.notify import outbox


def deliver(notification_id: int) -> str:
    """Send one notification (idempotent: a sent one is skipped)."""
    return outbox.deliver(notification_id, utcnow())


def requeue_undelivered() -> int:
    """Periodic: enqueue every notification that is due and not delivered."""
    return outbox.requeue_due(utcnow())
