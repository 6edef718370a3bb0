"""Who may see or do what. Services, routes and templates ask here; none tests a role itself.

Officers and unit heads (the unit's staff) work their own unit's cases, and read
the cases their unit transferred away; the committee reads every case; admins read
cases (they configure the system) but do not work them; operators work the hotline
desk and the triage queue and see the cases they took in. Unit heads read their
units' scorecards, the committee and admins every unit's; every role but the
operator's reads the campaigns. Admins run the console and edit campaigns.

A unit asked for its input on a case (co-handling) reads the case as far as it needs:
its details, its public timeline, the citizen's files unless it is a tố cáo, and its own
unit's requests and contributions — not the lead's internal notes, other units'
contributions or the citizen's contact (unless the lead shared it with that unit).

A citizen's contact details (name, phone, email) show in full to the unit holding the
case, the committee and admins, and to a unit asked for input with the contact shared. A tố cáo's reporter is kept confidential (Luật Tố cáo
2018): only the head of the unit holding it and the officer assigned to it see who sent
it; to everyone else it shows no trace of the reporter, not even masked, nor is found by
the reporter's name or number (``contact_visible_filter``, ``contact_match_filter``).
"""
from __future__ import annotations

import re
from enum import StrEnum

import sqlalchemy as sa

from app.core.phone import normalise_phone
from app.core.text import fold
from app.extensions import db
from app.models import (
    UNIT_STAFF_ROLES,
    Campaign,
    CampaignWork,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    CoHandlingRequest,
    EventKind,
    ExportJob,
    Role,
    Uploader,
    SignoffExemption,
    Unit,
    User,
)
from app.org.units import descendant_ids

READ_ALL_ROLES = (Role.COMMITTEE, Role.ADMIN)
QUEUE_ROLES = (*UNIT_STAFF_ROLES, Role.COMMITTEE, Role.ADMIN, Role.OPERATOR)
SCORECARD_ROLES = (Role.UNIT_HEAD, *READ_ALL_ROLES)
CAMPAIGN_ROLES = (*UNIT_STAFF_ROLES, *READ_ALL_ROLES)
# Kinds whose sender's identity is confidential (kinds.py re-exports this set).
CONFIDENTIAL_KINDS = frozenset({CaseKind.TO_CAO})
# Runs of digits that may be a phone number, with the spaces, dots and dashes people type.
PHONE_LIKE = re.compile(r"\+?\d[\d .\-()]{6,}\d")


def _signed_in(user: User | None) -> bool:
    return bool(user and user.is_authenticated)


def _active(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.active)


def is_unit_staff(user: User | None) -> bool:
    """Whether the user is an officer or head of a unit: their queue is their unit's."""
    return _signed_in(user) and user.role in UNIT_STAFF_ROLES and user.unit_id is not None


# Cases: who may take each action on a case.

class CaseAction(StrEnum):
    """Things a staff member can do to a case (the lifecycle's staff moves, assigning, notes)."""

    ROUTE = "route"
    ACKNOWLEDGE = "acknowledge"
    ASK_CITIZEN = "ask_citizen"
    RESUME = "resume"
    TRANSFER = "transfer"
    RESPOND = "respond"
    REJECT = "reject"
    ASSIGN = "assign"
    NOTE = "note"
    GUIDE = "guide"
    RECLASSIFY = "reclassify"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    SIGN_OFF = "sign_off"            # approve or return an answer draft
    ASK_COHANDLING = "ask_cohandling"  # ask other units for their input
    CONTRIBUTE = "contribute"        # answer or decline a co-handling request


class Taker(StrEnum):
    """How a staff member stands to a case, as far as acting on it goes."""

    UNIT = "unit"  # an officer or head of the unit holding the case
    UNIT_HEAD = "unit_head"  # a head of the unit holding the case
    OPERATOR = "operator"  # an operator, on a case still new or one they took in
    REVIEWER = "reviewer"  # a head of the holding unit, or a deputy named to sign off
    CONTRIBUTOR = "contributor"  # staff of a unit asked for input on the case, request open


