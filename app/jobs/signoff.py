"""The periodic reminder of answers waiting for the unit leader's sign-off (idempotent)."""
from __future__ import annotations

from app.cases import signoff
from app.core.timeutil import utcnow
from app.deadlines.sla import load_calendar


def remind_reviews() -> int:
    """Remind the reviewers, once, of drafts waiting too long or whose case is nearly due."""
    return signoff.remind_reviews(utcnow(), load_calendar())
