"""Which unit is charged for what: the facts the scorecards aggregate in SQL.

A case may pass through several units. Each time it reaches a unit (an arrival:
see app/cases/holding.py) that unit owes an acknowledgment within its own
acknowledgment time counted from the arrival, and — if it keeps the case — an
answer by the later of the citizen's due time and a full response time counted
from the arrival. Those two due times are stamped on the arrival event, so SQL
can judge every unit without the working calendar.

The working minutes a unit took to acknowledge and to answer (from when the
case reached it, without the time spent awaiting the citizen) are stored on the
case when it happens, so SQL can take medians and percentiles of them.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.cases.holding import arrival_filter, holding_arrival
from app.deadlines.calendar import WorkingCalendar
from app.deadlines.sla import (
    citizen_pauses,
    completed_pause_minutes,
    load_calendar,
    periods_from,
)
from app.extensions import db
from app.models import Case, CaseEvent, EventKind


def working_minutes_up(calendar: WorkingCalendar, start: datetime, end: datetime) -> int:
    """Working minutes in [start, end), a started minute counting as a whole one."""
    total = sum((b - a for a, b in calendar.periods(start, end)), timedelta())
    return math.ceil(total / timedelta(minutes=1))


def arrival_dues(
    case: Case, now: datetime, calendar: WorkingCalendar | None = None
) -> tuple[datetime, datetime]:
    """The receiving unit's (acknowledgment due, own response due) for a case reaching it now.

    Call before the move: it may read the calendar, and the arrival event must be
    stamped before anything is flushed (events are append-only).
    """
    if now == case.received_at:  # routed on intake: the case's own due times
        return case.ack_due_at, case.response_due_at
    with db.session.no_autoflush:
        calendar = calendar or load_calendar()
        ack_due, own = periods_from(case, now, calendar)
    return ack_due, max(own, case.response_due_at)


def stamp_arrival(event: CaseEvent, dues: tuple[datetime, datetime]) -> None:
    """Write the receiving unit's due times on its (still unsaved) arrival event."""
    event.ack_due_at, event.response_due_at = dues


# The hooks read without flushing: a flush in the middle of a move would bump the
# case's version twice. The timeline then holds the stored events and, after
# them, those added in this transaction.
def _timeline(case: Case) -> list[CaseEvent]:
    with db.session.no_autoflush:
        return list(case.events)


def _latest_arrival(case: Case) -> tuple[datetime, datetime | None]:
    """When the case reached its current unit, and that unit's own response due."""
    arrival = holding_arrival(_timeline(case))
    if arrival is None:
        return case.received_at, None
    return arrival.created_at, arrival.response_due_at


def _arrived_at(case: Case) -> datetime:
    return _latest_arrival(case)[0]


def record_acknowledgment(case: Case, now: datetime, calendar: WorkingCalendar | None = None):
    """Store the working minutes from the case reaching its unit to the acknowledgment."""
    with db.session.no_autoflush:
        calendar = calendar or load_calendar()
    case.ack_working_minutes = working_minutes_up(calendar, _arrived_at(case), now)


def unit_response_due(case: Case) -> datetime:
    """The due time the current unit's answer is judged by: the citizen's, or its own if later."""
    own = _latest_arrival(case)[1]
    return max(own, case.response_due_at) if own is not None else case.response_due_at


def record_response(
    case: Case, now: datetime, answer: CaseEvent | None = None,
    calendar: WorkingCalendar | None = None,
):
    """Store the answering unit's working minutes to the answer, and its due time on the answer.

    Minutes are counted from the later of the case reaching the unit and the
    start of the response clock (receipt or reopening), less the time awaiting
    the citizen. ``answer`` is the (still unsaved) public reply event.
    """
    if answer is not None:
        answer.response_due_at = unit_response_due(case)
    with db.session.no_autoflush:
        calendar = calendar or load_calendar()
    arrived, _own = _latest_arrival(case)
    start = max(arrived, case.clock_started_at)
    elapsed = working_minutes_up(calendar, start, now)
    waited = completed_pause_minutes(citizen_pauses(_timeline(case), start, calendar))
    case.response_working_minutes = max(0, elapsed - waited)


def backfill(calendar: WorkingCalendar | None = None) -> int:
    """Fill the stored facts for cases and events made before they existed. Idempotent.

    Returns how many cases were touched. A one-off for old data: it walks cases
    one by one, which the metrics themselves never do.
    """
    calendar = calendar or load_calendar()
    touched = 0
    missing = sa.select(CaseEvent.case_id).where(
        arrival_filter(), CaseEvent.ack_due_at.is_(None)
    )
    unmeasured = sa.select(Case.id).where(
        sa.or_(
            Case.id.in_(sa.select(CaseEvent.case_id).where(
                CaseEvent.kind == EventKind.PUBLIC_REPLY.value,
                CaseEvent.response_due_at.is_(None))),
            sa.and_(Case.acknowledged_at.is_not(None), Case.ack_working_minutes.is_(None)),
            sa.and_(Case.responded_at.is_not(None), Case.response_working_minutes.is_(None)),
        )
    )
    ids = set(db.session.scalars(missing)) | set(db.session.scalars(unmeasured))
    for case_id in sorted(ids):
        case = db.session.get(Case, case_id)
        arrivals = db.session.scalars(
            sa.select(CaseEvent)
            .where(CaseEvent.case_id == case_id, arrival_filter(),
                   CaseEvent.ack_due_at.is_(None))
        ).all()
        for event in arrivals:
            ack_due, own = arrival_dues(case, event.created_at, calendar)
            # Bulk UPDATE: the timeline stays append-only for the ORM.
            db.session.execute(
                sa.update(CaseEvent).where(CaseEvent.id == event.id)
                .values(ack_due_at=ack_due, response_due_at=own),
                execution_options={"synchronize_session": False},
            )
            db.session.expire(event, ["ack_due_at", "response_due_at"])  # read back below
        if case.acknowledged_at and case.ack_working_minutes is None:
            record_acknowledgment(case, case.acknowledged_at, calendar)
        if case.responded_at and case.response_working_minutes is None:
            record_response(case, case.responded_at, calendar=calendar)
        db.session.execute(
            sa.update(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.PUBLIC_REPLY.value,
                   CaseEvent.response_due_at.is_(None))
            .values(response_due_at=unit_response_due(case)),
            execution_options={"synchronize_session": False},
        )
        touched += 1
    db.session.flush()
    return touched