# The one table of who may take each action (the lifecycle names the action of each move).
TAKERS: dict[CaseAction, frozenset[Taker]] = {
    CaseAction.ROUTE: frozenset({Taker.OPERATOR}),
    CaseAction.ACKNOWLEDGE: frozenset({Taker.UNIT}),
    CaseAction.ASK_CITIZEN: frozenset({Taker.UNIT}),
    CaseAction.RESUME: frozenset({Taker.UNIT}),
    CaseAction.TRANSFER: frozenset({Taker.UNIT, Taker.OPERATOR}),
    CaseAction.RESPOND: frozenset({Taker.UNIT}),
    CaseAction.REJECT: frozenset({Taker.UNIT, Taker.OPERATOR}),
    CaseAction.ASSIGN: frozenset({Taker.UNIT_HEAD}),
    CaseAction.NOTE: frozenset({Taker.UNIT}),
    CaseAction.GUIDE: frozenset({Taker.UNIT, Taker.OPERATOR}),
    CaseAction.RECLASSIFY: frozenset({Taker.UNIT, Taker.OPERATOR}),
    CaseAction.REQUEST_EXTENSION: frozenset({Taker.UNIT}),
    CaseAction.DECIDE_EXTENSION: frozenset({Taker.UNIT_HEAD}),
    CaseAction.SIGN_OFF: frozenset({Taker.REVIEWER}),
    CaseAction.ASK_COHANDLING: frozenset({Taker.UNIT}),
    CaseAction.CONTRIBUTE: frozenset({Taker.CONTRIBUTOR}),
}


def _holds_case(user: User, case: Case) -> bool:
    """Whether the user is staff of the unit the case is with."""
    return is_unit_staff(user) and case.unit_id == user.unit_id


def _is_operator_case(user: User, case: Case) -> bool:
    return user.role == Role.OPERATOR and (
        case.created_by_id == user.id or case.status == CaseStatus.NEW
    )


def is_reviewer(user: User | None, unit_id: int | None) -> bool:
    """Whether the user signs off the unit's answers: a head of it, or a deputy the head named."""
    return (is_unit_staff(user) and user.unit_id == unit_id
            and (user.role == Role.UNIT_HEAD or bool(user.signs_off)))


def signoff_exempt(unit_id: int | None, kind: str) -> bool:
    """Whether the unit publishes answers to cases of this kind without sign-off."""
    return unit_id is not None and db.session.get(SignoffExemption, (unit_id, kind)) is not None


def needs_signoff(user: User | None, case: Case) -> bool:
    """Whether the user's answer on the case waits for the unit leader's sign-off before the
    citizen reads it: yes, unless the user signs the unit's answers off themself or the unit
    switched sign-off off for the case's kind."""
    return not is_reviewer(user, case.unit_id) and not signoff_exempt(case.unit_id, case.kind)


def may_manage_signoff(user: User | None, unit: Unit | None) -> bool:
    """Whether the user sets which kinds need sign-off in the unit and who signs off for its
    head: a head of that unit, or an admin (any unit)."""
    if not _active(user) or unit is None:
        return False
    return user.role == Role.ADMIN or (user.role == Role.UNIT_HEAD and user.unit_id == unit.id)


def asked_to_contribute(user: User | None, case: Case, open_only: bool = True) -> bool:
    """Whether the user's unit was asked for input on the case (by a request still open, or
    by any request when ``open_only`` is false). Reads the case's loaded requests."""
    if not is_unit_staff(user):
        return False
    return any(request.unit_id == user.unit_id and (request.is_open or not open_only)
               for request in case.cohandling_requests)


def _taker_kinds(user: User, case: Case) -> set[Taker]:
    kinds = set()
    if _holds_case(user, case):
        kinds.add(Taker.UNIT)
        if user.role == Role.UNIT_HEAD:
            kinds.add(Taker.UNIT_HEAD)
        if is_reviewer(user, case.unit_id):
            kinds.add(Taker.REVIEWER)
    elif asked_to_contribute(user, case):
        kinds.add(Taker.CONTRIBUTOR)
    if _is_operator_case(user, case):
        kinds.add(Taker.OPERATOR)
    return kinds


