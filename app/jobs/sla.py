"""Periodic jobs that enforce deadlines. Each takes no argument and is idempotent."""
from __future__ import annotations

from flask import current_app

from app.cases import cohandling
from app.core.timeutil import utcnow
from app.deadlines import enforcement
from app.deadlines.sla import load_calendar


def send_reminders() -> int:
    """Remind the assignee (or unit heads) of cases with 75 % of their time used."""
    return enforcement.send_reminders(utcnow(), load_calendar())


def escalate_overdue() -> int:
    """Tell the unit heads and the committee about cases past a due time."""
    return enforcement.escalate_overdue(utcnow(), load_calendar())


def close_answered() -> int:
    """Close answered cases whose reopen window (working days) has passed."""
    return enforcement.close_answered(utcnow(), current_app.config["REOPEN_WINDOW_DAYS"], load_calendar())


def sweep_cohandling() -> int:
    """Remind the units asked for input at 75 % of their time; escalate those past their day."""
    return cohandling.sweep(utcnow(), load_calendar())
