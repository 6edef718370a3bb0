"""Co-handling: the lead unit (đơn vị chủ trì) asks other units (đơn vị phối hợp) for input.

The unit holding a case asks one or more other units a question, each by a last day of
its own (a date: the request is due at the end of that local day, as every day-counted
deadline is). Each asked unit answers with a text and files, or declines with a reason;
the lead reads every contribution and answers the citizen once. A request still open
when the case ends is withdrawn by the lifecycle (``_settle_side_work``). Reminders at
75 % of the working time and an escalation once the day has passed are sent by
``sweep``. Nothing here commits, apart from ``sweep``, which commits per request as the
deadline enforcement does per case.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.cases import access, attachments, casework
from app.cases.access import CaseAction
from app.cases.lifecycle import (
    ANSWER_MAX,
    REASON_MAX,
    SYSTEM_ACTOR,
    Actor,
    check_keeps_reporter,
    check_version,
    clean_text,
    record_event,
)
from app.core.errors import IllegalMove, InvalidInput, NotPermitted
from app.deadlines import counting
from app.deadlines.calendar import WorkingCalendar
from app.deadlines.sla import Countdown, DeadlineState, due_soon_limit
from app.extensions import db
from app.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    CoHandlingRequest,
    EventKind,
    RequestStatus,
    Unit,
    Uploader,
)
from app.notify import staff_alerts
from app.org.units import require_receiving

log = logging.getLogger("lang_nghe.cohandling")
QUESTION_MAX = REASON_MAX
CONTRIBUTION_MAX = ANSWER_MAX
# While the case is with a unit and not yet answered.
ASKABLE_STATUSES = frozenset({CaseStatus.ASSIGNED.value, CaseStatus.IN_PROGRESS.value,
                              CaseStatus.AWAITING_CITIZEN.value})
# Remind when this share of the working time from asking to the due time is used.
REMINDER_SHARE = (3, 4)


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _touch(case: Case, now: datetime) -> None:
    """Change the case's row, so its version moves: forms shown before this are stale, and
    two people answering the same request at once cannot both succeed."""
    case.updated_at = now


def answer_last_day(case: Case, today: date) -> date | None:
    """The answer's last day when it is still ahead (a request may not run past it)."""
    if case.response_due_at is None:
        return None
    last = counting.last_day_of(case.response_due_at)
    return last if last > today else None


def check_last_day(case: Case, last_day: date | None, now: datetime) -> date:
    """The request's last day, if it is after today and not after the answer's last day."""
    if last_day is None:
        raise InvalidInput(_l("Choose the last day for the input."), "last_day")
    today = counting.local_day(now)
    if last_day <= today:
        raise InvalidInput(_l("Choose a day after today."), "last_day")
    answer_last = answer_last_day(case, today)
    if answer_last is not None and last_day > answer_last:
        raise InvalidInput(
            _l("The answer to the citizen is due by %(day)s: ask for the input by that day "
               "at the latest.", day=_day(answer_last)), "last_day")
    return last_day


def default_last_day(case: Case, now: datetime, calendar: WorkingCalendar,
                     working_days: int = 5) -> date:
    """What the ask form proposes: 5 working days ahead, no later than the answer's last day."""
    today = counting.local_day(now)
    proposed = counting.add_working_days(today, working_days, calendar)
    answer_last = answer_last_day(case, today)
    return min(proposed, answer_last) if answer_last is not None else proposed


def may_ask(case: Case, user) -> bool:
    """Whether the user may ask another unit for input on the case now."""
    return case.status in ASKABLE_STATUSES and access.may_act(user, case,
                                                              CaseAction.ASK_COHANDLING)


def askable_units(case: Case) -> list[casework.UnitChoice]:
    """Units that may be asked: those a transfer may go to (active, handling cases, not the
    holder), by name, with their parents."""
    return casework.transfer_targets(case)


def open_request(case: Case, unit_id: int | None) -> CoHandlingRequest | None:
    """The open request of the case to the unit, if any (read from the loaded requests)."""
    return next((r for r in case.cohandling_requests if r.unit_id == unit_id and r.is_open), None)


