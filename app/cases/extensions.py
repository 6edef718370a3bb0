"""Extensions of a case's answer deadline: an officer asks, the unit head decides.

The law lets a complex case take longer, a set number of times and by a set length each
(the case's deadline regime says how many and how long). An officer of the holding unit
asks for a new last day with the reason; the unit head approves or refuses it. Only an
approval moves the deadline: the days granted are added to ``Case.extension_days`` and
the due times counted again, so that the original date stays known for the scorecards.
The citizen is told the new date; a refusal stays inside the unit. Nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.cases import access
from app.cases.access import CaseAction
from app.cases.lifecycle import REASON_MAX, Actor, check_version, clean_text, record_event
from app.core.errors import IllegalMove, InvalidInput, NotPermitted
from app.deadlines import clocks, counting, regimes
from app.deadlines.calendar import MINUTES_PER_WORKING_DAY, WorkingCalendar
from app.deadlines.sla import load_calendar, set_due_times
from app.extensions import db
from app.models import (
    Case,
    CaseEvent,
    CaseExtension,
    CaseStatus,
    CountUnit,
    DeadlineRegime,
    EventKind,
    ExtensionStatus,
)
from app.notify import citizen_notices, staff_alerts

# While the answer deadline runs or is paused; a new case (in triage) has no unit to ask.
EXTENDABLE_STATUSES = frozenset(
    clocks.statuses_running(clocks.Deadline.RESPONSE, or_paused=True)) - {CaseStatus.NEW.value}


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def pending_extension(case: Case) -> CaseExtension | None:
    """The request awaiting the unit head's decision, if any (at most one at a time)."""
    return db.session.scalar(
        sa.select(CaseExtension).where(CaseExtension.case_id == case.id,
                                       CaseExtension.status == ExtensionStatus.REQUESTED.value))


def history(case: Case) -> list[CaseExtension]:
    """Every extension asked for on the case, oldest first."""
    return list(db.session.scalars(
        sa.select(CaseExtension).where(CaseExtension.case_id == case.id)
        .options(joinedload(CaseExtension.requested_by), joinedload(CaseExtension.decided_by))
        .order_by(CaseExtension.requested_at, CaseExtension.id)))


@dataclass(frozen=True)
class Allowance:
    """What an extension of the case may still be: the current last day and the latest one."""

    current_last_day: date
    latest_last_day: date


def _regime(case: Case) -> DeadlineRegime:
    return regimes.regime_for(case.kind, case.category_id, case.priority)


def allowance(case: Case, calendar: WorkingCalendar | None = None,
              regime: DeadlineRegime | None = None) -> Allowance | None:
    """The limits of one more extension, or None when the regime allows no more."""
    regime = regime or _regime(case)
    if case.extensions_used >= regime.max_extensions or regime.extension_amount <= 0:
        return None
    calendar = calendar or load_calendar()
    latest = counting.extend(case.response_due_at, regime.extension_amount, regime.extension_unit,
                             calendar)
    return Allowance(counting.last_day_of(case.response_due_at), counting.last_day_of(latest))


@dataclass(frozen=True)
class ExtensionView:
    """What the case page shows of extensions to a user, from one look at the case's requests."""

    history: list[CaseExtension]
    pending: CaseExtension | None
    limits: Allowance | None  # set when the user may ask for one now
    may_decide: bool

    @property
    def may_request(self) -> bool:
        return self.limits is not None


def view(case: Case, user, calendar: WorkingCalendar | None = None) -> ExtensionView:
    """The extensions of the case, and whether the user may ask for one or decide the pending one."""
    asked = history(case)
    pending = next((e for e in asked if e.status == ExtensionStatus.REQUESTED), None)
    extendable = case.status in EXTENDABLE_STATUSES
    limits = None
    if (extendable and pending is None
            and access.may_act(user, case, CaseAction.REQUEST_EXTENSION)):
        limits = allowance(case, calendar)
    may_decide = (extendable and pending is not None
                  and access.may_act(user, case, CaseAction.DECIDE_EXTENSION))
    return ExtensionView(asked, pending, limits, may_decide)


def may_request(case: Case, user) -> bool:
    """Whether the user may ask for an extension of the case now."""
    return view(case, user).may_request


def _check_extendable(case: Case) -> None:
    if case.status not in EXTENDABLE_STATUSES:
        raise IllegalMove(_l("The answer deadline can only be extended while it runs."))


