"""Working time as a number line, for computing a million due times quickly.

``WorkingCalendar.add_working_minutes`` walks day by day, which is right for one
case and too slow for a million. Here the calendar's working periods over a
span are laid end to end once; an instant then maps to "working seconds since
the start of the span" by one binary search, and back by another. The periods
come from the same ``WorkingCalendar`` (holidays and CalendarDay exceptions
included), so the results are the same to the second.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import datetime, timezone

from app.deadlines.calendar import WorkingCalendar
from app.deadlines.reopening import reopen_deadline


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


def to_datetime(instant: int) -> datetime:
    """An epoch second as an aware UTC datetime."""
    return datetime.fromtimestamp(instant, timezone.utc)