def ask(case: Case, actor: Actor, unit: Unit | None, question: str, last_day: date | None,
        share_contact: bool, now: datetime,
        expected_version: int | None = None) -> CoHandlingRequest:
    """The lead unit asks another unit for its input on the case, by a last day."""
    if actor.user is None or not access.may_act(actor.user, case, CaseAction.ASK_COHANDLING):
        raise NotPermitted(_l("You are not allowed to do this."))
    check_version(case, expected_version)
    if case.status not in ASKABLE_STATUSES:
        raise IllegalMove(_l("Other units can be asked for input only while the case is "
                             "being handled."))
    require_receiving(unit)
    if unit.id == case.unit_id:
        raise InvalidInput(_l("The case is already with this unit."), "unit")
    if open_request(case, unit.id) is not None:
        raise InvalidInput(_l("This unit was already asked and has not answered yet."), "unit")
    question = clean_text(question, "question", QUESTION_MAX,
                          _l("Write what the unit is asked for."))
    check_keeps_reporter(case, question, "question")
    last_day = check_last_day(case, last_day, now)
    if share_contact and access.is_confidential(case):
        raise InvalidInput(
            _l("The identity of the person who made this denunciation is confidential: it is "
               "never shared with another unit."), "share_contact")
    request = CoHandlingRequest(
        case=case, lead_unit_id=case.unit_id, unit_id=unit.id, unit=unit, question=question,
        asked_by_id=actor.user.id, asked_by=actor.user, asked_at=now, last_day=last_day,
        due_at=counting.end_of(last_day), share_contact=bool(share_contact),
        status=RequestStatus.OPEN.value)
    db.session.add(request)
    _touch(case, now)
    event = record_event(case, EventKind.COHANDLING_ASKED, actor, now, is_public=False,
                         to_unit_id=unit.id, body=question)
    _notify(_asked_unit_recipients(unit), "cohandling_requested", request, event, now)
    return request


def _check_contributor(request: CoHandlingRequest, actor: Actor) -> Case:
    case = request.case
    user = actor.user
    if user is None or not access.is_unit_staff(user) or user.unit_id != request.unit_id:
        raise NotPermitted(_l("You are not allowed to do this."))
    if not request.is_open or not case.is_open:  # answered, declined or withdrawn meanwhile
        raise IllegalMove(_l("This request is no longer open."))
    if not access.may_act(user, case, CaseAction.CONTRIBUTE):
        raise NotPermitted(_l("You are not allowed to do this."))
    return case


def contribute(request: CoHandlingRequest, actor: Actor, text: str, now: datetime,
               files=(), expected_version: int | None = None) -> CaseEvent:
    """The asked unit gives its input: a text, and files that only the lead unit reads.

    ``files`` are uploads (app/cases/attachments.Upload), checked by their content.
    """
    case = _check_contributor(request, actor)
    check_version(case, expected_version)
    text = clean_text(text, "text", CONTRIBUTION_MAX, _l("Write the unit's input."))
    check_keeps_reporter(case, text, "text")
    cleaned = attachments.clean_all(list(files), "files")
    _reply(request, actor, RequestStatus.ANSWERED, text, now)
    for attachment in attachments.store(case, cleaned, Uploader.OFFICER, now, uploader=actor.user):
        attachment.request_id = request.id
    event = record_event(case, EventKind.COHANDLING_ANSWERED, actor, now, is_public=False,
                         from_unit_id=request.unit_id, body=text)
    _notify(_lead_recipients(case), "cohandling_answered", request, event, now)
    return event


def decline(request: CoHandlingRequest, actor: Actor, reason: str, now: datetime,
            expected_version: int | None = None) -> CaseEvent:
    """The asked unit declines to give input, with the reason (the lead reads it)."""
    case = _check_contributor(request, actor)
    check_version(case, expected_version)
    reason = clean_text(reason, "reason", REASON_MAX, _l("Say why the unit declines."))
    check_keeps_reporter(case, reason, "reason")
    _reply(request, actor, RequestStatus.DECLINED, reason, now)
    event = record_event(case, EventKind.COHANDLING_DECLINED, actor, now, is_public=False,
                         from_unit_id=request.unit_id, body=reason)
    _notify(_lead_recipients(case), "cohandling_answered", request, event, now)
    return event


def _reply(request: CoHandlingRequest, actor: Actor, status: RequestStatus, text: str,
           now: datetime) -> None:
    request.status = status.value
    request.reply = text
    request.replied_by_id, request.replied_by = actor.user.id, actor.user
    request.replied_at = now
    _touch(request.case, now)
    db.session.flush()  # the request's id for its files; a concurrent answer fails here


