"""Working time as a number line, and working days as a table, for a million due times quickly.

``WorkingCalendar.add_working_minutes`` walks day by day, which is right for one
case and too slow for a million. Here the calendar's working periods over a
span are laid end to end once; an instant then maps to "working seconds since
the start of the span" by one binary search, and back by another. The periods
come from the same ``WorkingCalendar`` (holidays and CalendarDay exceptions
included), so the results are the same to the second.

Deadlines counted in days are dates (app/deadlines/counting.py). ``DayTable``
numbers the local days of the span and lists, once, which are working days; the
N-th working day after a day, and the next working day on or after it, are then
two list look-ups, equal to what ``counting.due`` walks to day by day.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta, timezone

from app.deadlines.calendar import WorkingCalendar
from app.deadlines.reopening import reopen_deadline
from app.models import CountUnit

DAY = 86400
LOCAL_OFFSET = 7 * 3600  # Asia/Ho_Chi_Minh has had no daylight saving time since 1975


class WorkingTimeLine:
    """Working periods of a calendar between two instants, as integer UTC epoch seconds."""

    def __init__(self, calendar: WorkingCalendar, start: datetime, end: datetime):
        self.starts: list[int] = []
        self.before: list[int] = []  # working seconds before each period
        self.after: list[int] = []  # working seconds up to the end of each period
        self.calendar = calendar
        self._reopen_deadlines: dict[tuple[int, int], int] = {}
        total = 0
        for begin, finish in calendar.periods(start, end):
            length = int((finish - begin).total_seconds())
            self.starts.append(int(begin.timestamp()))
            self.before.append(total)
            total += length
            self.after.append(total)
        self.first = int(start.timestamp())
        self.last = int(end.timestamp())

    def position(self, instant: int) -> int:
        """Working seconds between the start of the line and ``instant``."""
        i = bisect_right(self.starts, instant) - 1
        if i < 0:
            return 0
        return min(self.before[i] + instant - self.starts[i], self.after[i])

    def instant(self, position: int) -> int:
        """The earliest instant at which ``position`` working seconds have elapsed (position > 0).

        A position that ends a period gives the period's end (11:30, 17:00), as
        ``WorkingCalendar.add_working_minutes`` does.
        """
        j = bisect_left(self.after, position)
        if j == len(self.after):
            raise ValueError("the working time line is too short for this due time")
        return self.starts[j] + position - self.before[j]

    def reopen_deadline(self, answered: int, window_days: int) -> int:
        """When the reopen window of an answer given at ``answered`` closes (epoch seconds).

        The rule of ``app.deadlines.reopening``; it depends only on the answer's
        local date, so each date is worked out once.
        """
        moment = datetime.fromtimestamp(answered, timezone.utc)
        key = (moment.astimezone(self.calendar.tz).toordinal(), window_days)
        if key not in self._reopen_deadlines:
            self._reopen_deadlines[key] = int(
                reopen_deadline(moment, window_days, self.calendar).timestamp())
        return self._reopen_deadlines[key]

    def add_minutes(self, instant: int, minutes: int) -> int:
        """``instant`` plus ``minutes`` working minutes (the instant itself for 0)."""
        if minutes <= 0:
            return instant
        return self.instant(self.position(instant) + minutes * 60)

    def minutes_between(self, start: int, end: int) -> int:
        """Whole working minutes in [start, end) (0 if end <= start)."""
        if end <= start:
            return 0
        return (self.position(end) - self.position(start)) // 60

    def next_working(self, instant: int) -> int:
        """``instant`` if it is inside office hours, else the start of the next working period."""
        i = bisect_right(self.starts, instant) - 1
        if i >= 0 and instant < self.starts[i] + self.after[i] - self.before[i]:
            return instant
        if i + 1 >= len(self.starts):
            raise ValueError("the working time line is too short")
        return self.starts[i + 1]


class DayTable:
    """Day-counted due instants over a span of local days, as integer UTC epoch seconds.

    A day is its number since the epoch in local time. ``end_of`` of a last day is
    the local midnight after it, as ``counting.end_of`` stores it.
    """

    def __init__(self, calendar: WorkingCalendar, first: date, last: date):
        self.base = (first - date(1970, 1, 1)).days
        self.working: list[int] = []  # the working days of the span, in order
        self.counted: list[int] = []  # per day of the span: working days up to and including it
        for offset in range((last - first).days + 1):
            if calendar.is_working_day(first + timedelta(days=offset)):
                self.working.append(self.base + offset)
            self.counted.append(len(self.working))

    @staticmethod
    def day_of(instant: int) -> int:
        """The local day an instant falls on."""
        return (instant + LOCAL_OFFSET) // DAY

    @staticmethod
    def end_of(day: int) -> int:
        """The first instant after the local ``day`` (its local midnight)."""
        return (day + 1) * DAY - LOCAL_OFFSET

    def working_day_after(self, day: int, count: int) -> int:
        """The ``count``-th working day after ``day`` (``day`` not counted; 0 gives ``day``)."""
        if count == 0:
            return day
        index = self.counted[self._offset(day)] + count - 1
        if index >= len(self.working):
            raise ValueError("the day table is too short for this due date")
        return self.working[index]

    def working_day_from(self, day: int) -> int:
        """``day`` when it is a working day, else the first working day after it."""
        return self.working_day_after(day - 1, 1)

    def last_day(self, day: int, amount: int, unit: str) -> int:
        """The last day of ``amount`` days of ``unit`` counted from an event on ``day``."""
        if unit == CountUnit.WORKING_DAYS:
            return self.working_day_after(day, amount)
        if unit == CountUnit.CALENDAR_DAYS:
            return self.working_day_from(day + amount)
        raise ValueError(f"{unit!r} is not counted in days")

    def due(self, instant: int, amount: int, unit: str) -> int:
        """The due instant of ``amount`` days of ``unit`` from the event at ``instant``."""
        return self.end_of(self.last_day(self.day_of(instant), amount, unit))

    def extend(self, due: int, working_days: int) -> int:
        """A day-counted due instant moved on by ``working_days`` from its last day."""
        if working_days == 0:
            return due
        return self.end_of(self.working_day_after(self.day_of(due - 1), working_days))

    def _offset(self, day: int) -> int:
        offset = day - self.base
        if not 0 <= offset < len(self.counted):
            raise ValueError("the day table does not cover this day")
        return offset


def to_datetime(instant: int) -> datetime:
    """An epoch second as an aware UTC datetime."""
    return datetime.fromtimestamp(instant, timezone.utc)
