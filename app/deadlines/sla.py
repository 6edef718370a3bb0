"""Due times of cases, counted on the working calendar."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import format_date
from sqlalchemy.orm import selectinload

from app.cases.holding import in_recorded_order
from app.core.timeutil import local_datetime
from app.deadlines import clocks, counting, regimes
from app.deadlines.calendar import MINUTES_PER_WORKING_DAY, WorkingCalendar
from app.deadlines.clocks import Deadline
from app.extensions import db
from app.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    CountUnit,
    DeadlineRegime,
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


@dataclass(frozen=True)
class DueTimes:
    """A case's due times as its regime counts them, and how each was counted."""

    ack: datetime
    ack_unit: str
    response: datetime
    response_unit: str
    # The answer's due time without the extensions granted (equal when none was).
    response_before_extensions: datetime


def response_start(case, regime: DeadlineRegime, ack_due: datetime) -> datetime:
    """The event the answer's period is counted from.

    Receipt, or the latest reopening; where the law counts the answer from acceptance
    (khiếu nại, tố cáo), the acceptance — and until the case is accepted, the last moment
    it may be, so that the answer's date shown never flatters the unit.
    """
    start = case.clock_started_at
    if regime.resolution_from_first_step:
        if case.acknowledged_at is None:
            return max(start, ack_due - timedelta(microseconds=1))
        return max(start, case.acknowledged_at)
    return start


def due_times(case, regime: DeadlineRegime, calendar: WorkingCalendar) -> DueTimes:
    """Both due times of a case under ``regime``, without storing them.

    The first step: received + the regime's first-step amount. The answer: from
    response_start() + the resolution amount, moved on by the time spent awaiting the
    citizen (working minutes, or the whole days they make for a day count), then by
    the days approved extensions granted.
    """
    ack_due = counting.due(case.received_at, regime.first_step_amount, regime.first_step_unit,
                           calendar)
    start = response_start(case, regime, ack_due)
    unit = regime.resolution_unit
    if counting.is_day_count(unit):
        response = counting.due(start, regime.resolution_amount, unit, calendar)
        response = counting.extend(response, counting.paused_days(case.paused_minutes or 0),
                                   CountUnit.WORKING_DAYS, calendar)
    else:
        response = calendar.add_working_minutes(
            start, regime.resolution_amount * 60 + (case.paused_minutes or 0))
    extended = counting.extend(response, case.extension_days or 0, regime.extension_unit, calendar)
    return DueTimes(ack_due, regime.first_step_unit, extended, unit, response)


def set_due_times(case: Case, calendar: WorkingCalendar,
                  regime: DeadlineRegime | None = None) -> DeadlineRegime:
    """Count and store both due times of a case under its regime (looked up unless given)."""
    if regime is None:
        with db.session.no_autoflush:  # a flush mid-move would bump the case's version twice
            regime = regimes.regime_for(case.kind, case.category_id, case.priority)
    times = due_times(case, regime, calendar)
    case.ack_due_at, case.ack_due_unit = times.ack, times.ack_unit
    case.response_due_at, case.response_due_unit = times.response, times.response_unit
    case.original_response_due_at = (
        times.response_before_extensions if case.extension_days else None
    )
    return regime


def periods_from(case: Case, moment: datetime, calendar: WorkingCalendar) -> tuple[datetime, datetime]:
    """(first step due, answer due) of the case's regime counted afresh from ``moment``.

    What a unit the case reaches later owes on its own account (app/scoring/attribution.py).
    """
    regime = regimes.regime_for(case.kind, case.category_id, case.priority)
    return (
        counting.due(moment, regime.first_step_amount, regime.first_step_unit, calendar),
        counting.due(moment, regime.resolution_amount, regime.resolution_unit, calendar),
    )


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
    calendar: WorkingCalendar | None = None, kind: str | None = None, batch: int = 500
) -> int:
    """Count the due times of every open case again, after the calendar or a regime changed.

    Each case follows its regime as it stands now; paused time is measured again from
    the timeline on the new calendar; approved extensions keep the days they granted.
    Only cases of ``kind`` when given. An acknowledgment deadline already met is
    history and stays. The cases' versions are not bumped: this is not an edit an
    officer's open form could conflict with. Returns how many cases got new due times.
    The caller commits.
    """
    calendar = calendar or load_calendar()
    every_regime = regimes.all_regimes()
    ids_stmt = sa.select(Case.id).where(Case.status.in_([s.value for s in OPEN_STATUSES]))
    if kind is not None:
        ids_stmt = ids_stmt.where(Case.kind == kind)
    ids = list(db.session.scalars(ids_stmt.order_by(Case.id)))
    changes = []
    for offset in range(0, len(ids), batch):
        cases = db.session.scalars(
            sa.select(Case)
            .where(Case.id.in_(ids[offset:offset + batch]))
            .options(selectinload(Case.events))
        )
        for case in cases:
            changes.extend(_recounted(case, every_regime, calendar))
    if changes:
        table = Case.__table__
        db.session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("case_id"))
            .values({column: sa.bindparam(f"new_{column}") for column in _RECOUNTED}),
            changes,
        )
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, Case):  # loaded cases must see the new due times
                db.session.expire(obj, list(_RECOUNTED))
    return len(changes)


_RECOUNTED = ("ack_due_at", "ack_due_unit", "response_due_at", "response_due_unit",
              "original_response_due_at", "paused_minutes")


