"""The deadline settings administrators change: deadline regimes and the working
calendar's exceptions (extra days off, make-up working days).

One set of rules, whoever makes the change. The admin console passes the signed-in
administrator; the ``flask regimes`` and ``flask calendar`` commands pass no user, and
the audit log records their changes as made on the command line. Every change is
audited in the same transaction and moves the due times of the open cases it affects.
Nothing here commits: the caller does.

Limits: an amount is a whole number above zero, at most 400 working hours (50 working
days), 120 working days or 180 calendar days (about six months); at most three
extensions, each counted in days (working or calendar: an extension is granted as a
new last day). They hold any real rule and still catch hours typed where days were meant.
Public holidays come from ``app.deadlines.calendar`` and are shown, not edited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.core import audit
from app.core.cleaning import clean_text
from app.core.errors import InvalidInput
from app.deadlines.calendar import HOLIDAYS_RELEASE, holiday_name, package_workdays, public_holidays
from app.deadlines.sla import load_calendar, recompute_due_times
from app.extensions import db
from app.models import (
    DAY_UNITS,
    CalendarDay,
    CaseKind,
    Category,
    CountUnit,
    DeadlineRegime,
    Priority,
    User,
)

REGIME_ENTITY = "deadline_regime"
DAY_ENTITY = "calendar_day"
MAX_AMOUNT = {CountUnit.WORKING_HOURS: 400, CountUnit.WORKING_DAYS: 120,
              CountUnit.CALENDAR_DAYS: 180}
MAX_EXTENSIONS = 3
SOURCE_MAX = 400
TERM_FIELDS = ("first_step_amount", "first_step_unit", "resolution_amount", "resolution_unit",
               "resolution_from_first_step", "max_extensions", "extension_amount",
               "extension_unit", "legal_source")
DAY_OFF = "day_off"
WORKING_DAY = "working_day"
KINDS = (DAY_OFF, WORKING_DAY)
NOTE_MAX = 200
FIRST_YEAR, LAST_YEAR = 2000, 2100


# Deadline regimes ---------------------------------------------------------------------

@dataclass(frozen=True)
class Terms:
    """What a regime sets: the first step, the resolution, the extensions, and their source."""

    first_step_amount: int | None
    first_step_unit: str
    resolution_amount: int | None
    resolution_unit: str
    resolution_from_first_step: bool
    max_extensions: int | None
    extension_amount: int | None
    extension_unit: str
    legal_source: str = ""


def terms_of(regime: DeadlineRegime) -> Terms:
    """A regime's current terms, to change some of them."""
    return Terms(*(getattr(regime, name) for name in TERM_FIELDS))


def regime_snapshot(regime: DeadlineRegime) -> dict:
    """What the audit log keeps of a regime."""
    return audit.snapshot(regime, ("kind", "category_id", "priority") + TERM_FIELDS)


def regime_label(regime: DeadlineRegime) -> str:
    """How the audit log names a regime: kind, and the category and priority it is limited to."""
    parts = [regime.kind, regime.category.code if regime.category else "*", regime.priority or "*"]
    return "/".join(parts)


def is_base(regime: DeadlineRegime) -> bool:
    """Whether this is a kind's base regime (any field, any priority): it can change, never go."""
    return regime.category_id is None and regime.priority is None


def base_regime(kind: str) -> DeadlineRegime:
    """A kind's base regime (any field, any priority), where a new regime's terms start from."""
    regime = db.session.scalar(sa.select(DeadlineRegime).where(
        DeadlineRegime.kind == kind, DeadlineRegime.category_id.is_(None),
        DeadlineRegime.priority.is_(None)))
    if regime is None:
        raise InvalidInput(_l("Choose the kind of case from the list."), "kind")
    return regime


def category_by_code(code: str) -> Category:
    """The field (category) a regime is limited to, by its code, as the command line names it."""
    category = db.session.scalar(sa.select(Category).where(Category.code == code.strip().upper()))
    if category is None:
        raise InvalidInput(_l("Choose a field from the list."), "category_id")
    return category


def _amount(value: int | None, unit: str, field: str) -> int:
    maximum = MAX_AMOUNT[_unit(unit, field + "_unit")]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= maximum:
        raise InvalidInput(_l("Enter a whole number from 1 to %(n)d.", n=maximum), field)
    return value


def _unit(value: str, field: str) -> CountUnit:
    try:
        return CountUnit(value)
    except ValueError:
        raise InvalidInput(_l("Choose how the time is counted."), field) from None


