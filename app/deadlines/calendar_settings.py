"""The working calendar's exceptions: extra days off and make-up working days.

Public holidays come from the ``holidays`` package and are shown, not edited.
Every change moves the due times of open cases with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import holidays
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.cleaning import clean_text
from app.core.errors import InvalidInput
from app.deadlines.sla import load_calendar, recompute_due_times
from app.extensions import db
from app.models import CalendarDay, User

ENTITY = "calendar_day"
KINDS = ("day_off", "working_day")
FIRST_YEAR, LAST_YEAR = 2000, 2100
HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}


def snapshot(day: CalendarDay) -> dict:
    """What the audit log keeps of a calendar exception."""
    return audit.snapshot(day, ("day", "kind", "note"))


def add_day(day: date | None, kind: str, note: str, actor: User, now: datetime) -> int:
    """Add an exception; returns how many open cases got new due times.

    Refused when the day already has an exception, or when it would change
    nothing (a day off on a day nobody works, a make-up day on a working day).
    """
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(_l("Enter a date between %(a)d and %(b)d.", a=FIRST_YEAR, b=LAST_YEAR), "day")
    if kind not in KINDS:
        raise InvalidInput(_l("Choose a kind of day from the list."), "kind")
    note = clean_text(note, "note", 200, required=False)
    if db.session.scalar(sa.select(CalendarDay.id).where(CalendarDay.day == day)) is not None:
        raise InvalidInput(_l("This date already has an exception: remove it first."), "day")
    working = load_calendar().is_working_day(day)
    if kind == "day_off" and not working:
        raise InvalidInput(_l("This date is already a day off."), "day")
    if kind == "working_day" and working:
        raise InvalidInput(_l("This date is already a working day."), "day")
    entry = CalendarDay(day=day, kind=kind, note=note)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "create", ENTITY, entry.id, day.isoformat(), now, after=snapshot(entry))
    return recompute_due_times()


def remove_day(entry: CalendarDay, actor: User, now: datetime) -> int:
    """Remove an exception; returns how many open cases got new due times."""
    audit.record(actor, "delete", ENTITY, entry.id, entry.day.isoformat(), now, before=snapshot(entry))
    db.session.delete(entry)
    db.session.flush()
    return recompute_due_times()


@dataclass(frozen=True)
class YearCalendar:
    """A year's public holidays (read-only) and the exceptions an admin set."""

    year: int
    public_holidays: list[tuple[date, str]]
    exceptions: list[CalendarDay]


def clamp_year(year: int | None, default: int) -> int:
    """A year the calendar page can show."""
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return default
    return year


def year_calendar(year: int, locale: str = "vi") -> YearCalendar:
    """The public holidays and the exceptions of one year, by date."""
    listed = holidays.country_holidays(
        "VN", years=year, language=HOLIDAY_LANGUAGES.get(locale, "vi")
    )
    public = sorted((day, name) for day, name in listed.items() if day.year == year)
    exceptions = list(
        db.session.scalars(
            sa.select(CalendarDay)
            .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
            .order_by(CalendarDay.day)
        )
    )
    return YearCalendar(year, public, exceptions)
