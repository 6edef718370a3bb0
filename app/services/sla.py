"""Due times of cases, counted on the working calendar (DESIGN §6)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus, DeadlinePolicy
from app.models.calendar import CalendarDay
from app.services.deadlines import MINUTES_PER_WORKING_DAY, WorkingCalendar

# A running deadline less than one working day away is "due soon". The rule is
# an instant (see due_soon_limit) so that the queue's SQL filter and the badges agree.
DUE_SOON_MINUTES = MINUTES_PER_WORKING_DAY
# Which deadline is running in each state: the acknowledgment until the unit
# takes the case up, then the response (paused while awaiting the citizen).
ACK_CLOCK_STATUSES = (CaseStatus.NEW, CaseStatus.ASSIGNED)


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


def due_soon_limit(now: datetime, calendar: WorkingCalendar) -> datetime:
    """The instant before which a running deadline counts as "due soon"."""
    return calendar.add_working_minutes(now, DUE_SOON_MINUTES)


def countdown(case: Case, now: datetime, calendar: WorkingCalendar) -> Countdown:
    """The deadline that matters now for the case and the working time left before it."""
    if case.status in ACK_CLOCK_STATUSES:
        due, kind = case.ack_due_at, "ack"
    elif case.status == CaseStatus.IN_PROGRESS:
        due, kind = case.response_due_at, "response"
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
    soon = due < due_soon_limit(now, calendar)
    return Countdown(DeadlineState.DUE_SOON if soon else DeadlineState.ON_TRACK, due, left, kind)


def current_due_at() -> sa.ColumnElement:
    """SQL: the deadline countdown() looks at (NULL once the case is answered or rejected)."""
    return sa.case(
        (Case.status.in_([s.value for s in ACK_CLOCK_STATUSES]), Case.ack_due_at),
        (
            Case.status.in_([CaseStatus.IN_PROGRESS.value, CaseStatus.AWAITING_CITIZEN.value]),
            Case.response_due_at,
        ),
        else_=None,
    )


def _running_deadline(test: Callable[[sa.ColumnElement], sa.ColumnElement[bool]]):
    """SQL: the running (not paused) deadline passes ``test``."""
    return sa.or_(
        sa.and_(Case.status.in_([s.value for s in ACK_CLOCK_STATUSES]), test(Case.ack_due_at)),
        sa.and_(Case.status == CaseStatus.IN_PROGRESS.value, test(Case.response_due_at)),
    )


def deadline_state_filter(
    state: DeadlineState, now: datetime, calendar: WorkingCalendar
) -> sa.ColumnElement[bool]:
    """SQL selecting the cases countdown() puts in ``state`` (overdue, due soon or on track)."""
    limit = due_soon_limit(now, calendar)
    if state == DeadlineState.OVERDUE:
        return _running_deadline(lambda due: due <= now)
    if state == DeadlineState.DUE_SOON:
        return _running_deadline(lambda due: sa.and_(due > now, due < limit))
    if state == DeadlineState.ON_TRACK:
        return _running_deadline(lambda due: due >= limit)
    raise ValueError(f"no SQL filter for the deadline state {state!r}")
