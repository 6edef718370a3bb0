"""Due times of cases, counted on the working calendar (DESIGN §6)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus, DeadlinePolicy
from app.models.calendar import CalendarDay
from app.services.deadlines import MINUTES_PER_WORKING_DAY, WorkingCalendar

# A case whose remaining time is under this share of its target is "due soon".
DUE_SOON_SHARE = 0.25


class DeadlineState(StrEnum):
    """How a case stands against its current deadline."""

    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    ANSWERED = "answered"
    NONE = "none"


def load_calendar() -> WorkingCalendar:
    """The working calendar with the CalendarDay exceptions from the database."""
    rows = db.session.execute(sa.select(CalendarDay.day, CalendarDay.kind)).all()
    return WorkingCalendar(
        days_off=frozenset(day for day, kind in rows if kind == "day_off"),
        makeup_days=frozenset(day for day, kind in rows if kind == "working_day"),
    )


def response_minutes(policy: DeadlinePolicy, priority: str) -> int:
    """Working minutes allowed for the response under a policy."""
    return policy.targets(priority)[1] * MINUTES_PER_WORKING_DAY


def ack_minutes(policy: DeadlinePolicy, priority: str) -> int:
    """Working minutes allowed for the acknowledgment under a policy."""
    return policy.targets(priority)[0] * 60


def set_due_times(case: Case, policy: DeadlinePolicy, calendar: WorkingCalendar) -> None:
    """Set both due times from the receipt time, the policy and the pauses so far.

    Acknowledgment: received + the policy's working hours. Response: the start of
    the response clock (receipt, or the latest reopening) + the policy's working
    days + the working time spent awaiting the citizen.
    """
    case.ack_due_at = calendar.add_working_minutes(
        case.received_at, ack_minutes(policy, case.priority)
    )
    case.response_due_at = calendar.add_working_minutes(
        case.clock_started_at, response_minutes(policy, case.priority) + case.paused_minutes
    )


@dataclass(frozen=True)
class Countdown:
    """Where a case stands: which deadline, how many working minutes left (negative: late)."""

    state: DeadlineState
    due_at: datetime | None
    minutes_left: int
    kind: str  # "ack" or "response" or ""


def countdown(case: Case, now: datetime, calendar: WorkingCalendar) -> Countdown:
    """The deadline that matters now for the case and the working time left before it."""
    if case.status in (CaseStatus.NEW, CaseStatus.ASSIGNED):
        due, kind, target = case.ack_due_at, "ack", ack_minutes(case.category.policy, case.priority)
    elif case.status == CaseStatus.IN_PROGRESS:
        due, kind = case.response_due_at, "response"
        target = response_minutes(case.category.policy, case.priority)
    elif case.status == CaseStatus.AWAITING_CITIZEN:
        return Countdown(DeadlineState.PAUSED, case.response_due_at, 0, "response")
    elif case.status in (CaseStatus.RESPONDED, CaseStatus.CLOSED):
        return Countdown(DeadlineState.ANSWERED, case.response_due_at, 0, "response")
    else:
        return Countdown(DeadlineState.NONE, None, 0, "")
    if now >= due:
        left = -calendar.working_minutes_between(due, now)
        return Countdown(DeadlineState.OVERDUE, due, left, kind)
    left = calendar.working_minutes_between(now, due)
    state = DeadlineState.DUE_SOON if left <= target * DUE_SOON_SHARE else DeadlineState.ON_TRACK
    return Countdown(state, due, left, kind)