def transferred_away(user: User | None, case: Case) -> bool:
    """Whether the user's unit once held the case and transferred it to another unit.

    Reads the case's loaded timeline: pages that ask load it with the case.
    """
    if not is_unit_staff(user):
        return False
    return case.unit_id != user.unit_id and any(
        event.kind == EventKind.TRANSFERRED and event.from_unit_id == user.unit_id
        for event in case.events
    )


def may_view_case(user: User | None, case: Case) -> bool:
    """Whether the user may open the case page."""
    if not _signed_in(user):
        return False
    if user.role in READ_ALL_ROLES:
        return True
    return (
        _holds_case(user, case)
        or _is_operator_case(user, case)
        or transferred_away(user, case)
        or asked_to_contribute(user, case, open_only=False)
    )


def reads_whole_case(user: User | None, case: Case) -> bool:
    """Whether the user reads all of the case they may open: its internal entries, every
    co-handling request, the answer drafts. Everyone who may open it does, except a unit
    that only contributes to it (co-handling), which reads what its request needs."""
    if not may_view_case(user, case):
        return False
    return (user.role in READ_ALL_ROLES or _holds_case(user, case)
            or _is_operator_case(user, case) or transferred_away(user, case))


def only_contributes(user: User | None, case: Case) -> bool:
    """Whether the user reads the case only because their unit was asked for input."""
    return may_view_case(user, case) and not reads_whole_case(user, case)


def may_see_request(user: User | None, request: CoHandlingRequest) -> bool:
    """Whether the user sees a co-handling request and what was answered to it: the unit
    holding the case, the committee and admins every one; an asked unit its own; a unit
    that transferred the case away those it made."""
    case = request.case
    if not may_view_case(user, case):
        return False
    if user.role in READ_ALL_ROLES or _holds_case(user, case):
        return True
    if not is_unit_staff(user):
        return False
    return request.unit_id == user.unit_id or (
        request.lead_unit_id == user.unit_id and transferred_away(user, case))


def _contact_shared(user: User, case: Case) -> bool:
    """Whether the lead shared the citizen's contact with the user's unit (never a tố cáo's)."""
    return (not is_confidential(case) and is_unit_staff(user)
            and any(request.unit_id == user.unit_id and request.share_contact
                    for request in case.cohandling_requests))


# Kinds of timeline entries about a co-handling request; to_unit_id / from_unit_id name
# the asked unit (as on the reminders and escalations of a request).
COHANDLING_EVENTS = frozenset({
    EventKind.COHANDLING_ASKED, EventKind.COHANDLING_ANSWERED, EventKind.COHANDLING_DECLINED,
    EventKind.COHANDLING_WITHDRAWN, EventKind.REMINDER, EventKind.ESCALATION,
})


def may_see_event(user: User | None, case: Case, event: CaseEvent) -> bool:
    """Whether the user sees a timeline entry: all of them, for those who read the whole
    case; for a contributing unit, the public ones and those about its own requests."""
    if reads_whole_case(user, case):
        return True
    if not may_view_case(user, case):
        return False
    if event.is_public:
        return True
    return event.kind in COHANDLING_EVENTS and user.unit_id in (
        event.to_unit_id, event.from_unit_id)


# Events whose body stays with the staff even though the citizen sees the entry (a
# transfer's reason: the citizen reads only the new responsible unit).
STAFF_ONLY_BODY = frozenset({EventKind.TRANSFERRED})


def citizen_sees_body(event: CaseEvent) -> bool:
    """Whether the citizen's tracking page shows the event's text."""
    return event.is_public and event.kind not in STAFF_ONLY_BODY


