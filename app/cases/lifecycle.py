"""The case lifecycle: every legal move, who may make it, and what it records.

Each public function checks the move against ``RULES``: the states it may start
from, and who may make it (the citizen, the system, or the staff member whom
``access.may_act`` lets take the move's action), then changes the case and
appends a CaseEvent. An illegal move raises a ``DomainError`` before anything
changes. Nothing here commits: the caller owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.cases import access
from app.cases.access import CaseAction
from app.cases.attachments import publish_drafts
from app.core.errors import (
    DomainError,
    IllegalMove,
    InvalidInput,
    NotPermitted,
    VersionConflict,
)
from app.deadlines.calendar import WorkingCalendar
from app.deadlines.reopening import reopen_deadline
from app.deadlines.sla import load_calendar, set_due_times
from app.extensions import db
from app.models import (
    Case,
    CaseEvent,
    CaseStatus,
    DraftStatus,
    EventKind,
    RequestStatus,
    ReviewState,
    Unit,
    User,
)
from app.notify import citizen_notices, staff_alerts
from app.org.units import require_receiving
from app.scoring import attribution

S = CaseStatus
REASON_MAX = 2000
ANSWER_MAX = 5000


class Move(StrEnum):
    """A change of a case's state."""

    ROUTE = "route"
    ACKNOWLEDGE = "acknowledge"
    ASK_CITIZEN = "ask_citizen"
    CITIZEN_REPLY = "citizen_reply"
    RESUME = "resume"
    TRANSFER = "transfer"
    RESPOND = "respond"
    CLOSE = "close"
    REOPEN = "reopen"
    REJECT = "reject"
    GUIDE = "guide"


CITIZEN = "citizen"
SYSTEM = "system"


@dataclass(frozen=True)
class Rule:
    """Where a move may start, where it ends, and who may make it.

    A staff member may make the move when ``access.may_act`` lets them take
    ``action`` on the case (the access module says which staff); the citizen and
    the system may make it when ``non_staff`` names them.
    """

    sources: frozenset[CaseStatus]
    target: CaseStatus
    action: CaseAction | None = None
    non_staff: frozenset[str] = frozenset()


RULES: dict[Move, Rule] = {
    Move.ROUTE: Rule(frozenset({S.NEW}), S.ASSIGNED, CaseAction.ROUTE, frozenset({SYSTEM})),
    Move.ACKNOWLEDGE: Rule(frozenset({S.ASSIGNED}), S.IN_PROGRESS, CaseAction.ACKNOWLEDGE),
    Move.ASK_CITIZEN: Rule(frozenset({S.IN_PROGRESS}), S.AWAITING_CITIZEN, CaseAction.ASK_CITIZEN),
    Move.CITIZEN_REPLY: Rule(
        frozenset({S.AWAITING_CITIZEN}), S.IN_PROGRESS, non_staff=frozenset({CITIZEN})
    ),
    Move.RESUME: Rule(frozenset({S.AWAITING_CITIZEN}), S.IN_PROGRESS, CaseAction.RESUME),
    Move.TRANSFER: Rule(frozenset({S.ASSIGNED, S.IN_PROGRESS}), S.ASSIGNED, CaseAction.TRANSFER),
    Move.RESPOND: Rule(frozenset({S.IN_PROGRESS}), S.RESPONDED, CaseAction.RESPOND),
    Move.CLOSE: Rule(frozenset({S.RESPONDED}), S.CLOSED, non_staff=frozenset({CITIZEN, SYSTEM})),
    Move.REOPEN: Rule(
        frozenset({S.RESPONDED, S.CLOSED}), S.IN_PROGRESS, non_staff=frozenset({CITIZEN})
    ),
    Move.REJECT: Rule(frozenset({S.NEW, S.ASSIGNED}), S.REJECTED, CaseAction.REJECT),
    Move.GUIDE: Rule(frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS}), S.GUIDED, CaseAction.GUIDE),
}


