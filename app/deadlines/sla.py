"""Due times of cases, counted on the working calendar."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.cases.holding import in_recorded_order
from app.deadlines import clocks
from app.deadlines.calendar import MINUTES_PER_WORKING_DAY, WorkingCalendar
from app.deadlines.clocks import Deadline
from app.extensions import db
from app.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    DeadlinePolicy,
)
from app.models.calendar import CalendarDay

# A running deadline less than one working day away is "due soon". The rule is
# an instant (see due_soon_limit) so that the queue's SQL filter and the badges agree.
DUE_SOON_MINUTES = MINUTES_PER_WORKING_DAY


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
    case.ack_due_at, case.response_due_at = due_times(case, policy, calendar)


def due_times(
    case: Case, policy: DeadlinePolicy, calendar: WorkingCalendar
) -> tuple[datetime, datetime]:
    """(acknowledgment due, response due) as ``set_due_times`` counts them, without storing."""
    ack_due = calendar.add_working_minutes(case.received_at, ack_minutes(policy, case.priority))
    response_due = calendar.add_working_minutes(
        case.clock_started_at, response_minutes(policy, case.priority) + case.paused_minutes
    )
    return ack_due, response_due


@dataclass(frozen=True)
class Pause:
    """A stretch of time the case spent awaiting the citizen, with its working minutes."""

    start: datetime
    end: datetime | None  # None: the case still awaits the citizen
    minutes: int


def citizen_pauses(
    events: Iterable[CaseEvent], since: datetime, calendar: WorkingCalendar,
    now: datetime | None = None,
) -> list[Pause]:
    """The stretches of a timeline spent awaiting the citizen, from ``since`` on.

    A pause starts with the move into ``awaiting_citizen`` and ends with the move
    out of it; each is measured in whole working minutes (floored), as the due
    time counts it. Events before ``since`` do not count. An open pause is
    measured up to ``now`` when given, else counts 0 minutes.
    """
    pauses: list[Pause] = []
    started: datetime | None = None
    for event in in_recorded_order(events):
        if event.created_at < since:
            continue
        if event.to_status == CaseStatus.AWAITING_CITIZEN and started is None:
            started = event.created_at
        elif event.from_status == CaseStatus.AWAITING_CITIZEN and started is not None:
            pauses.append(
                Pause(started, event.created_at,
                      calendar.working_minutes_between(started, event.created_at))
            )
            started = None
    if started is not None:
        so_far = calendar.working_minutes_between(started, now) if now else 0
        pauses.append(Pause(started, None, so_far))
    return pauses


def response_pauses(
    case: Case, calendar: WorkingCalendar, now: datetime | None = None
) -> list[Pause]:
    """The pauses of the current response clock (pauses before a reopening do not count)."""
    return citizen_pauses(case.events, case.clock_started_at, calendar, now)


def completed_pause_minutes(pauses: list[Pause]) -> int:
    """Working minutes of the finished pauses: what moves the response due time."""
    return sum(pause.minutes for pause in pauses if pause.end is not None)


def recompute_due_times(
    calendar: WorkingCalendar | None = None, policy_id: int | None = None, batch: int = 500
) -> int:
    """Count the due times of every open case again, after the calendar or a policy changed.

    Paused time is measured again from the timeline on the new calendar. Only
    ``policy_id``'s cases when given. An acknowledgment deadline already met is
    history and stays. The cases' versions are not bumped: this is not an edit
    an officer's open form could conflict with. Returns how many cases got new
    due times. The caller commits.
    """
    calendar = calendar or load_calendar()
    ids_stmt = sa.select(Case.id).where(Case.status.in_([s.value for s in OPEN_STATUSES]))
    if policy_id is not None:
        ids_stmt = ids_stmt.join(Category, Case.category_id == Category.id).where(
            Category.policy_id == policy_id
        )
    ids = list(db.session.scalars(ids_stmt.order_by(Case.id)))
    changes = []
    for offset in range(0, len(ids), batch):
        cases = db.session.scalars(
            sa.select(Case)
            .where(Case.id.in_(ids[offset:offset + batch]))
            .options(joinedload(Case.category).joinedload(Category.policy),
                     selectinload(Case.events))
        )
        for case in cases:
            paused = completed_pause_minutes(response_pauses(case, calendar))
            facts = dict(received_at=case.received_at, clock_started_at=case.clock_started_at,
                         paused_minutes=paused, priority=case.priority)
            ack_due, response_due = due_times(_Facts(**facts), case.category.policy, calendar)
            if case.acknowledged_at is not None:
                ack_due = case.ack_due_at
            if (ack_due, response_due, paused) != (
                case.ack_due_at, case.response_due_at, case.paused_minutes
            ):
                changes.append({"case_id": case.id, "new_ack": ack_due,
                                "new_response": response_due, "new_paused": paused})
    if changes:
        table = Case.__table__
        db.session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("case_id"))
            .values(ack_due_at=sa.bindparam("new_ack"),
                    response_due_at=sa.bindparam("new_response"),
                    paused_minutes=sa.bindparam("new_paused")),
            changes,
        )
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, Case):  # loaded cases must see the new due times
                db.session.expire(obj, ["ack_due_at", "response_due_at", "paused_minutes"])
    return len(changes)


@dataclass(frozen=True)
class _Facts:
    """What due_times() reads of a case, without touching the loaded object."""

    received_at: datetime
    clock_started_at: datetime
    paused_minutes: int
    priority: str


@dataclass(frozen=True)
class Countdown:
    """Where a case stands: which deadline, how many working minutes left (negative: late)."""

    state: DeadlineState
    due_at: datetime | None
    minutes_left: int
    kind: str  # a Deadline ("ack", "response"), or "" when none


def due_soon_limit(now: datetime, calendar: WorkingCalendar) -> datetime:
    """The instant before which a running deadline counts as "due soon"."""
    return calendar.add_working_minutes(now, DUE_SOON_MINUTES)


def countdown(case: Case, now: datetime, calendar: WorkingCalendar) -> Countdown:
    """The deadline that matters now for the case and the working time left before it.

    That is the running deadline that falls first (see app/deadlines/clocks.py).
    """
    first = clocks.first_running(case)
    if first is None:
        if clocks.paused_deadline(case.status) is not None:
            return Countdown(DeadlineState.PAUSED, case.response_due_at, 0, Deadline.RESPONSE)
        if case.status in clocks.ANSWERED_STATUSES:
            return Countdown(DeadlineState.ANSWERED, case.response_due_at, 0, Deadline.RESPONSE)
        return Countdown(DeadlineState.NONE, None, 0, "")
    kind, due = first
    if now >= due:
        left = -calendar.working_minutes_between(due, now)
        return Countdown(DeadlineState.OVERDUE, due, left, kind)
    left = calendar.working_minutes_between(now, due)
    soon = due < due_soon_limit(now, calendar)
    return Countdown(DeadlineState.DUE_SOON if soon else DeadlineState.ON_TRACK, due, left, kind)


def current_due_at() -> sa.ColumnElement:
    """SQL: the deadline countdown() looks at (NULL once the case is answered or rejected)."""
    return sa.case(
        (Case.status.in_(clocks.statuses_paused(Deadline.RESPONSE)), Case.response_due_at),
        else_=clocks.first_running_due(),
    )


def deadline_state_filter(
    state: DeadlineState, now: datetime, calendar: WorkingCalendar
) -> sa.ColumnElement[bool]:
    """SQL selecting the cases countdown() puts in ``state`` (overdue, due soon or on track)."""
    limit = due_soon_limit(now, calendar)
    if state == DeadlineState.OVERDUE:
        return clocks.any_running(lambda due: due <= now)
    if state == DeadlineState.DUE_SOON:
        return sa.and_(clocks.all_running(lambda due: due > now),
                       clocks.any_running(lambda due: due < limit))
    if state == DeadlineState.ON_TRACK:
        return clocks.all_running(lambda due: due >= limit)
    raise ValueError(f"no SQL filter for the deadline state {state!r}")