def citizen_visibility(event: CaseEvent) -> str:
    """What of the entry the citizen sees: "all" of it, only the "entry" (not its
    text), or "none" (an internal entry)."""
    if not event.is_public:
        return "none"
    return "all" if citizen_sees_body(event) or not event.body else "entry"


def visible_events(user: User | None, case: Case) -> list[CaseEvent]:
    """The case's timeline as the user may read it (see may_see_event)."""
    if reads_whole_case(user, case):
        return list(case.events)
    return [event for event in case.events if may_see_event(user, case, event)]


def is_confidential(case: Case) -> bool:
    """Whether the case's sender is a reporter whose identity the law keeps secret."""
    return case.kind in CONFIDENTIAL_KINDS


def _keeps_reporter(user: User, case: Case) -> bool:
    """Whether the user is one of the two who handle a tố cáo's reporter: the head of the
    unit holding the case, or the officer assigned to it."""
    return _holds_case(user, case) and (
        user.role == Role.UNIT_HEAD or case.assignee_id == user.id
    )


def may_see_contact(user: User | None, case: Case) -> bool:
    """Whether the citizen's name, phone and email may be shown to the user in full."""
    if not may_view_case(user, case):
        return False
    if is_confidential(case):
        return _keeps_reporter(user, case)
    return user.role in READ_ALL_ROLES or _holds_case(user, case) or _contact_shared(user, case)


def contact_is_secret(user: User | None, case: Case) -> bool:
    """Whether the page must show no trace of the contact at all, not even masked: a tố
    cáo's reporter, to anyone but the two who handle them (a few digits of a number or
    the domain of an address can be enough to tell who sent it)."""
    return is_confidential(case) and not may_see_contact(user, case)


def may_act(user: User | None, case: Case, action: CaseAction | str) -> bool:
    """Whether the user may take the action on the case (the case's state aside)."""
    if not _active(user):
        return False
    return bool(TAKERS[CaseAction(action)] & _taker_kinds(user, case))


def visible_cases_filter(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause selecting exactly the cases may_view_case() lets the user open."""
    if user.role in READ_ALL_ROLES:
        return sa.true()
    if is_unit_staff(user):
        return sa.or_(Case.unit_id == user.unit_id, transferred_away_filter(user.unit_id),
                      asked_filter(user.unit_id, open_only=False))
    if user.role == Role.OPERATOR:
        return sa.or_(Case.created_by_id == user.id, Case.status == CaseStatus.NEW)
    return sa.false()


def _confidential_filter() -> sa.ColumnElement[bool]:
    return Case.kind.in_([kind.value for kind in CONFIDENTIAL_KINDS])


def contact_visible_filter(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause: among the cases the user may open, those whose contact
    may_see_contact() shows them in full (what the queue's search may match it on)."""
    confidential = _confidential_filter()
    if user.role in READ_ALL_ROLES:
        return sa.not_(confidential)
    if not is_unit_staff(user):
        return sa.false()
    holds = Case.unit_id == user.unit_id
    shared = sa.and_(sa.not_(confidential), asked_filter(user.unit_id, open_only=False,
                                                         shared_contact=True))
    if user.role == Role.UNIT_HEAD:
        return sa.or_(holds, shared)
    return sa.or_(sa.and_(holds, sa.or_(sa.not_(confidential), Case.assignee_id == user.id)),
                  shared)


def asked_filter(unit_id: int | None, open_only: bool = True,
                 shared_contact: bool = False) -> sa.ColumnElement[bool]:
    """SQL: cases the unit was asked for input on (by an open request, or any when
    ``open_only`` is false; only requests sharing the contact with ``shared_contact``)."""
    asked = sa.select(CoHandlingRequest.case_id).where(CoHandlingRequest.unit_id == unit_id)
    if open_only:
        asked = asked.where(CoHandlingRequest.status == "open")
    if shared_contact:
        asked = asked.where(CoHandlingRequest.share_contact)
    return Case.id.in_(asked)


def contact_match_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL: the cases a caller's number may find for the user at the hotline desk (which
    matches numbers it does not show): any but a tố cáo whose reporter is kept from them."""
    return sa.or_(sa.not_(_confidential_filter()), contact_visible_filter(user))


def reveals_reporter(case: Case, text: str | None) -> bool:
    """Whether staff's text about a tố cáo names its reporter or gives their number.

    Such text travels where the reporter is kept secret (the timeline the committee
    reads, the email to the next unit), so it is refused. Names are compared with
    accents folded, as whole words; numbers whatever their spacing or prefix.
    """
    if not is_confidential(case) or not text:
        return False
    name = fold(case.citizen_name)
    if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", fold(text)):
        return True
    if not case.citizen_phone:
        return False
    return any(normalise_phone(candidate) == case.citizen_phone
               for candidate in PHONE_LIKE.findall(text))


def transferred_away_filter(unit_id: int | None) -> sa.ColumnElement[bool]:
    """SQL: cases the unit transferred to another unit (what transferred_away() tells)."""
    transfers = sa.select(CaseEvent.case_id).where(
        CaseEvent.kind == EventKind.TRANSFERRED.value, CaseEvent.from_unit_id == unit_id
    )
    return sa.and_(Case.unit_id.is_distinct_from(unit_id), Case.id.in_(transfers))


# The queue and assignment.

def may_use_queue(user: User | None) -> bool:
    """Whether the user has a case queue at all."""
    return _signed_in(user) and user.role in QUEUE_ROLES


def may_assign_in_bulk(user: User | None) -> bool:
    """Whether the user may assign several of the unit's cases at once (unit heads)."""
    return _active(user) and is_unit_staff(user) and user.role == Role.UNIT_HEAD