@dataclass(frozen=True)
class Actor:
    """Who makes a move: a staff member, the citizen holding the code, or the system."""

    kind: str
    user: User | None = None

    @classmethod
    def staff(cls, user: User) -> Actor:
        """A staff member acting on a case."""
        return cls("user", user)


CITIZEN_ACTOR = Actor(CITIZEN)
SYSTEM_ACTOR = Actor(SYSTEM)


def allowed_moves(case: Case, actor: Actor) -> set[Move]:
    """The moves the actor could make on the case now (to show the right buttons)."""
    allowed = set()
    for move in RULES:
        try:
            _check(case, move, actor)
        except DomainError:
            continue
        allowed.add(move)
    return allowed


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse to act on a case that changed since the actor last saw it."""
    if expected_version is not None and expected_version != case.version:
        raise VersionConflict(
            _l("This case was changed by someone else while you were working on it.")
        )


def _check(case: Case, move: Move, actor: Actor, expected_version: int | None = None) -> Rule:
    rule = RULES[move]
    if actor.user is not None:
        permitted = rule.action is not None and access.may_act(actor.user, case, rule.action)
    else:
        permitted = actor.kind in rule.non_staff
    if not permitted:
        raise NotPermitted(_l("You are not allowed to do this."))
    check_version(case, expected_version)
    if case.status not in rule.sources:
        raise IllegalMove(_l("This cannot be done while the case is in its current state."))
    return rule


def check_move(case: Case, move: Move, actor: Actor, expected_version: int | None = None) -> Rule:
    """Refuse (a DomainError) the move the actor may not make on the case now; its rule else."""
    return _check(case, move, actor, expected_version)


def clean_text(value: str | None, field: str, limit: int, message) -> str:
    """A required text, stripped, within ``limit`` characters (else InvalidInput on ``field``)."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, field)
    if len(text) > limit:
        raise InvalidInput(_l("This text is too long (at most %(n)d characters).", n=limit), field)
    return text


def check_keeps_reporter(case: Case, text: str, field: str) -> str:
    """Refuse staff's text about a tố cáo that names its reporter or gives their number
    (it would reach people from whom the reporter is kept secret); the text otherwise."""
    if access.reveals_reporter(case, text):
        raise InvalidInput(
            _l("The identity of the person who made this denunciation is confidential: "
               "remove their name and phone number from the text."),
            field,
        )
    return text


def record_event(
    case: Case,
    kind: EventKind,
    actor: Actor,
    now: datetime,
    *,
    body: str = "",
    is_public: bool,
    from_status: str | None = None,
    to_status: str | None = None,
    from_unit_id: int | None = None,
    to_unit_id: int | None = None,
) -> CaseEvent:
    """Append an entry to the case's timeline."""
    event = CaseEvent(
        case=case,
        kind=kind.value,
        created_at=now,
        actor_id=actor.user.id if actor.user else None,
        actor_kind="user" if actor.user else actor.kind,
        body=body,
        is_public=is_public,
        from_status=from_status,
        to_status=to_status,
        from_unit_id=from_unit_id,
        to_unit_id=to_unit_id,
    )
    db.session.add(event)
    return event


def _move(
    case: Case,
    move: Move,
    actor: Actor,
    now: datetime,
    kind: EventKind = EventKind.STATUS,
    *,
    body: str = "",
    is_public: bool = True,
    expected_version: int | None = None,
    to_unit: Unit | None = None,
) -> CaseEvent:
    rule = _check(case, move, actor, expected_version)
    from_status, from_unit_id = case.status, case.unit_id
    _settle_side_work(case, rule.target, actor, now)
    case.status = rule.target.value
    if to_unit is not None:
        case.unit = to_unit
        case.unit_id = to_unit.id
    return record_event(
        case,
        kind,
        actor,
        now,
        body=body,
        is_public=is_public,
        from_status=from_status,
        to_status=case.status,
        from_unit_id=from_unit_id if to_unit is not None else None,
        to_unit_id=to_unit.id if to_unit is not None else None,
    )


