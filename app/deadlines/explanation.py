"""Explaining a due time, recomputed from the calendar: the days counted to reach a date,
or the working periods counted to reach an hour.

Used by ``flask sla due``, ``flask sla explain`` and the case page, so that any due
time shown anywhere can be counted again by hand, day by day, and lands on the same
date (or minute).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from app.cases.cohandling import LeadWait, lead_waits
from app.cases.holding import HoldingSpan, holding_spans
from app.deadlines import counting, regimes
from app.deadlines.calendar import MAX_SPAN_DAYS, WorkingCalendar
from app.deadlines.sla import (
    Pause,
    completed_pause_minutes,
    response_pauses,
    response_start,
)
from app.models import Case, CountUnit, DeadlineRegime

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


class Step(StrEnum):
    """Why a day appears in a count of days."""

    COUNTED = "counted"        # a day of the period (its number is its place in the count)
    SKIPPED = "skipped"        # not a working day: a count of working days passes over it
    MOVED = "moved"            # the last calendar day was a day off: the deadline moves on
    PAUSED = "paused"          # a working day given back for the time awaiting the citizen
    EXTENDED = "extended"      # a day granted by an approved extension


@dataclass(frozen=True)
class CountedDay:
    """One date on the way to a day-counted deadline."""

    day: date
    step: Step
    number: int | None = None  # 1..N for the days that count, else None


@dataclass(frozen=True)
class DueExplanation:
    """A due time and how it was reached: for an hour count the working minutes added and
    the periods they fill, for a day count the dates counted; and the days on the way that
    were not plain weekdays."""

    start: datetime
    minutes: int
    due: datetime
    periods: list[CountedPeriod]
    notes: list[DayNote]
    unit: str = CountUnit.WORKING_HOURS.value
    amount: int = 0
    days: list[CountedDay] = field(default_factory=list)

    @property
    def by_date(self) -> bool:
        """Whether the due time is a date (a count of days)."""
        return counting.is_day_count(self.unit)

    @property
    def last_day(self) -> date:
        """The deadline's last day (local date)."""
        return counting.last_day_of(self.due) if self.by_date else counting.local_day(self.due)


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


def _walk(calendar: WorkingCalendar, day: date, amount: int, unit: str,
          step: Step) -> tuple[list[CountedDay], date]:
    """The dates a count of ``amount`` ``unit`` passes after ``day``, and the last day.

    Agrees with app/deadlines/counting.py by construction: a test holds them together.
    """
    walked: list[CountedDay] = []
    counted = 0
    for _ in range(MAX_SPAN_DAYS):
        if counted == amount:
            break
        day += timedelta(days=1)
        if unit == CountUnit.CALENDAR_DAYS or calendar.is_working_day(day):
            counted += 1
            walked.append(CountedDay(day, step, counted))
        else:
            walked.append(CountedDay(day, Step.SKIPPED))
    if unit == CountUnit.CALENDAR_DAYS and amount:
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
            walked.append(CountedDay(day, Step.MOVED))
    return walked, day


def explain_days(
    calendar: WorkingCalendar, start: datetime, amount: int, unit: str,
    paused_days: int = 0, extension: tuple[int, str] = (0, CountUnit.CALENDAR_DAYS),
) -> DueExplanation:
    """Count ``amount`` days of ``unit`` from the event at ``start``, date by date.

    The event's day is not counted. Then the working days given back for pauses, then
    the days approved extensions granted.
    """
    days, last = _walk(calendar, counting.local_day(start), amount, unit, Step.COUNTED)
    more, last = _walk(calendar, last, paused_days, CountUnit.WORKING_DAYS, Step.PAUSED)
    days += more
    more, last = _walk(calendar, last, extension[0], extension[1], Step.EXTENDED)
    days += more
    due = counting.end_of(last)
    return DueExplanation(start, 0, due, [], calendar_notes(calendar, start, due - _MINUTE),
                          unit, amount, days)


def explain_amount(calendar: WorkingCalendar, start: datetime, amount: int, unit: str,
                   pauses: list[Pause] = ()) -> DueExplanation:
    """An hour count (with the periods paused) or a day count (date by date) from ``start``."""
    if counting.is_day_count(unit):
        return explain_days(calendar, start, amount, unit)
    return explain_due(calendar, start, amount * 60, pauses)


@dataclass(frozen=True)
class CaseExplanation:
    """Everything that decides a case's two due times, counted again on today's calendar."""

    case: Case
    regime: DeadlineRegime
    acknowledgment: DueExplanation
    pauses: list[Pause]
    paused_minutes: int
    paused_days: int
    response_start: datetime
    response: DueExplanation
    holding: list[HoldingSpan]
    # What the lead unit waited for from the units it asked for input (co-handling).
    lead_waits: list[LeadWait] = field(default_factory=list)

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
    """Recompute both due times of the case under its regime and say how each was counted."""
    regime = regimes.regime_for(case.kind, case.category_id, case.priority)
    pauses = response_pauses(case, calendar, now)
    paused = completed_pause_minutes(pauses)
    ack = explain_amount(calendar, case.received_at, regime.first_step_amount,
                         regime.first_step_unit)
    start = response_start(case, regime, ack.due)
    extension = (case.extension_days, regime.extension_unit)
    if counting.is_day_count(regime.resolution_unit):
        paused_days = counting.paused_days(paused)
        response = explain_days(calendar, start, regime.resolution_amount, regime.resolution_unit,
                                paused_days, extension)
    else:
        paused_days = 0
        response = explain_due(calendar, start, regime.resolution_amount * 60 + paused, pauses)
        if case.extension_days:
            more, last = _walk(calendar, counting.local_day(response.due), *extension,
                               Step.EXTENDED)
            response = DueExplanation(start, response.minutes, counting.end_of(last),
                                      response.periods, response.notes, response.unit,
                                      regime.resolution_amount, more)
    return CaseExplanation(
        case=case, regime=regime, acknowledgment=ack, pauses=pauses, paused_minutes=paused,
        paused_days=paused_days, response_start=start, response=response,
        holding=holding_spans(case, calendar, now),
        lead_waits=lead_waits(case, calendar, now),
    )
