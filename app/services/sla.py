"""Due times of cases, counted on the working calendar (DESIGN §6)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa

from app.extensions import db
from app.models import OPEN_STATUSES, Case, CaseStatus, Category, DeadlinePolicy
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
    case.ack_due_at, case.response_due_at = due_times(
        policy, case.priority, case.received_at, case.clock_started_at, case.paused_minutes,
        calendar,
    )


def due_times(
    policy: DeadlinePolicy,
    priority: str,
    received_at: datetime,
    clock_started_at: datetime,
    paused_minutes: int,
    calendar: WorkingCalendar,
) -> tuple[datetime, datetime]:
    """(acknowledgment due, response due) of a case with these facts (see set_due_times)."""
    return (
        calendar.add_working_minutes(received_at, ack_minutes(policy, priority)),
        calendar.add_working_minutes(
            clock_started_at, response_minutes(policy, priority) + paused_minutes
        ),
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



def recompute_open_due_times(
    policy_id: int | None = None, calendar: WorkingCalendar | None = None
) -> int:
    """Recompute the due times of open cases after a policy or calendar change.

    Only the cases of categories under ``policy_id`` when given, else every open
    case. An acknowledgment deadline already met is history and stays. The
    cases' versions are not bumped: this is not an edit an officer's form could
    conflict with. Returns how many cases changed. The caller commits.
    """
    calendar = calendar or load_calendar()
    policies = {p.id: p for p in db.session.scalars(sa.select(DeadlinePolicy))}
    query = (
        sa.select(
            Case.id, Case.priority, Case.received_at, Case.clock_started_at,
            Case.paused_minutes, Case.acknowledged_at, Case.ack_due_at, Case.response_due_at,
            Category.policy_id,
        )
        .join(Category, Case.category_id == Category.id)
        .where(Case.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(Case.id)
    )
    if policy_id is not None:
        query = query.where(Category.policy_id == policy_id)
    changes = []
    for row in db.session.execute(query):
        ack_due, response_due = due_times(
            policies[row.policy_id], row.priority, row.received_at, row.clock_started_at,
            row.paused_minutes, calendar,
        )
        if row.acknowledged_at is not None:
            ack_due = row.ack_due_at
        if (ack_due, response_due) != (row.ack_due_at, row.response_due_at):
            changes.append({"case_id": row.id, "new_ack": ack_due, "new_response": response_due})
    if changes:
        table = Case.__table__
        db.session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("case_id"))
            .values(ack_due_at=sa.bindparam("new_ack"), response_due_at=sa.bindparam("new_response")),
            changes,
        )
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, Case):  # loaded cases must see the new due times
                db.session.expire(obj, ["ack_due_at", "response_due_at"])
    return len(changes)