def _apply_terms(regime: DeadlineRegime, terms: Terms) -> None:
    """Check every term, then set them all (or none)."""
    first_unit = _unit(terms.first_step_unit, "first_step_unit")
    first = _amount(terms.first_step_amount, first_unit, "first_step_amount")
    resolution_unit = _unit(terms.resolution_unit, "resolution_unit")
    resolution = _amount(terms.resolution_amount, resolution_unit, "resolution_amount")
    extension_unit = _unit(terms.extension_unit, "extension_unit")
    if extension_unit not in DAY_UNITS:
        raise InvalidInput(_l("An extension is counted in working days or in days."),
                           "extension_unit")
    count = terms.max_extensions
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_EXTENSIONS:
        raise InvalidInput(_l("Enter a whole number from 0 to %(n)d.", n=MAX_EXTENSIONS),
                           "max_extensions")
    extension = _amount(terms.extension_amount, extension_unit, "extension_amount") if count else 0
    source = clean_text(terms.legal_source or "", "legal_source", SOURCE_MAX, required=False)
    regime.first_step_amount, regime.first_step_unit = first, first_unit.value
    regime.resolution_amount, regime.resolution_unit = resolution, resolution_unit.value
    regime.resolution_from_first_step = bool(terms.resolution_from_first_step)
    regime.max_extensions, regime.extension_amount = count, extension
    regime.extension_unit, regime.legal_source = extension_unit.value, source


def create_regime(kind: str, category_id: int | None, priority: str | None, terms: Terms,
                  actor: User | None, now: datetime) -> tuple[DeadlineRegime, int]:
    """Add a regime for one category, one priority or both. ``actor`` None: the command line.

    Returns the regime and how many open cases got new due times (those it now governs).
    """
    try:
        kind = CaseKind(kind)
    except ValueError:
        raise InvalidInput(_l("Choose the kind of case from the list."), "kind") from None
    category = db.session.get(Category, category_id) if category_id is not None else None
    if category_id is not None and category is None:
        raise InvalidInput(_l("Choose a field from the list."), "category_id")
    if priority is not None and priority not in {p.value for p in Priority}:
        raise InvalidInput(_l("Choose a priority from the list."), "priority")
    if category is None and priority is None:
        raise InvalidInput(_l("Every kind has its base regime already: choose a field, a "
                              "priority or both."), "category_id")
    taken = db.session.scalar(sa.select(DeadlineRegime.id).where(
        DeadlineRegime.kind == kind.value,
        DeadlineRegime.category_id.is_(None) if category is None
        else DeadlineRegime.category_id == category.id,
        DeadlineRegime.priority.is_(None) if priority is None
        else DeadlineRegime.priority == priority,
    ))
    if taken is not None:
        raise InvalidInput(_l("A regime for this kind, field and priority exists already."),
                           "category_id")
    regime = DeadlineRegime(kind=kind.value, category=category, priority=priority)
    _apply_terms(regime, terms)
    db.session.add(regime)
    db.session.flush()
    audit.record(actor, "create", REGIME_ENTITY, regime.id, regime_label(regime), now,
                 after=regime_snapshot(regime))
    return regime, recompute_due_times(kind=kind.value)


def update_regime(regime: DeadlineRegime, terms: Terms, actor: User | None, now: datetime) -> int:
    """Change a regime's terms; returns how many open cases got new due times.

    Only cases of the regime's kind are counted again, and only when something changed.
    """
    before = regime_snapshot(regime)
    _apply_terms(regime, terms)
    db.session.flush()
    entry = audit.record_update(actor, REGIME_ENTITY, regime.id, regime_label(regime), now,
                                before, regime_snapshot(regime))
    if entry is None:
        return 0
    return recompute_due_times(kind=regime.kind)


def delete_regime(regime: DeadlineRegime, actor: User | None, now: datetime) -> int:
    """Remove a category's or a priority's regime (a kind's base regime stays); recount."""
    if is_base(regime):
        raise InvalidInput(_l("A kind's base regime cannot be removed; change it instead."),
                           "regime")
    audit.record(actor, "delete", REGIME_ENTITY, regime.id, regime_label(regime), now,
                 before=regime_snapshot(regime))
    kind = regime.kind
    db.session.delete(regime)
    db.session.flush()
    return recompute_due_times(kind=kind)