def request_extension(case: Case, actor: Actor, new_last_day: date | None, reason: str,
                      now: datetime, expected_version: int | None = None) -> CaseExtension:
    """An officer of the holding unit asks for a later last day for the answer, with the reason."""
    if actor.user is None or not access.may_act(actor.user, case, CaseAction.REQUEST_EXTENSION):
        raise NotPermitted(_l("You are not allowed to do this."))
    check_version(case, expected_version)
    _check_extendable(case)
    reason = clean_text(reason, "reason", REASON_MAX, _l("Give the reason for the extension."))
    if pending_extension(case) is not None:
        raise IllegalMove(_l("An extension is already awaiting the unit head's decision."))
    limits = allowance(case)
    if limits is None:
        raise IllegalMove(_l("The deadline rules of this case allow no further extension."))
    if new_last_day is None:
        raise InvalidInput(_l("Choose the new last day for the answer."), "new_last_day")
    if new_last_day <= limits.current_last_day:
        raise InvalidInput(_l("Choose a day after the current last day, %(day)s.",
                              day=_day(limits.current_last_day)), "new_last_day")
    if new_last_day > limits.latest_last_day:
        raise InvalidInput(_l("The rules allow an extension up to %(day)s at the latest.",
                              day=_day(limits.latest_last_day)), "new_last_day")
    extension = CaseExtension(case_id=case.id, requested_by_id=actor.user.id, requested_at=now,
                              reason=reason, new_last_day=new_last_day,
                              previous_due_at=case.response_due_at,
                              status=ExtensionStatus.REQUESTED.value)
    db.session.add(extension)
    event = record_event(case, EventKind.EXTENSION, actor, now, is_public=False,
                         body=_("Extension asked until %(day)s: %(reason)s",
                                day=_day(new_last_day), reason=reason))
    staff_alerts.extension_requested(case, event, extension, now)
    return extension


def granted_days(current_last_day: date, new_last_day: date, unit: str,
                 calendar: WorkingCalendar) -> int:
    """The new last day as an amount in the regime's extension unit, from the current last day."""
    if unit == CountUnit.CALENDAR_DAYS:
        return (new_last_day - current_last_day).days
    working_days = counting.working_days_between(current_last_day, new_last_day, calendar)
    if unit == CountUnit.WORKING_HOURS:
        return working_days * MINUTES_PER_WORKING_DAY // 60
    return working_days


def decide_extension(extension: CaseExtension, actor: Actor, approve: bool, note: str,
                     now: datetime, expected_version: int | None = None) -> CaseEvent:
    """The unit head approves (the deadline moves, the citizen is told) or refuses (with a note)."""
    case = db.session.get(Case, extension.case_id)
    if actor.user is None or not access.may_act(actor.user, case, CaseAction.DECIDE_EXTENSION):
        raise NotPermitted(_l("You are not allowed to do this."))
    check_version(case, expected_version)
    if extension.status != ExtensionStatus.REQUESTED:
        raise IllegalMove(_l("This extension was already decided."))
    _check_extendable(case)
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        raise InvalidInput(_l("This text is too long (at most %(n)d characters).", n=REASON_MAX),
                           "note")
    if not approve and not note:
        raise InvalidInput(_l("Say why the extension is refused."), "note")
    extension.decided_by_id, extension.decided_at = actor.user.id, now
    extension.decision_note = note
    if not approve:
        extension.status = ExtensionStatus.REFUSED.value
        return record_event(case, EventKind.EXTENSION, actor, now, is_public=False,
                            body=_("Extension refused: %(note)s", note=note))
    return _approve(case, extension, actor, now)


def _approve(case: Case, extension: CaseExtension, actor: Actor, now: datetime) -> CaseEvent:
    calendar = load_calendar()
    regime = _regime(case)
    if case.extensions_used >= regime.max_extensions:
        raise IllegalMove(_l("The deadline rules of this case allow no further extension."))
    days = granted_days(counting.last_day_of(case.response_due_at), extension.new_last_day,
                        regime.extension_unit, calendar)
    if days <= 0:
        raise IllegalMove(_l("The day asked for is no longer after the current last day."))
    extension.status = ExtensionStatus.APPROVED.value
    case.extension_days += days
    case.extensions_used += 1
    set_due_times(case, calendar, regime)
    with force_locale(case.locale):
        body = _("The deadline for the answer is extended to %(day)s. Reason: %(reason)s",
                 day=_day(counting.last_day_of(case.response_due_at)), reason=extension.reason)
    event = record_event(case, EventKind.EXTENSION, actor, now, is_public=True, body=body)
    citizen_notices.deadline_extended(case, event, now)
    return event
