"""Which unit held a case, and for how long: read from the routed and transferred events.

The timeline already records every move of a case between units (the routed
and transferred CaseEvents carry the unit the case went to and the time), so
no table of its own is kept: the spans are derived here for explanations, and
the scorecards compute the same from those events in SQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.deadlines.calendar import WorkingCalendar
from app.models import Case, EventKind, Unit

MOVES = (EventKind.ROUTED, EventKind.TRANSFERRED)


@dataclass(frozen=True)
class HoldingSpan:
    """A stretch of time one unit held the case (``unit`` None: waiting in triage)."""

    unit: Unit | None
    start: datetime
    end: datetime | None  # None: the unit holds it now
    working_minutes: int


def holding_spans(case: Case, calendar: WorkingCalendar, now: datetime) -> list[HoldingSpan]:
    """Each unit's spans of holding the case, in order, with working time held.

    A unit holds the case from the move that gave it the case until the next
    move, or until it answered (or the case was rejected); otherwise until now
    (an open span). Time before the first move, if any, is spent in triage.
    """
    moves = sorted(
        (e for e in case.events if e.kind in MOVES and e.to_unit_id is not None),
        key=lambda e: (e.created_at, e.id or 0),
    )
    final_end = case.responded_at or case.closed_at
    bounds: list[tuple[Unit | None, datetime]] = []
    if not moves or moves[0].created_at > case.received_at:
        bounds.append((None, case.received_at))
    bounds.extend((move.to_unit, move.created_at) for move in moves)
    spans = []
    for index, (unit, start) in enumerate(bounds):
        end = bounds[index + 1][1] if index + 1 < len(bounds) else final_end
        minutes = calendar.working_minutes_between(start, end or now)
        spans.append(HoldingSpan(unit, start, end, minutes))
    return spans