def list_regimes() -> list[DeadlineRegime]:
    """Every regime: by kind in the order of the law's list, base regime first."""
    order = {kind.value: index for index, kind in enumerate(CaseKind)}
    rows = db.session.scalars(
        sa.select(DeadlineRegime).options(selectinload(DeadlineRegime.category))
    ).all()
    return sorted(rows, key=lambda r: (order[r.kind], r.category_id is not None,
                                       r.category.code if r.category else "", r.priority or ""))


# The working calendar ----------------------------------------------------------------

def day_snapshot(day: CalendarDay) -> dict:
    """What the audit log keeps of a calendar exception."""
    return audit.snapshot(day, ("day", "kind", "note"))


def exception_on(day: date) -> CalendarDay | None:
    """The exception recorded for ``day``, if any."""
    return db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day == day))


def add_day(day: date | None, kind: str, note: str, actor: User | None, now: datetime) -> int:
    """Add an exception; returns how many open cases got new due times.

    Refused when the day already has an exception (remove it first), or when it
    would change nothing (a day off on a day nobody works, a make-up day on a
    working day). ``actor`` None means the command line.
    """
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(_l("Enter a date between %(a)d and %(b)d.", a=FIRST_YEAR, b=LAST_YEAR),
                           "day")
    if kind not in KINDS:
        raise InvalidInput(_l("Choose a kind of day from the list."), "kind")
    note = clean_text(note, "note", NOTE_MAX, required=False)
    if exception_on(day) is not None:
        raise InvalidInput(_l("This date already has an exception: remove it first."), "day")
    working = load_calendar().is_working_day(day)
    if kind == DAY_OFF and not working:
        raise InvalidInput(_l("This date is already a day off."), "day")
    if kind == WORKING_DAY and working:
        raise InvalidInput(_l("This date is already a working day."), "day")
    entry = CalendarDay(day=day, kind=kind, note=note)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "create", DAY_ENTITY, entry.id, day.isoformat(), now,
                 after=day_snapshot(entry))
    return recompute_due_times()


def remove_day(entry: CalendarDay, actor: User | None, now: datetime) -> int:
    """Remove an exception; returns how many open cases got new due times.

    ``actor`` None means the command line.
    """
    audit.record(actor, "delete", DAY_ENTITY, entry.id, entry.day.isoformat(), now,
                 before=day_snapshot(entry))
    db.session.delete(entry)
    db.session.flush()
    return recompute_due_times()


@dataclass(frozen=True)
class YearCalendar:
    """A year's public holidays (read-only) and the exceptions an admin set."""

    year: int
    public_holidays: list[tuple[date, str]]
    exceptions: list[CalendarDay]
    package_workdays: list[date] = ()  # Saturdays the package lists as worked under a swap
    release: str = HOLIDAYS_RELEASE  # the `holidays` release the two lists come from


def clamp_year(year: int | None, default: int) -> int:
    """A year the calendar can show."""
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return default
    return year


def year_calendar(year: int, locale: str = "vi") -> YearCalendar:
    """The public holidays and the exceptions of one year, by date."""
    public = sorted(public_holidays(year, locale).items())
    exceptions = list(
        db.session.scalars(
            sa.select(CalendarDay)
            .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day < date(year + 1, 1, 1))
            .order_by(CalendarDay.day)
        )
    )
    return YearCalendar(year, public, exceptions, sorted(package_workdays(year)))


@dataclass(frozen=True)
class CalendarEntry:
    """One date that differs from a plain Monday-to-Friday week, and why."""

    day: date
    working: bool
    holiday: str | None  # the public holiday's name, if the package lists one
    exception: str | None  # DAY_OFF or WORKING_DAY when a CalendarDay row says so
    note: str


def year_entries(year: int, locale: str = "vi") -> list[CalendarEntry]:
    """The public holidays and the exceptions of a year merged, by date."""
    found = year_calendar(year, locale)
    public = dict(found.public_holidays)
    rows = {row.day: row for row in found.exceptions}
    calendar = load_calendar()
    return [
        CalendarEntry(
            day=day,
            working=calendar.is_working_day(day),
            holiday=public.get(day),
            exception=rows[day].kind if day in rows else None,
            note=rows[day].note if day in rows else "",
        )
        for day in sorted(set(public) | set(rows))
    ]


def day_reasons(days: list[date], locale: str = "vi") -> dict[date, tuple[str, str]]:
    """Why each date is special: (``day_off`` | ``working_day`` | ``holiday`` | "", text).

    The text is the exception's note, or the public holiday's name in the
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