def withdraw(request: CoHandlingRequest, actor: Actor, now: datetime,
             expected_version: int | None = None) -> CaseEvent:
    """The lead unit no longer needs the input: the open request is withdrawn."""
    case = request.case
    if actor.user is None or not access.may_act(actor.user, case, CaseAction.ASK_COHANDLING):
        raise NotPermitted(_l("You are not allowed to do this."))
    check_version(case, expected_version)
    if not request.is_open:
        raise IllegalMove(_l("This request is no longer open."))
    request.status = RequestStatus.WITHDRAWN.value
    request.replied_at = now
    _touch(case, now)
    return record_event(case, EventKind.COHANDLING_WITHDRAWN, actor, now, is_public=False,
                        to_unit_id=request.unit_id)


def request_of(case: Case, request_id: int | None) -> CoHandlingRequest:
    """One request of the case, by id (from the loaded requests); InvalidInput otherwise."""
    found = next((r for r in case.cohandling_requests if r.id == request_id), None)
    if found is None:
        raise InvalidInput(_l("This request does not exist."), "request")
    return found


def files_of(case: Case) -> dict[int, list[Attachment]]:
    """The contribution files of the case's requests, by request id (from the loaded files)."""
    found: dict[int, list[Attachment]] = {}
    for attachment in case.attachments:
        if attachment.request_id is not None:
            found.setdefault(attachment.request_id, []).append(attachment)
    return found


# Who is told.

def _asked_unit_recipients(unit: Unit) -> list[staff_alerts.Recipient]:
    """The asked unit's heads; its shared mailbox or staff when it has no active head."""
    return staff_alerts.unit_heads(unit) or staff_alerts.unit_recipients(unit)


def _lead_recipients(case: Case) -> list[staff_alerts.Recipient]:
    """The officer the case is assigned to, or the holding unit's heads when nobody is."""
    return staff_alerts.reminder_recipients(case)


def _merged(*groups) -> list[staff_alerts.Recipient]:
    seen, merged = set(), []
    for group in groups:
        for recipient in group:
            if recipient.email not in seen:
                seen.add(recipient.email)
                merged.append(recipient)
    return merged


def _notify(recipients, template: str, request: CoHandlingRequest, event: CaseEvent | None,
            now: datetime, key: str | None = None) -> int:
    if staff_alerts.is_silenced():
        return 0
    db.session.flush()  # the request and the event need their ids for the keys
    return staff_alerts.send_to_staff(
        recipients, kind=template, key=key or f"{template}:{event.id}", template=template,
        case=request.case, now=now, request=request, event=event)


# Reminders and escalations.