def _settle_side_work(case: Case, target: CaseStatus, actor: Actor, now: datetime) -> None:
    """What a move leaves behind: a draft still in review is withdrawn when the case
    leaves ``in_progress`` without it being approved (transferred, the citizen asked,
    guided...); open co-handling requests are withdrawn when the case ends or is
    answered (their input is no longer needed; the asked units are not charged)."""
    if case.review_state is not None and target != S.IN_PROGRESS:
        for draft in case.answer_drafts:
            if draft.status == DraftStatus.IN_REVIEW:
                draft.status = DraftStatus.WITHDRAWN.value
                draft.decided_at = now
                record_event(case, EventKind.ANSWER_WITHDRAWN, actor, now, is_public=False)
        case.review_state = None
    if target in (S.RESPONDED, S.CLOSED, S.REJECTED, S.GUIDED):
        for request in case.cohandling_requests:
            if request.is_open:
                request.status = RequestStatus.WITHDRAWN.value
                request.replied_at = now
                record_event(case, EventKind.COHANDLING_WITHDRAWN, actor, now, is_public=False,
                             to_unit_id=request.unit_id)


def _resume_clock(case: Case, now: datetime, calendar: WorkingCalendar) -> None:
    """Add the working time spent awaiting the citizen to the response deadline."""
    if case.paused_at is not None:
        case.paused_minutes += calendar.working_minutes_between(case.paused_at, now)
        case.paused_at = None
        set_due_times(case, calendar)


def route_case(case: Case, actor: Actor, unit: Unit, now: datetime) -> CaseEvent:
    """Send a new case to the unit responsible for it (new → assigned)."""
    require_receiving(unit)
    dues = attribution.arrival_dues(case, now)
    event = _move(case, Move.ROUTE, actor, now, EventKind.ROUTED, to_unit=unit)
    attribution.stamp_arrival(event, dues)
    staff_alerts.notify_unit_of_move(case, event, now)
    return event


def acknowledge(case: Case, actor: Actor, now: datetime, expected_version: int | None = None):
    """The unit confirms it has taken up the case; stops the acknowledgment clock."""
    event = _move(case, Move.ACKNOWLEDGE, actor, now, expected_version=expected_version)
    case.acknowledged_at = now
    # Where the law counts the answer from acceptance (khiếu nại, tố cáo), it starts now.
    with db.session.no_autoflush:
        set_due_times(case, load_calendar())
    if case.assignee_id is None and actor.user is not None:
        case.assignee = actor.user
    attribution.record_acknowledgment(case, now)
    return event


def ask_citizen(
    case: Case,
    actor: Actor,
    question: str,
    now: datetime,
    expected_version: int | None = None,
) -> CaseEvent:
    """Ask the citizen for more information; the response clock pauses."""
    question = clean_text(question, "question", REASON_MAX, _l("Write the question for the citizen."))
    event = _move(
        case, Move.ASK_CITIZEN, actor, now, body=question, expected_version=expected_version
    )
    case.paused_at = now
    citizen_notices.question_asked(case, event, now)
    return event


def citizen_reply(
    case: Case, message: str, now: datetime, calendar: WorkingCalendar | None = None
) -> CaseEvent:
    """The citizen answers the unit's question; the response clock resumes."""
    message = clean_text(message, "message", REASON_MAX, _l("Write your answer."))
    event = _move(case, Move.CITIZEN_REPLY, CITIZEN_ACTOR, now, EventKind.CITIZEN_MESSAGE,
                  body=message)
    _resume_clock(case, now, calendar or load_calendar())
    return event


