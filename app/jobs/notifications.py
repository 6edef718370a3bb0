"""Jobs that deliver the outbox."""
from __future__ import annotations

from app.services import notifications
from app.timeutil import utcnow


def deliver(notification_id: int) -> str:
    """Send one notification (idempotent: a sent one is skipped)."""
    return notifications.deliver(notification_id, utcnow())


def requeue_undelivered() -> int:
    """Periodic: enqueue every notification that is due and not delivered."""
    return notifications.requeue_due(utcnow())