def reminder_at(request: CoHandlingRequest, calendar: WorkingCalendar) -> datetime:
    """When 75 % of the working time from asking to the due time is used (rounded up)."""
    available = calendar.working_minutes_between(request.asked_at, request.due_at)
    numerator, denominator = REMINDER_SHARE
    return calendar.add_working_minutes(request.asked_at, -(-available * numerator // denominator))


def _open_requests(condition) -> list[CoHandlingRequest]:
    return list(db.session.scalars(
        sa.select(CoHandlingRequest)
        .where(CoHandlingRequest.status == RequestStatus.OPEN.value, condition)
        .options(joinedload(CoHandlingRequest.case).joinedload(Case.unit),
                 joinedload(CoHandlingRequest.case).joinedload(Case.assignee),
                 joinedload(CoHandlingRequest.unit))
        .order_by(CoHandlingRequest.id)))


def _alert_line(request: CoHandlingRequest, reminder: bool, recipients) -> str:
    unit = request.unit.display_name(staff_alerts.STAFF_LOCALE)
    if reminder:
        line = _("Input asked of %(unit)s: 75 percent of the time is used; due %(day)s.",
                 unit=unit, day=_day(request.last_day))
    else:
        line = _("Input asked of %(unit)s was not given by its last day, %(day)s.",
                 unit=unit, day=_day(request.last_day))
    if recipients:
        return line + "\n" + _("Notified: %(names)s.", names=", ".join(r.name for r in recipients))
    return line + "\n" + _("Nobody could be notified: the unit has no active unit head.")


def _alert(request: CoHandlingRequest, now: datetime, reminder: bool) -> bool:
    """Record the reminder or escalation on the case and email it, once; commits."""
    case = request.case
    if reminder:
        request.reminded_at = now
        recipients = _asked_unit_recipients(request.unit)
        kind, event_kind = "cohandling_reminder", EventKind.REMINDER
    else:
        request.escalated_at = now
        recipients = _merged(_asked_unit_recipients(request.unit),
                             staff_alerts.unit_heads(case.unit), _lead_recipients(case))
        kind, event_kind = "cohandling_escalation", EventKind.ESCALATION
    with force_locale(staff_alerts.STAFF_LOCALE):
        body = _alert_line(request, reminder, recipients)
    # to_unit_id names the asked unit: this entry is about the request, not the case's deadline.
    event = record_event(case, event_kind, SYSTEM_ACTOR, now, is_public=False, body=body,
                         to_unit_id=request.unit_id)
    _notify(recipients, kind, request, event, now, key=f"{kind}:{request.id}")
    try:
        db.session.commit()
        return True
    except (IntegrityError, StaleDataError):  # another run got there first
        db.session.rollback()
        log.info("%s of co-handling request %s skipped: done concurrently", kind, request.id)
        return False


def sweep(now: datetime, calendar: WorkingCalendar) -> int:
    """Remind the asked units at 75 % of their time, escalate the requests past their day.

    Each request is reminded once (``reminded_at``) and escalated once (``escalated_at``);
    a second run sends nothing. Returns how many alerts were recorded.
    """
    done = 0
    for request in _open_requests(sa.and_(CoHandlingRequest.escalated_at.is_(None),
                                          CoHandlingRequest.due_at <= now)):
        done += _alert(request, now, reminder=False)
    for request in _open_requests(sa.and_(CoHandlingRequest.reminded_at.is_(None),
                                          CoHandlingRequest.due_at > now,
                                          CoHandlingRequest.asked_at <= now)):
        if reminder_at(request, calendar) <= now:
            done += _alert(request, now, reminder=True)
    return done


# How requests stand: the case page, the queue, the deadline explanation.

def countdown(request: CoHandlingRequest, now: datetime, calendar: WorkingCalendar) -> Countdown:
    """Where an open request stands against its last day, as a case's countdown reads
    ("hạn 12/02/2027 · còn 2 ngày làm việc", "quá hạn 3 ngày làm việc")."""
    today, last = counting.local_day(now), request.last_day
    if today <= last:
        left = counting.working_days_between(today, last, calendar)
        soon = request.due_at < due_soon_limit(now, calendar)
        state = DeadlineState.DUE_SOON if soon else DeadlineState.ON_TRACK
        minutes = calendar.working_minutes_between(now, request.due_at)
    else:
        left = -max(1, counting.working_days_between(last, today, calendar))
        state = DeadlineState.OVERDUE
        minutes = -calendar.working_minutes_between(request.due_at, now)
    return Countdown(state, request.due_at, minutes, "cohandling", last, left)



@dataclass(frozen=True)
class LeadWait:
    """One request as the deadline explanation shows it: how long the lead waited past its day."""

    request: CoHandlingRequest
    asked_on: date
    last_day: date
    replied_at: datetime | None
    # Working days after the last day until the reply (or until now while open and late).
    days_late: int


def lead_waits(case: Case, calendar: WorkingCalendar, now: datetime) -> list[LeadWait]:
    """Per request of the case (withdrawn ones aside): asked, due, replied, days waited late."""
    waits = []
    for request in case.cohandling_requests:
        if request.status == RequestStatus.WITHDRAWN:
            continue
        until = request.replied_at if request.replied_at is not None else now
        late = 0
        if until >= request.due_at:
            late = max(1, counting.working_days_between(request.last_day,
                                                        counting.local_day(until), calendar))
        waits.append(LeadWait(request, counting.local_day(request.asked_at), request.last_day,
                              request.replied_at, late))
    return waits


@dataclass
class QueueMark:
    """What a queue row shows of co-handling: replied/asked, and the request to the user's unit."""

    replied: int = 0
    asked: int = 0
    mine: CoHandlingRequest | None = None


def queue_marks(case_ids: list[int], unit_id: int | None) -> dict[int, QueueMark]:
    """Per listed case with requests (withdrawn ones aside): how many were replied to, of how
    many asked, and the open request to ``unit_id``. One statement for the whole page."""
    if not case_ids:
        return {}
    marks: dict[int, QueueMark] = {}
    for request in db.session.scalars(
            sa.select(CoHandlingRequest)
            .where(CoHandlingRequest.case_id.in_(case_ids),
                   CoHandlingRequest.status != RequestStatus.WITHDRAWN.value)
            .order_by(CoHandlingRequest.id)):
        mark = marks.setdefault(request.case_id, QueueMark())
        mark.asked += 1
        mark.replied += not request.is_open
        if request.unit_id == unit_id and request.is_open:
            mark.mine = request
    return marks