def resume(
    case: Case,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> CaseEvent:
    """The unit goes on without the citizen's answer; the response clock resumes."""
    event = _move(case, Move.RESUME, actor, now, expected_version=expected_version)
    _resume_clock(case, now, calendar or load_calendar())
    return event


def transfer(
    case: Case,
    actor: Actor,
    to_unit: Unit,
    reason: str,
    now: datetime,
    expected_version: int | None = None,
) -> CaseEvent:
    """Hand the case to another unit. The citizen's clock keeps running."""
    reason = clean_text(reason, "reason", REASON_MAX, _l("Give the reason for the transfer."))
    check_keeps_reporter(case, reason, "reason")
    if to_unit.id == case.unit_id:
        raise InvalidInput(_l("The case is already with this unit."), "unit")
    require_receiving(to_unit)
    dues = attribution.arrival_dues(case, now)
    event = _move(
        case,
        Move.TRANSFER,
        actor,
        now,
        EventKind.TRANSFERRED,
        body=reason,
        expected_version=expected_version,
        to_unit=to_unit,
    )
    attribution.stamp_arrival(event, dues)
    case.assignee = None
    case.acknowledged_at = None
    staff_alerts.notify_unit_of_move(case, event, now)
    return event


def respond(
    case: Case,
    actor: Actor,
    answer: str,
    now: datetime,
    expected_version: int | None = None,
    *,
    signed_off: bool = False,
) -> CaseEvent:
    """Publish the unit's answer to the citizen.

    An answer goes out under the unit's name: staff whose answers need sign-off
    (``access.needs_signoff``) send a draft through ``signoff`` instead, and while a
    draft waits for review nobody answers past it. ``signed_off``: the unit's leader
    approved this text (``signoff.approve``, or a reply signed on paper that a seed loads).
    """
    answer = clean_text(answer, "answer", ANSWER_MAX, _l("Write the answer to the citizen."))
    if actor.user is not None and not signed_off:
        _check(case, Move.RESPOND, actor, expected_version)
        if case.review_state == ReviewState.IN_REVIEW:
            raise IllegalMove(_l("An answer waits for sign-off: approve or return it first."))
        if access.needs_signoff(actor.user, case):
            raise NotPermitted(_l("Answers of your unit are signed off by its leader: send "
                                  "the answer for sign-off."))
    event = _move(
        case,
        Move.RESPOND,
        actor,
        now,
        EventKind.PUBLIC_REPLY,
        body=answer,
        expected_version=expected_version,
    )
    case.public_answer = answer
    case.responded_at = now
    attribution.record_response(case, now, event)
    publish_drafts(case, event)
    citizen_notices.case_answered(case, event, now)
    return event


def reject(
    case: Case,
    actor: Actor,
    reason: str,
    now: datetime,
    expected_version: int | None = None,
) -> CaseEvent:
    """Refuse a case (spam, duplicate, out of scope); the reason is shown to the citizen."""
    reason = clean_text(reason, "reason", REASON_MAX, _l("Give the reason shown to the citizen."))
    event = _move(case, Move.REJECT, actor, now, body=reason, expected_version=expected_version)
    case.rejection_reason = reason
    case.closed_at = now
    return event


GUIDED_TO_MAX = 255


def guide(
    case: Case,
    actor: Actor,
    agency: str,
    guidance: str,
    now: datetime,
    expected_version: int | None = None,
) -> CaseEvent:
    """Not ours to settle: tell the citizen which body is competent and how to go to it.

    The guidance is what the citizen reads on the tracking page; the case ends, apart
    from answered and rejected cases.
    """
    agency = clean_text(agency, "guided_to", GUIDED_TO_MAX, _l("Name the competent agency."))
    guidance = clean_text(guidance, "guidance", ANSWER_MAX,
                     _l("Write the guidance the citizen will read."))
    event = _move(case, Move.GUIDE, actor, now, body=guidance, expected_version=expected_version)
    case.guided_to = agency
    case.public_answer = guidance
    case.closed_at = now
    return event


def within_reopen_window(
    case: Case, now: datetime, window_days: int, calendar: WorkingCalendar | None = None
) -> bool:
    """Whether the citizen may still rate or reopen the answered case.

    ``window_days`` are working days on the calendar (loaded when not given).
    """
    if case.responded_at is None:
        return False
    return now < reopen_deadline(case.responded_at, window_days, calendar or load_calendar())


def rating_of_answer(case: Case) -> int | None:
    """The rating the citizen gave the current answer (1-5), or None if not rated yet.

    A rating of an earlier answer (before a reopening) does not count: each answer is
    rated once.
    """
    if case.satisfaction is None or case.responded_at is None:
        return None
    rated = any(
        e.kind == EventKind.RATING.value and e.created_at >= case.responded_at
        for e in case.events
    )
    return case.satisfaction if rated else None


def rate_answer(
    case: Case, rating: int, comment: str, now: datetime, window_days: int,
    calendar: WorkingCalendar | None = None,
) -> CaseEvent:
    """The citizen rates the answer 1–5; a rating of 3 or more closes the case."""
    if case.status != S.RESPONDED or not within_reopen_window(case, now, window_days, calendar):
        raise IllegalMove(_l("This answer can no longer be rated."))
    if rating_of_answer(case) is not None:
        raise IllegalMove(_l("You have already rated this answer."))
    if rating not in range(1, 6):
        raise InvalidInput(_l("Choose a rating from 1 to 5."), "rating")
    comment = (comment or "").strip()
    if len(comment) > REASON_MAX:
        raise InvalidInput(
            _l("This text is too long (at most %(n)d characters).", n=REASON_MAX), "comment"
        )
    case.satisfaction = rating
    case.satisfaction_comment = comment or None
    event = record_event(case, EventKind.RATING, CITIZEN_ACTOR, now, body=comment, is_public=True)
    if rating >= 3:
        close(case, CITIZEN_ACTOR, now)
    return event


def close(case: Case, actor: Actor, now: datetime) -> CaseEvent:
    """Close an answered case: the citizen is satisfied, or did not reply in time."""
    event = _move(case, Move.CLOSE, actor, now)
    case.closed_at = now
    citizen_notices.case_closed(case, event, now)
    return event


def close_if_window_passed(
    case: Case, now: datetime, window_days: int, calendar: WorkingCalendar | None = None
) -> CaseEvent | None:
    """Close an answered case whose reopen window has passed without a reply."""
    if case.status != S.RESPONDED or within_reopen_window(case, now, window_days, calendar):
        return None
    return close(case, SYSTEM_ACTOR, now)


def reopen(
    case: Case,
    reason: str,
    now: datetime,
    window_days: int,
    calendar: WorkingCalendar | None = None,
) -> CaseEvent:
    """The citizen is not satisfied: the case goes back to the unit with a fresh response clock."""
    reason = clean_text(reason, "reason", REASON_MAX, _l("Tell us why the problem is not solved."))
    calendar = calendar or load_calendar()
    if case.status in RULES[Move.REOPEN].sources and not within_reopen_window(
        case, now, window_days, calendar
    ):
        raise IllegalMove(_l("The time to reopen this case has passed."))
    event = _move(case, Move.REOPEN, CITIZEN_ACTOR, now, body=reason)
    case.reopen_count += 1
    case.responded_at = None
    case.closed_at = None
    case.clock_started_at = now
    case.paused_minutes = 0
    case.extension_days = case.extensions_used = 0
    set_due_times(case, calendar)
    return event


def add_note(
    case: Case, actor: Actor, text: str, now: datetime
) -> CaseEvent:
    """An internal note, seen by staff only."""
    if actor.user is None or not access.may_act(actor.user, case, CaseAction.NOTE):
        raise NotPermitted(_l("You are not allowed to do this."))
    text = check_keeps_reporter(case, clean_text(text, "note", REASON_MAX, _l("Write the note.")),
                                "note")
    return record_event(case, EventKind.INTERNAL_NOTE, actor, now, body=text, is_public=False)


def assign(
    case: Case,
    actor: Actor,
    officer: User,
    now: datetime,
    expected_version: int | None = None,
) -> CaseEvent:
    """A unit head gives the case to an officer of the unit."""
    if actor.user is None or not access.may_act(actor.user, case, CaseAction.ASSIGN):
        raise NotPermitted(_l("You are not allowed to do this."))
    check_version(case, expected_version)
    if not case.is_open:
        raise IllegalMove(_l("This cannot be done while the case is in its current state."))
    if not access.may_be_assigned(officer, case.unit_id):
        raise InvalidInput(_l("Choose an active officer of this unit."), "officer")
    case.assignee = officer
    return record_event(case, EventKind.ASSIGNED, actor, now, body=officer.name, is_public=False)