def may_be_assigned(officer: User, unit_id: int | None) -> bool:
    """Whether the unit's cases may be given to this account: an active officer or head of it."""
    return (
        officer.active
        and officer.role in UNIT_STAFF_ROLES
        and unit_id is not None
        and officer.unit_id == unit_id
    )


def assignable_filter(unit_id: int | None) -> sa.ColumnElement[bool]:
    """SQL: the accounts may_be_assigned() accepts for the unit."""
    return sa.and_(User.unit_id == unit_id, User.active, User.role.in_(UNIT_STAFF_ROLES))


# Intake: the hotline desk, triage, files and the citizen's side.

def may_take_calls(user: User | None) -> bool:
    """Whether the user works the hotline desk (and sees a caller's earlier cases there)."""
    return _active(user) and user.role == Role.OPERATOR


def may_triage(user: User | None) -> bool:
    """Whether the user routes the cases no rule could place."""
    return may_take_calls(user)


def may_link_call(user: User | None, case: Case, caller_phone: str | None = None) -> bool:
    """Whether an operator may add a caller's new call to this earlier, still open case.

    The call must come from the case's citizen (the number typed is the case's), or the
    case be one the operator may open anyway: what is added shows on the public
    tracking page as the citizen's own message.
    """
    if not may_take_calls(user) or case.status in (CaseStatus.CLOSED, CaseStatus.REJECTED):
        return False
    phone = normalise_phone(caller_phone)
    callers_own = phone is not None and phone == case.citizen_phone and not contact_is_secret(
        user, case
    )
    return callers_own or may_view_case(user, case)


def may_see_attachments(user: User | None, case: Case) -> bool:
    """Whether the user may open some of the case's files: those who see the contact in
    full (a tố cáo's files may be the reporter's handwriting), and a unit asked for input
    (the citizen's files unless it is a tố cáo, and its own contribution's)."""
    return may_see_contact(user, case) or asked_to_contribute(user, case, open_only=False)


def may_see_attachment(user: User | None, case: Case, attachment) -> bool:
    """Whether the user may open one file of the case. A contribution's file goes with
    its request (may_see_request); the others to those who see the contact in full, and
    the citizen's own to a contributing unit unless the case is a tố cáo."""
    if attachment.case_id != case.id:
        return False
    if attachment.request_id is not None:
        request = next((r for r in case.cohandling_requests if r.id == attachment.request_id),
                       None)
        return request is not None and may_see_request(user, request)
    if may_see_contact(user, case):
        return True
    return (attachment.uploaded_by == Uploader.CITIZEN and not is_confidential(case)
            and asked_to_contribute(user, case, open_only=False))