def _recounted(case: Case, every_regime: list[DeadlineRegime], calendar: WorkingCalendar):
    """The new values of a case's due-time columns, as a one-item list, or [] if unchanged."""
    regime = regimes.choose(every_regime, case.kind, case.category_id, case.priority)
    paused = completed_pause_minutes(response_pauses(case, calendar))
    times = due_times(_Facts(case.received_at, case.clock_started_at, case.acknowledged_at,
                             paused, case.extension_days), regime, calendar)
    new = {
        "ack_due_at": times.ack, "ack_due_unit": times.ack_unit,
        "response_due_at": times.response, "response_due_unit": times.response_unit,
        "original_response_due_at": (times.response_before_extensions
                                     if case.extension_days else None),
        "paused_minutes": paused,
    }
    if case.acknowledged_at is not None:
        new["ack_due_at"], new["ack_due_unit"] = case.ack_due_at, case.ack_due_unit
    if all(getattr(case, column) == value for column, value in new.items()):
        return []
    return [{"case_id": case.id, **{f"new_{column}": value for column, value in new.items()}}]


@dataclass(frozen=True)
class _Facts:
    """What due_times() reads of a case, without touching the loaded object."""

    received_at: datetime
    clock_started_at: datetime
    acknowledged_at: datetime | None
    paused_minutes: int
    extension_days: int


@dataclass(frozen=True)
class Countdown:
    """Where a case stands against the deadline that matters now.

    ``minutes_left`` is working time (negative: late). For a deadline counted in days,
    ``last_day`` is its date and ``days_left`` the working days after today up to it
    (negative: working days late, today included) — what officers say: "còn 2 ngày làm
    việc", "quá hạn 3 ngày làm việc".
    """

    state: DeadlineState
    due_at: datetime | None
    minutes_left: int
    kind: str  # a Deadline ("ack", "response"), or "" when none
    last_day: date | None = None
    days_left: int | None = None

    @property
    def by_date(self) -> bool:
        """Whether the deadline is a date (counted in days)."""
        return self.last_day is not None


def due_point(due_at: datetime, unit: str) -> date | datetime:
    """What a due time is to people: its last day (a date) when counted in days, the
    instant itself (to the minute) when counted in hours. The one rule every display and
    export of a due time follows."""
    return counting.last_day_of(due_at) if counting.is_day_count(unit) else due_at


def format_due(due_at: datetime | None, unit: str) -> str:
    """A due time as people write it: the last day for a day count ("12/02/2027"),
    the minute for an hour count ("12/02/2027 14:20"); "" when there is none."""
    if due_at is None:
        return ""
    point = due_point(due_at, unit)
    if isinstance(point, datetime):
        return local_datetime(point)
    return format_date(point, "dd/MM/yyyy")


def due_text(case: Case, deadline: str = Deadline.RESPONSE) -> str:
    """A case's due time as people write it (see format_due)."""
    return format_due(clocks.due_at(case, Deadline(deadline)), _unit_of(case, deadline))


def last_moment(case: Case, deadline: str = Deadline.RESPONSE) -> datetime | None:
    """The last instant at which the case still meets its deadline, for machines to read.

    A day-counted deadline is stored as the midnight after its last day, which a reader
    would take for the next day: its last moment is one second before, 23:59:59 local on
    the last day. An hour count ends at its due instant.
    """
    due = clocks.due_at(case, Deadline(deadline))
    if due is None:
        return None
    if counting.is_day_count(_unit_of(case, deadline)):
        return due - timedelta(seconds=1)
    return due


@lru_cache(maxsize=16)
def due_soon_limit(now: datetime, calendar: WorkingCalendar) -> datetime:
    """The instant before which a running deadline counts as "due soon" (the same for
    every row of a page: kept for the few instants last asked)."""
    return calendar.add_working_minutes(now, DUE_SOON_MINUTES)


def _unit_of(case: Case, deadline: str) -> str:
    return case.ack_due_unit if deadline == Deadline.ACK else case.response_due_unit


def _days(case: Case, deadline: str, due: datetime | None, now: datetime,
          calendar: WorkingCalendar) -> dict:
    """last_day and days_left of a day-counted deadline (empty for hours)."""
    if due is None or not counting.is_day_count(_unit_of(case, deadline)):
        return {}
    last, today = counting.last_day_of(due), counting.local_day(now)
    if today <= last:
        left = counting.working_days_between(today, last, calendar)
    else:  # late: the working days after the last day up to today, at least one
        left = -max(1, counting.working_days_between(last, today, calendar))
    return {"last_day": last, "days_left": left}


def countdown(case: Case, now: datetime, calendar: WorkingCalendar) -> Countdown:
    """The deadline that matters now for the case and the time left before it.

    That is the running deadline that falls first (see app/deadlines/clocks.py).
    """
    first = clocks.first_running(case)
    if first is None:
        due = case.response_due_at
        days = _days(case, Deadline.RESPONSE, due, now, calendar)
        if clocks.paused_deadline(case.status) is not None:
            return Countdown(DeadlineState.PAUSED, due, 0, Deadline.RESPONSE, **days)
        if case.status in clocks.ANSWERED_STATUSES:
            return Countdown(DeadlineState.ANSWERED, due, 0, Deadline.RESPONSE,
                             days.get("last_day"))
        return Countdown(DeadlineState.NONE, None, 0, "")
    kind, due = first
    days = _days(case, kind, due, now, calendar)
    if now >= due:
        left = -calendar.working_minutes_between(due, now)
        return Countdown(DeadlineState.OVERDUE, due, left, kind, **days)
    left = calendar.working_minutes_between(now, due)
    soon = due < due_soon_limit(now, calendar)
    state = DeadlineState.DUE_SOON if soon else DeadlineState.ON_TRACK
    return Countdown(state, due, left, kind, **days)


def current_due_at() -> sa.ColumnElement:
    """SQL: the deadline countdown() looks at (NULL once the case is answered or rejected).

    The database keeps it for every row (``Case.queue_due_at``, the clocks' rule in SQL),
    so ordering the queue by it is an index scan.
    """
    return Case.queue_due_at


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
