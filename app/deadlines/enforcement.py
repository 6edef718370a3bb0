"""The periodic rules that enforce deadlines: reminders, escalations, auto-close.

Each rule acts at most once per deadline, whatever the number of runs:

* a reminder is due when 75 % of the working time from a clock's start to its due
  time (for a deadline counted in days, to the end of its last day), less the time
  spent awaiting the citizen, is used, before its due time, and no reminder has been
  recorded since that point;
* an escalation is due when a due time has passed and no escalation has been
  recorded since it passed;
* an answered case closes when the citizen's reopen window has passed.

The timeline entry and the outbox rows are written in one transaction per case,
and the rows' dedupe keys make a concurrent second run fail instead of sending
twice. These functions commit per case, so one conflict does not undo the rest.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.cases import lifecycle
from app.deadlines import regimes
from app.deadlines.calendar import WorkingCalendar
from app.deadlines.clocks import Deadline, any_running, due_at, running_deadlines
from app.deadlines.sla import due_text, response_start
from app.extensions import db
from app.models import Case, CaseEvent, CaseStatus, DeadlineRegime, EventKind
from app.notify import staff_alerts

log = logging.getLogger("lang_nghe.enforcement")
# Remind when this share of a clock's working time is used (numerator, denominator).
REMINDER_SHARE = (3, 4)
S = CaseStatus


@dataclass(frozen=True)
class Clock:
    """One running deadline of a case: acknowledgment ("ack") or response."""

    kind: Deadline
    due: datetime
    reminder_at: datetime


def running_clocks(case: Case, calendar: WorkingCalendar,
                   every_regime: list[DeadlineRegime] | None = None) -> list[Clock]:
    """The deadlines running now (none while the case awaits the citizen or is answered).

    ``every_regime`` (app/deadlines/regimes.all_regimes) saves a query per case in a sweep.
    """
    regime = regimes.choose(every_regime if every_regime is not None else regimes.all_regimes(),
                            case.kind, case.category_id, case.priority)
    clocks = []
    for deadline in running_deadlines(case.status):
        due = due_at(case, deadline)
        paused = 0
        if deadline == Deadline.ACK:
            start = case.received_at
        else:  # from receipt, acceptance or reopening, as the regime counts the answer
            start, paused = response_start(case, regime, case.ack_due_at), case.paused_minutes
        # The time spent awaiting the citizen was not the unit's: 75 % of the rest.
        available = max(calendar.working_minutes_between(start, due) - paused, 0)
        share = _share(available) + paused
        clocks.append(Clock(deadline, due, calendar.add_working_minutes(start, share)))
    return clocks


def _share(minutes: int) -> int:
    numerator, denominator = REMINDER_SHARE
    return -(-minutes * numerator // denominator)  # rounded up: never early


def _latest(kind: EventKind, case_ids: list[int]) -> dict[int, datetime]:
    rows = db.session.execute(
        sa.select(CaseEvent.case_id, sa.func.max(CaseEvent.created_at))
        # A reminder or escalation naming a unit is a co-handling request's, not the case's.
        .where(CaseEvent.kind == kind.value, CaseEvent.case_id.in_(case_ids),
               CaseEvent.to_unit_id.is_(None))
        .group_by(CaseEvent.case_id)
    )
    return {case_id: latest for case_id, latest in rows}


def _cases(ids: list[int]) -> list[Case]:
    return list(
        db.session.scalars(
            sa.select(Case)
            .where(Case.id.in_(ids))
            .options(joinedload(Case.category), joinedload(Case.unit),
                     joinedload(Case.assignee))
            .order_by(Case.id)
        ).unique()
    )


def _batches(stmt, size: int = 200):
    ids = list(db.session.scalars(stmt.order_by(Case.id)))
    for offset in range(0, len(ids), size):
        yield ids[offset:offset + size]


def _record(case: Case, kind: EventKind, lines: list[str], now: datetime) -> CaseEvent:
    return lifecycle.record_event(
        case, kind, lifecycle.SYSTEM_ACTOR, now, body="\n".join(lines), is_public=False
    )


def _notified_line(recipients) -> str:
    if recipients:
        return _("Notified: %(names)s.", names=", ".join(r.name for r in recipients))
    return _("Nobody could be notified: the unit has no active unit head.")


def _commit_or_skip(case_id: int, what: str, recipients=(), queued: int = 0) -> bool:
    if recipients and not queued:  # every email of this alert exists: a run before did it
        db.session.rollback()
        return False
    try:
        db.session.commit()
        return True
    except (IntegrityError, StaleDataError):  # another run got there first
        db.session.rollback()
        log.info("%s of case %s skipped: done concurrently", what, case_id)
        return False


def send_reminders(now: datetime, calendar: WorkingCalendar) -> int:
    """Remind the assignee (or the unit heads) of every clock 75 % used. Returns cases reminded."""
    # A case in triage has no unit whose people could be reminded.
    stmt = sa.select(Case.id).where(
        Case.status != S.NEW.value, any_running(lambda due: due > now)
    )
    reminded, every_regime = 0, regimes.all_regimes()
    for ids in _batches(stmt):
        latest = _latest(EventKind.REMINDER, ids)
        for case in _cases(ids):
            previous = latest.get(case.id)
            clocks = [
                clock for clock in running_clocks(case, calendar, every_regime)
                if clock.reminder_at <= now < clock.due
                and (previous is None or previous < clock.reminder_at)
            ]
            if clocks and _remind(case, clocks, now):
                reminded += 1
    return reminded


def _remind(case: Case, clocks: list[Clock], now: datetime) -> bool:
    return _alert(case, clocks, now, reminder=True)


def _alert(case: Case, clocks: list[Clock], now: datetime, reminder: bool) -> bool:
    """Write the reminder or escalation on the timeline and email its recipients, once."""
    if reminder:
        kind, event_kind = "reminder", EventKind.REMINDER
        recipients = staff_alerts.reminder_recipients(case)
        moments = [c.reminder_at for c in clocks]
    else:
        kind, event_kind = "escalation", EventKind.ESCALATION
        recipients = staff_alerts.escalation_recipients(case)
        moments = [c.due for c in clocks]
    with force_locale(staff_alerts.STAFF_LOCALE):
        lines = [_clock_line(case, clock, reminder=reminder) for clock in clocks]
        _record(case, event_kind, lines + [_notified_line(recipients)], now)
    key = "+".join(f"{c.kind}{int(m.timestamp())}" for c, m in zip(clocks, moments))
    queued = staff_alerts.send_to_staff(
        recipients, kind=f"deadline_{kind}", key=f"{kind}:{case.id}:{key}",
        template=f"deadline_{kind}", case=case, now=now, clocks=clocks,
    )
    return _commit_or_skip(case.id, kind, recipients, queued)


def _clock_line(case: Case, clock: Clock, reminder: bool) -> str:
    due = due_text(case, clock.kind)
    if reminder and clock.kind == Deadline.ACK:
        return _("75 percent of the time to acknowledge is used; due %(due)s.", due=due)
    if reminder:
        return _("75 percent of the time to answer is used; due %(due)s.", due=due)
    if clock.kind == Deadline.ACK:
        return _("Not acknowledged by the due time %(due)s.", due=due)
    return _("Not answered by the due time %(due)s.", due=due)


def escalate_overdue(now: datetime, calendar: WorkingCalendar) -> int:
    """Tell the unit heads and the committee of every due time passed. Returns cases escalated."""
    stmt = sa.select(Case.id).where(any_running(lambda due: due <= now))
    escalated, every_regime = 0, regimes.all_regimes()
    for ids in _batches(stmt):
        latest = _latest(EventKind.ESCALATION, ids)
        for case in _cases(ids):
            previous = latest.get(case.id)
            clocks = [
                clock for clock in running_clocks(case, calendar, every_regime)
                if clock.due <= now and (previous is None or previous < clock.due)
            ]
            if clocks and _escalate(case, clocks, now):
                escalated += 1
    return escalated


def _escalate(case: Case, clocks: list[Clock], now: datetime) -> bool:
    return _alert(case, clocks, now, reminder=False)


def close_answered(now: datetime, window_days: int, calendar: WorkingCalendar) -> int:
    """Close every answered case whose reopen window of working days has passed.

    N working days never end before N calendar days have passed, so the query
    skips the answers younger than that; the working-day rule decides the rest.
    Returns how many were closed.
    """
    stmt = sa.select(Case.id).where(
        Case.status == S.RESPONDED.value,
        Case.responded_at < now - timedelta(days=window_days),
    )
    closed = 0
    for ids in _batches(stmt):
        for case in _cases(ids):
            if lifecycle.close_if_window_passed(case, now, window_days, calendar) is not None:
                closed += _commit_or_skip(case.id, "auto-close")
    return closed
