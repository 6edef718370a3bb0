"""The working calendar's exceptions (CalendarDay rows) and the public holidays beside them.

Adding or removing a day off or a make-up working day recounts the due times of
every open case, so that what the pages show always matches the calendar.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.errors import InvalidInput
from app.deadlines.sla import load_calendar, recompute_due_times
from app.extensions import db
from app.models import CalendarDay

DAY_OFF = "day_off"
WORKING_DAY = "working_day"
KINDS = (DAY_OFF, WORKING_DAY)
NOTE_MAX = 200
# The `holidays` package names VN holidays in these languages.
HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}


@lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> dict[date, str]:
    loaded = holidays.country_holidays("VN", years=year, language=language)
    return {day: name for day, name in loaded.items() if day.year == year}


def holiday_name(day: date, locale: str = "vi") -> str | None:
    """The public holiday on ``day`` in the reader's language, or None."""
    return _holidays(day.year, HOLIDAY_LANGUAGES.get(locale, "vi")).get(day)


@dataclass(frozen=True)
class DayChange:
    """What a change to the calendar did."""

    day: date
    kind: str | None  # None: the exception was removed
    recounted: int  # open cases whose due times moved


def set_calendar_day(day: date, kind: str, note: str = "") -> DayChange:
    """Make ``day`` an extra day off or a make-up working day, then recount open cases.

    An existing exception on that day is replaced. The caller commits.
    """
    if kind not in KINDS:
        raise InvalidInput(_l("Choose a day off or a working day."), "kind")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(
            _l("This text is too long (at most %(n)d characters).", n=NOTE_MAX), "note"
        )
    row = db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day == day))
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.kind, row.note = kind, note
    db.session.flush()
    return DayChange(day, kind, recompute_due_times(load_calendar()))


def remove_calendar_day(day: date) -> DayChange | None:
    """Drop the exception on ``day`` (None if there was none), then recount open cases."""
    row = db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day == day))
    if row is None:
        return None
    db.session.delete(row)
    db.session.flush()
    return DayChange(day, None, recompute_due_times(load_calendar()))


@dataclass(frozen=True)
class CalendarEntry:
    """One date that differs from a plain Monday-to-Friday week, and why."""

    day: date
    working: bool
    holiday: str | None  # the public holiday's name, if the package lists one
    exception: str | None  # "day_off" or "working_day" when a CalendarDay row says so
    note: str


def year_entries(year: int, locale: str = "vi") -> list[CalendarEntry]:
    """The public holidays and the CalendarDay exceptions of a year, by date."""
    rows = {
        row.day: row
        for row in db.session.scalars(
            sa.select(CalendarDay).where(
                CalendarDay.day >= date(year, 1, 1), CalendarDay.day < date(year + 1, 1, 1)
            )
        )
    }
    calendar = load_calendar()
    public = _holidays(year, HOLIDAY_LANGUAGES.get(locale, "vi"))
    entries = []
    for day in sorted(set(public) | set(rows)):
        row = rows.get(day)
        entries.append(
            CalendarEntry(
                day=day,
                working=calendar.is_working_day(day),
                holiday=public.get(day),
                exception=row.kind if row else None,
                note=row.note if row else "",
            )
        )
    return entries


def day_reasons(days: list[date], locale: str = "vi") -> dict[date, tuple[str, str]]:
    """Why each date is special: (``day_off`` | ``working_day`` | ``holiday`` | "", text).

    The text is the CalendarDay's note, or the public holiday's name in the
    reader's language.
    """
    if not days:
        return {}
    rows = {
        row.day: row
        for row in db.session.scalars(sa.select(CalendarDay).where(CalendarDay.day.in_(days)))
    }
    reasons = {}
    for day in days:
        row = rows.get(day)
        if row is not None:
            reasons[day] = (row.kind, row.note)
        else:
            name = holiday_name(day, locale)
            reasons[day] = ("holiday", name) if name else ("", "")
    return reasons
