"""The deadline settings administrators change: deadline policies and the working
calendar's exceptions (extra days off, make-up working days).

One set of rules, whoever makes the change. The admin console passes the signed-in
administrator; the ``flask policies`` and ``flask calendar`` commands pass no user, and
the audit log records their changes as made on the command line. Every change is
audited in the same transaction and moves the due times of the open cases it affects.
Nothing here commits: the caller does.

Limits: a target is a whole number above zero, at most 400 working hours (50 working
days) to acknowledge and at most 120 working days (about six months) to answer, and an
urgent target is never longer than the normal one. These are the stricter of the two
limits the console and the command line used to apply: they hold any real policy and
still catch hours typed where days were meant. Public holidays come from
``app.deadlines.calendar`` and are shown, not edited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.core import audit
from app.core.cleaning import clean_code, clean_text, require_unused
from app.core.errors import InvalidInput
from app.deadlines.calendar import HOLIDAYS_RELEASE, holiday_name, package_workdays, public_holidays
from app.deadlines.sla import load_calendar, recompute_due_times
from app.extensions import db
from app.models import CalendarDay, Category, DeadlinePolicy, User

POLICY_ENTITY = "deadline_policy"
DAY_ENTITY = "calendar_day"
MAX_ACK_HOURS = 400
MAX_RESPONSE_DAYS = 120
NAME_MAX = 120
DAY_OFF = "day_off"
WORKING_DAY = "working_day"
KINDS = (DAY_OFF, WORKING_DAY)
NOTE_MAX = 200
FIRST_YEAR, LAST_YEAR = 2000, 2100
POLICY_FIELDS = ("code", "name", "ack_hours", "response_days", "urgent_ack_hours",
                 "urgent_response_days")


# Deadline policies -------------------------------------------------------------------

@dataclass(frozen=True)
class Targets:
    """A policy's name and its four targets (whole working hours / days)."""

    name: str
    ack_hours: int | None
    response_days: int | None
    urgent_ack_hours: int | None
    urgent_response_days: int | None


def targets_of(policy: DeadlinePolicy) -> Targets:
    """The policy's current name and targets, to change some of them."""
    return Targets(policy.name, policy.ack_hours, policy.response_days,
                   policy.urgent_ack_hours, policy.urgent_response_days)


def policy_snapshot(policy: DeadlinePolicy) -> dict:
    """What the audit log keeps of a policy."""
    return audit.snapshot(policy, POLICY_FIELDS)


def _whole(value: int | None, field: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= maximum:
        raise InvalidInput(_l("Enter a whole number from 1 to %(n)d.", n=maximum), field)
    return value


def _apply(policy: DeadlinePolicy, targets: Targets) -> None:
    """Check every target, then set them all (or none)."""
    name = clean_text(targets.name, "name", NAME_MAX)
    ack = _whole(targets.ack_hours, "ack_hours", MAX_ACK_HOURS)
    days = _whole(targets.response_days, "response_days", MAX_RESPONSE_DAYS)
    urgent_ack = _whole(targets.urgent_ack_hours, "urgent_ack_hours", MAX_ACK_HOURS)
    urgent_days = _whole(targets.urgent_response_days, "urgent_response_days", MAX_RESPONSE_DAYS)
    if urgent_ack > ack:
        raise InvalidInput(_l("An urgent target cannot be longer than the normal one."),
                           "urgent_ack_hours")
    if urgent_days > days:
        raise InvalidInput(_l("An urgent target cannot be longer than the normal one."),
                           "urgent_response_days")
    policy.name, policy.ack_hours, policy.response_days = name, ack, days
    policy.urgent_ack_hours, policy.urgent_response_days = urgent_ack, urgent_days


def policy_by_code(code: str) -> DeadlinePolicy:
    """The policy with this code; refused (field ``code``) when there is none."""
    policy = db.session.scalar(
        sa.select(DeadlinePolicy).where(DeadlinePolicy.code == (code or "").strip().upper())
    )
    if policy is None:
        raise InvalidInput(_l("There is no deadline policy with this code."), "code")
    return policy


def create_policy(code: str, targets: Targets, actor: User | None, now: datetime) -> DeadlinePolicy:
    """Add a deadline policy. ``actor`` None means the command line."""
    code = clean_code(code)
    require_unused(DeadlinePolicy.code, code, "code")
    policy = DeadlinePolicy(code=code)
    _apply(policy, targets)
    db.session.add(policy)
    db.session.flush()
    audit.record(actor, "create", POLICY_ENTITY, policy.id, policy.code, now,
                 after=policy_snapshot(policy))
    return policy


def update_policy(policy: DeadlinePolicy, targets: Targets, actor: User | None, now: datetime) -> int:
    """Change a policy's name or targets; returns how many open cases got new due times.

    Only that policy's open cases are counted again, and only when something changed.
    ``actor`` None means the command line.
    """
    before = policy_snapshot(policy)
    _apply(policy, targets)
    db.session.flush()
    entry = audit.record_update(actor, POLICY_ENTITY, policy.id, policy.code, now, before,
                                policy_snapshot(policy))
    if entry is None:
        return 0
    return recompute_due_times(policy_id=policy.id)


def policies_with_usage() -> list[tuple[DeadlinePolicy, int]]:
    """Every policy with the number of categories that follow it."""
    usage = (
        sa.select(Category.policy_id, sa.func.count().label("n"))
        .group_by(Category.policy_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(DeadlinePolicy, sa.func.coalesce(usage.c.n, 0))
        .outerjoin(usage, usage.c.policy_id == DeadlinePolicy.id)
        .order_by(DeadlinePolicy.code)
    ).tuples()
    return list(rows)


@dataclass(frozen=True)
class PolicyRow:
    """A policy with the codes of the categories that follow it."""

    policy: DeadlinePolicy
    categories: list[str]


def list_policies() -> list[PolicyRow]:
    """Every policy by code, with its categories."""
    policies = db.session.scalars(sa.select(DeadlinePolicy).order_by(DeadlinePolicy.code))
    categories = db.session.scalars(
        sa.select(Category).options(selectinload(Category.policy)).order_by(Category.code)
    ).all()
    return [
        PolicyRow(policy, [c.code for c in categories if c.policy_id == policy.id])
        for policy in policies
    ]


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