def visible_attachments(user: User | None, case: Case) -> list:
    """The case's files the user may open, contributions' files apart (they show with
    their request)."""
    return [a for a in case.attachments
            if a.request_id is None and may_see_attachment(user, case, a)]


def may_attach_to_answer(user: User | None, case: Case) -> bool:
    """Whether the user may add files to the unit's public answer."""
    return may_act(user, case, CaseAction.RESPOND)


def citizen_may_see_attachment(attachment) -> bool:
    """Whether the tracking-code holder sees a file: their own, or one published with an answer."""
    if attachment.request_id is not None:  # a co-handling unit's file: never the citizen's
        return False
    return attachment.uploaded_by == "citizen" or attachment.event_id is not None


# Scorecards and exports.

def may_view_scorecards(user: User | None) -> bool:
    """Unit heads (their units), the committee and admins (every unit). Officers and
    operators do not: the scorecard is the unit head's tool."""
    return _signed_in(user) and user.role in SCORECARD_ROLES


def scorecard_unit_ids(user: User | None, units: list[Unit]) -> set[int] | None:
    """The units whose scores the user may read, from the loaded unit tree; None means all.

    A unit head reads their unit and every unit under it.
    """
    if not may_view_scorecards(user):
        return set()
    if user.role in READ_ALL_ROLES:
        return None
    if user.unit_id is None:
        return set()
    parents = {unit.id: unit.parent_id for unit in units}
    return {user.unit_id} | descendant_ids(user.unit_id, parents)


def may_view_unit_scorecard(user: User | None, unit: Unit, units: list[Unit]) -> bool:
    """Whether the user may open the unit's scorecard page (``units``: the loaded tree)."""
    allowed = scorecard_unit_ids(user, units)
    return allowed is None or unit.id in allowed


def may_export(user: User | None, kind: str) -> bool:
    """Scorecards for those who read them; case lists for those with a queue."""
    if kind == "scorecard":
        return may_view_scorecards(user)
    if kind == "cases":
        return may_use_queue(user)
    return False


def may_see_export(user: User | None, job: ExportJob) -> bool:
    """Whether the user may follow an export and download its file: only who asked for it."""
    return _signed_in(user) and job.user_id == user.id


# Campaigns.

def may_view_campaigns(user: User | None) -> bool:
    """Staff other than hotline operators read the campaigns."""
    return _signed_in(user) and user.role in CAMPAIGN_ROLES


def may_edit_campaigns(user: User | None) -> bool:
    """Only admins create campaigns and set their fields, weights and score settings."""
    return _signed_in(user) and user.role == Role.ADMIN


def may_register_work(user: User | None, campaign: Campaign) -> bool:
    """Unit staff register works for their own unit while the campaign is open."""
    return is_unit_staff(user) and campaign.is_open


def may_progress_work(user: User | None, work: CampaignWork) -> bool:
    """Whether the user is staff of the unit that registered the work (they carry it out)."""
    return is_unit_staff(user) and user.unit_id == work.unit_id


def may_recognise_work(user: User | None, work: CampaignWork) -> bool:
    """The committee recognises a unit's completed work."""
    return _signed_in(user) and user.role == Role.COMMITTEE


def may_commend(user: User | None) -> bool:
    """The committee (and admins) record commendations of units and people."""
    return _signed_in(user) and user.role in (Role.COMMITTEE, Role.ADMIN)


# The admin console.

def may_administer(user: User | None) -> bool:
    """Whether the user may use the admin console: units, accounts, categories, routing
    rules, deadlines, the calendar, the audit log and the Open311 API keys."""
    return _active(user) and user.role == Role.ADMIN
