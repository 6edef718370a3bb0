"""Explaining a due time: the working periods counted to reach it, recomputed from the calendar.

Used by ``flask sla due``, ``flask sla explain`` and the case page, so that any
due time shown anywhere can be counted again by hand and lands on the same minute.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from app.cases.holding import HoldingSpan, holding_spans
from app.deadlines.calendar import WorkingCalendar
from app.deadlines.sla import (
    Pause,
    ack_minutes,
    completed_pause_minutes,
    response_minutes,
    response_pauses,
)
from app.models import Case, DeadlinePolicy

_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class CountedPeriod:
    """A stretch of working time on the way to a due time; ``paused`` ones await the citizen."""

    start: datetime
    end: datetime
    minutes: int
    paused: bool = False


@dataclass(frozen=True)
class DayNote:
    """A date on the way that breaks the plain Monday-to-Friday rule."""

    day: date
    worked: bool  # True: a make-up working day; False: a weekday without office hours
    holiday: bool  # the `holidays` package lists it as a public holiday


@dataclass(frozen=True)
class DueExplanation:
    """A due time, the working minutes added to reach it, the periods they fill,
    and the days on the way that were not plain weekdays."""

    start: datetime
    minutes: int
    due: datetime
    periods: list[CountedPeriod]
    notes: list[DayNote]


def calendar_notes(calendar: WorkingCalendar, start: datetime, end: datetime) -> list[DayNote]:
    """Weekdays off (holidays, extra days off) and days worked though not plain weekdays."""
    first = start.astimezone(calendar.tz).date()
    last = end.astimezone(calendar.tz).date()
    notes = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        holiday = calendar.holiday_name(day) is not None
        weekday = day.weekday() < 5
        worked = calendar.is_working_day(day)
        if (weekday and not worked) or (worked and (holiday or not weekday)):
            notes.append(DayNote(day, worked, holiday))
    return notes


def explain_due(
    calendar: WorkingCalendar, start: datetime, minutes: int, pauses: list[Pause] = ()
) -> DueExplanation:
    """Add ``minutes`` of working time to ``start`` and list the periods counted.

    Periods that fall in a finished pause are split out and marked ``paused``.
    Each period's minutes are whole, taken from the running total so that they
    always add up to ``minutes`` even when the start has seconds.
    """
    due, periods = calendar.explain(start, minutes)
    pieces: list[tuple[datetime, datetime, bool]] = []
    for begin, end in periods:
        pieces.extend(_split_by_pauses(begin, end, [p for p in pauses if p.end is not None]))
    counted, elapsed, previous = [], timedelta(), 0
    for begin, end, paused in pieces:
        elapsed += end - begin
        total = elapsed // _MINUTE
        counted.append(CountedPeriod(begin, end, total - previous, paused))
        previous = total
    return DueExplanation(start, minutes, due, counted, calendar_notes(calendar, start, due))


def _split_by_pauses(
    begin: datetime, end: datetime, pauses: list[Pause]
) -> list[tuple[datetime, datetime, bool]]:
    """Cut one working period where finished pauses start and end."""
    pieces, cursor = [], begin
    for pause in sorted(pauses, key=lambda p: p.start):
        lo, hi = max(pause.start, cursor), min(pause.end, end)
        if lo >= hi:
            continue
        if cursor < lo:
            pieces.append((cursor, lo, False))
        pieces.append((lo, hi, True))
        cursor = hi
    if cursor < end:
        pieces.append((cursor, end, False))
    return pieces


@dataclass(frozen=True)
class CaseExplanation:
    """Everything that decides a case's two due times, counted again on today's calendar."""

    case: Case
    policy: DeadlinePolicy
    ack_hours: int
    response_days: int
    acknowledgment: DueExplanation
    pauses: list[Pause]
    paused_minutes: int
    response: DueExplanation
    holding: list[HoldingSpan]

    @property
    def matches_stored(self) -> bool:
        """Whether the recomputed due times are the ones stored on the case, to the minute."""
        return _same_minute(self.acknowledgment.due, self.case.ack_due_at) and _same_minute(
            self.response.due, self.case.response_due_at
        )


def _same_minute(first: datetime, second: datetime) -> bool:
    def minute(moment: datetime) -> datetime:
        return moment.astimezone(timezone.utc).replace(second=0, microsecond=0)

    return minute(first) == minute(second)


def explain_case(case: Case, calendar: WorkingCalendar, now: datetime) -> CaseExplanation:
    """Recompute both due times of the case and say how each was counted."""
    policy = case.category.policy
    ack_hours, response_days = policy.targets(case.priority)
    pauses = response_pauses(case, calendar, now)
    paused = completed_pause_minutes(pauses)
    return CaseExplanation(
        case=case,
        policy=policy,
        ack_hours=ack_hours,
        response_days=response_days,
        acknowledgment=explain_due(calendar, case.received_at, ack_minutes(policy, case.priority)),
        pauses=pauses,
        paused_minutes=paused,
        response=explain_due(
            calendar, case.clock_started_at, response_minutes(policy, case.priority) + paused,
            pauses,
        ),
        holding=holding_spans(case, calendar, now),
    )
