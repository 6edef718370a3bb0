"""Counting a deadline the way Vietnamese law counts it: days are dates, hours are working time.

* Hours (a first acknowledgment) are working-hour arithmetic on the calendar: N working
  hours after the minute of receipt.
* Days are dates (Bộ luật Dân sự 2015, Art. 147–148): the day of the event (receipt,
  acceptance) is not counted; the period ends at the end of its last day, local time,
  so an action on or before that day meets it.
  - N working days: the last day is the N-th working day after the day of the event.
  - N calendar days: the last day is the event's day + N; when that day is not a
    working day, the last day moves to the next working day.

A day-counted deadline is stored as an instant like any other: the first moment after
its last day (local midnight, in UTC). "Overdue" is then the same comparison for every
deadline, and the last day is that instant's local date minus one day.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from app.deadlines.calendar import LOCAL_TZ, MAX_SPAN_DAYS, MINUTES_PER_WORKING_DAY, WorkingCalendar
from app.models import DAY_UNITS, CountUnit

_ONE_DAY = timedelta(days=1)


def local_day(moment: datetime) -> date:
    """The local calendar date of an instant."""
    return moment.astimezone(LOCAL_TZ).date()


def end_of(day: date) -> datetime:
    """The first instant after ``day`` ends (local midnight), in UTC."""
    return datetime.combine(day + _ONE_DAY, time(0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def last_day_of(due: datetime) -> date:
    """The last day of a day-counted deadline stored as the instant ``end_of(last day)``."""
    return local_day(due - timedelta(microseconds=1))


def next_working_day(day: date, calendar: WorkingCalendar) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    for _ in range(MAX_SPAN_DAYS):
        if calendar.is_working_day(day):
            return day
        day += _ONE_DAY
    raise ValueError(f"no working day within {MAX_SPAN_DAYS} days of {day}")


def add_working_days(day: date, days: int, calendar: WorkingCalendar) -> date:
    """The ``days``-th working day after ``day`` (``day`` itself is not counted; 0 gives ``day``)."""
    counted = 0
    for _ in range(MAX_SPAN_DAYS):
        if counted == days:
            return day
        day += _ONE_DAY
        if calendar.is_working_day(day):
            counted += 1
    raise ValueError(f"{days} working days do not fit within {MAX_SPAN_DAYS} days")


def last_day(start: date, amount: int, unit: str, calendar: WorkingCalendar) -> date:
    """The last day of a period of ``amount`` days of ``unit`` that starts with the event on ``start``."""
    if unit == CountUnit.WORKING_DAYS:
        return add_working_days(start, amount, calendar)
    if unit == CountUnit.CALENDAR_DAYS:
        return next_working_day(start + timedelta(days=amount), calendar)
    raise ValueError(f"{unit!r} is not counted in days")


def due(start: datetime, amount: int, unit: str, calendar: WorkingCalendar) -> datetime:
    """The due instant of ``amount`` ``unit`` counted from the event at ``start``."""
    if unit == CountUnit.WORKING_HOURS:
        return calendar.add_working_minutes(start, amount * 60)
    return end_of(last_day(local_day(start), amount, unit, calendar))


def is_day_count(unit: str) -> bool:
    """Whether a deadline counted in ``unit`` is a date (working or calendar days)."""
    return unit in DAY_UNITS


def working_days_between(first: date, last: date, calendar: WorkingCalendar) -> int:
    """Working days after ``first`` up to and including ``last`` (0 when ``last <= first``)."""
    if last <= first:
        return 0
    if (last - first).days > MAX_SPAN_DAYS:
        raise ValueError(f"span exceeds {MAX_SPAN_DAYS} days")
    return (calendar.working_day_number(last + _ONE_DAY)
            - calendar.working_day_number(first + _ONE_DAY))


def extend(due_at: datetime, amount: int, unit: str, calendar: WorkingCalendar) -> datetime:
    """A due instant moved on by ``amount`` ``unit``: hours from the instant, days from its last day."""
    if amount == 0:
        return due_at
    if unit == CountUnit.WORKING_HOURS:
        return calendar.add_working_minutes(due_at, amount * 60)
    return due(due_at - timedelta(microseconds=1), amount, unit, calendar)


def paused_days(paused_minutes: int) -> int:
    """Whole working days a pause gives back to a day-counted deadline (half a day rounds up).

    A pause is measured in working minutes; a date moves by whole days, so a pause of
    under half a working day (4 hours) gives nothing back and one of 4 to 12 hours one day.
    """
    return (paused_minutes + MINUTES_PER_WORKING_DAY // 2) // MINUTES_PER_WORKING_DAY
