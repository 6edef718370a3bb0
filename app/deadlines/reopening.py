"""How long a citizen may rate or reopen an answer: a number of working days.

The window is counted on the working calendar, so Tết or a long weekend does not
eat it: the citizen has until the end (midnight, local time) of the N-th working
day after the day of the answer, N being ``REOPEN_WINDOW_DAYS`` (0: no window at all). Whole days are
easier for a citizen to read than an instant ("until 03/03/2026"), and the end
of the day is kinder than the end of office hours to someone who writes in the
evening. The closing job, the lifecycle's checks and the tracking page all ask
this module.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from app.deadlines.calendar import MAX_SPAN_DAYS, WorkingCalendar

__all__ = ["reopen_deadline", "reopen_last_day"]

_ONE_DAY = timedelta(days=1)


def reopen_last_day(
    responded_at: datetime, window_days: int, calendar: WorkingCalendar
) -> date | None:
    """The last local date on which the citizen may still rate or reopen the answer.

    The N-th working day after the answer's local date; None for N = 0 (no
    window). Raises ``ValueError`` for a negative N or one the calendar cannot
    fit within ``MAX_SPAN_DAYS``.
    """
    if window_days < 0:
        raise ValueError(f"window_days must not be negative, got {window_days}")
    if window_days == 0:
        return None
    day = responded_at.astimezone(calendar.tz).date()
    counted = 0
    for _ in range(MAX_SPAN_DAYS):
        day += _ONE_DAY
        counted += calendar.is_working_day(day)
        if counted == window_days:
            return day
    raise ValueError(f"{window_days} working days do not fit within {MAX_SPAN_DAYS} days")


def reopen_deadline(responded_at: datetime, window_days: int, calendar: WorkingCalendar) -> datetime:
    """The instant (UTC) the window closes: midnight local time after ``reopen_last_day``.

    The citizen may act while ``now < reopen_deadline(...)``; with no window, that
    is never after the answer.
    """
    last = reopen_last_day(responded_at, window_days, calendar)
    if last is None:
        return responded_at.astimezone(timezone.utc)
    return datetime.combine(last + _ONE_DAY, time(0), tzinfo=calendar.tz).astimezone(timezone.utc)
