"""Which unit held a case, and for how long: read from the events by which it arrived at units.

The timeline already records every move of a case between units (the routed
and transferred CaseEvents, its "arrivals", carry the unit the case went to and
the time), so no table of its own is kept. The rule, once:

* the unit holding a case when an event is recorded is the unit of the latest
  arrival recorded before that event; before the first arrival the case waits
  in triage (no unit);
* the timeline's order is the order events were recorded (stored events by id,
  then those not saved yet). The timeline is append-only and the moves of one
  case are serialised by its version, so this is the order things happened.

``holding_arrival`` answers it in Python (attribution, explanations);
``arrival_filter`` is the SQL side the scorecards build on (app/scoring/metrics.py),
and a test checks that the two answer alike.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.deadlines.calendar import WorkingCalendar
from app.models import Case, CaseEvent, EventKind, Unit

# The events by which a case arrives at a unit.
ARRIVALS = (EventKind.ROUTED, EventKind.TRANSFERRED)


def is_arrival(event: CaseEvent) -> bool:
    """Whether the event gave the case to a unit."""
    return event.kind in ARRIVALS and event.to_unit_id is not None


def arrival_filter(event=CaseEvent) -> sa.ColumnElement[bool]:
    """SQL: ``event`` (CaseEvent or an alias of it) gave the case to a unit, as ``is_arrival``."""
    return sa.and_(event.kind.in_([kind.value for kind in ARRIVALS]),
                   event.to_unit_id.is_not(None))


def in_recorded_order(events: Iterable[CaseEvent]) -> list[CaseEvent]:
    """The events in the order they were recorded: stored ones by id, then unsaved ones."""
    return sorted(events, key=lambda e: (e.id is None, e.id or 0))


def holding_arrival(
    events: Iterable[CaseEvent], before: CaseEvent | None = None
) -> CaseEvent | None:
    """The arrival that gave the case to the unit holding it when ``before`` was recorded.

    That is the latest arrival recorded before ``before`` (before every event
    when it is None: the unit holding the case now). None: the case was in triage.
    """
    found = None
    for event in in_recorded_order(events):
        if event is before:
            break
        if is_arrival(event):
            found = event
    return found


@dataclass(frozen=True)
class HoldingSpan:
    """A stretch of time one unit held the case (``unit`` None: waiting in triage)."""

    unit: Unit | None
    start: datetime
    end: datetime | None  # None: the unit holds it now
    working_minutes: int


def holding_spans(case: Case, calendar: WorkingCalendar, now: datetime) -> list[HoldingSpan]:
    """Each unit's spans of holding the case, in order, with working time held.

    A unit holds the case from its arrival until the next arrival, or until it
    answered (or the case was rejected); otherwise until now (an open span).
    Time before the first arrival, if any, is spent in triage.
    """
    arrivals = [e for e in in_recorded_order(case.events) if is_arrival(e)]
    final_end = case.responded_at or case.closed_at
    bounds: list[tuple[Unit | None, datetime]] = []
    if not arrivals or arrivals[0].created_at > case.received_at:
        bounds.append((None, case.received_at))
    bounds.extend((arrival.to_unit, arrival.created_at) for arrival in arrivals)
    spans = []
    for index, (unit, start) in enumerate(bounds):
        end = bounds[index + 1][1] if index + 1 < len(bounds) else final_end
        minutes = calendar.working_minutes_between(start, end or now)
        spans.append(HoldingSpan(unit, start, end, minutes))
    return spans
