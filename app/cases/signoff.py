"""The unit leader's sign-off of answers: an officer drafts, a head or a deputy approves or returns.

An answer goes out under the unit's name. An officer's answer is a draft until a head of
the unit, or a deputy the head named (``User.signs_off``), approves it — only then is it
published (``lifecycle.respond``: the deadline is met at that moment) — or returns it
with a comment. Reviewers answer directly, and so does anyone where the unit switched
sign-off off for the case's kind (``SignoffExemption``). The rule of who needs sign-off
is ``access.needs_signoff``; ``answer`` is the one door for staff answering a case.
Nothing here commits, except the periodic ``remind_reviews`` (one case at a time).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.cases import access, lifecycle
from app.cases.access import CaseAction
from app.cases.lifecycle import ANSWER_MAX, REASON_MAX, Actor, Move, check_version, clean_text
from app.core import audit
from app.core.errors import IllegalMove, InvalidInput, NotPermitted
from app.core.timeutil import to_local
from app.deadlines.calendar import MINUTES_PER_WORKING_DAY, WorkingCalendar
from app.extensions import db
from app.models import (
    UNIT_STAFF_ROLES,
    AnswerDraft,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    DraftStatus,
    EventKind,
    ReviewState,
    Role,
    SignoffExemption,
    Unit,
    User,
)
from app.notify import staff_alerts

log = logging.getLogger("lang_nghe.signoff")
DOC_NUMBER_MAX, DOC_SIGNER_MAX = 60, 120
# approve(): a reply document field left out keeps what the writer put in the draft.
AS_DRAFTED = object()


@dataclass(frozen=True)
class ReplyDocument:
    """The reply document an answer carries: số văn bản, ngày ký, người ký (each optional)."""

    number: str | None = None
    day: date | None = None
    signer: str | None = None


def _optional_text(value: str | None, field: str, limit: int) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(_l("This text is too long (at most %(n)d characters).", n=limit), field)
    return text or None


def clean_document(number: str | None, day: date | None, signer: str | None,
                   now: datetime) -> ReplyDocument:
    """The reply document as typed, trimmed; a signing day after today is refused."""
    if day is not None and day > to_local(now).date():
        raise InvalidInput(_l("The document cannot be signed after today."), "doc_date")
    return ReplyDocument(_optional_text(number, "doc_number", DOC_NUMBER_MAX), day,
                         _optional_text(signer, "doc_signer", DOC_SIGNER_MAX))


def _publish_document(case: Case, document: ReplyDocument) -> None:
    case.answer_doc_number = document.number
    case.answer_doc_date = document.day
    case.answer_signer = document.signer


def needs_signoff(case: Case, user: User | None) -> bool:
    """Whether this user's answer on this case must be reviewed before the citizen reads it."""
    return access.needs_signoff(user, case)


def draft_in_review(case: Case) -> AnswerDraft | None:
    """The draft waiting for sign-off (from the case's loaded drafts), if any."""
    return next((d for d in case.answer_drafts if d.status == DraftStatus.IN_REVIEW), None)


def last_returned(case: Case) -> AnswerDraft | None:
    """The draft sent back to its writer, while the case's answer is still to be rewritten."""
    if case.review_state != ReviewState.RETURNED:
        return None
    return next((d for d in reversed(case.answer_drafts) if d.status == DraftStatus.RETURNED),
                None)


def may_decide(case: Case, user: User | None) -> bool:
    """Whether the user may approve or return the draft in review now (not one they wrote)."""
    draft = draft_in_review(case)
    return (draft is not None and user is not None and draft.written_by_id != user.id
            and case.status == CaseStatus.IN_PROGRESS
            and access.may_act(user, case, CaseAction.SIGN_OFF))


@dataclass(frozen=True)
class SignoffView:
    """What the case page shows a user of the answer's sign-off."""

    in_review: AnswerDraft | None
    returned: AnswerDraft | None
    needs_signoff: bool  # the user's answer would go to the unit's leader first
    may_decide: bool     # the user may approve or return the draft in review

    def is_writer(self, user: User | None) -> bool:
        """Whether the user wrote the draft in review."""
        return (self.in_review is not None and user is not None
                and self.in_review.written_by_id == user.id)


def view(case: Case, user: User | None) -> SignoffView:
    """The case's sign-off as the user sees it (one look up of the unit's settings at most)."""
    in_review = draft_in_review(case)
    answering = (case.status == CaseStatus.IN_PROGRESS and in_review is None
                 and access.may_act(user, case, CaseAction.RESPOND))
    return SignoffView(in_review, last_returned(case),
                       answering and access.needs_signoff(user, case), may_decide(case, user))


def answer(case: Case, actor: Actor, body: str, now: datetime,
           expected_version: int | None = None, doc_number: str | None = None,
           doc_date: date | None = None, doc_signer: str | None = None) -> AnswerDraft | CaseEvent:
    """Staff answer the case: a draft for sign-off when theirs needs it, else the published answer."""
    if actor.user is not None and access.needs_signoff(actor.user, case):
        return submit_draft(case, actor, body, now, expected_version, doc_number, doc_date,
                            doc_signer)
    document = clean_document(doc_number, doc_date, doc_signer, now)
    event = lifecycle.respond(case, actor, body, now, expected_version)
    _publish_document(case, document)
    return event


def submit_draft(case: Case, actor: Actor, body: str, now: datetime,
                 expected_version: int | None = None, doc_number: str | None = None,
                 doc_date: date | None = None, doc_signer: str | None = None) -> AnswerDraft:
    """An officer sends their answer to the unit's leader; the citizen sees nothing of it yet."""
    if actor.user is None:
        raise NotPermitted(_l("You are not allowed to do this."))
    lifecycle.check_move(case, Move.RESPOND, actor, expected_version)
    if case.review_state == ReviewState.IN_REVIEW:
        raise IllegalMove(_l("An answer already waits for sign-off."))
    if not access.needs_signoff(actor.user, case):
        raise IllegalMove(_l("Your answer needs no sign-off: send it to the citizen."))
    body = clean_text(body, "answer", ANSWER_MAX, _l("Write the answer to the citizen."))
    document = clean_document(doc_number, doc_date, doc_signer, now)
    draft = AnswerDraft(case=case, unit_id=case.unit_id, body=body,
                        status=DraftStatus.IN_REVIEW.value, written_by_id=actor.user.id,
                        written_by=actor.user, submitted_at=now, doc_number=document.number,
                        doc_date=document.day, doc_signer=document.signer)
    db.session.add(draft)
    case.review_state = ReviewState.IN_REVIEW.value
    lifecycle.record_event(case, EventKind.ANSWER_SUBMITTED, actor, now, body=body,
                           is_public=False)
    staff_alerts.review_requested(case, draft, now)
    return draft


def _reviewed_draft(case: Case, actor: Actor, expected_version: int | None) -> AnswerDraft:
    if actor.user is None or not access.may_act(actor.user, case, CaseAction.SIGN_OFF):
        raise NotPermitted(_l("You are not allowed to do this."))
    check_version(case, expected_version)
    draft = draft_in_review(case)
    if draft is None or case.status != CaseStatus.IN_PROGRESS:
        raise IllegalMove(_l("No answer waits for sign-off."))
    return draft


def approve(case: Case, actor: Actor, now: datetime, expected_version: int | None = None,
            body=AS_DRAFTED, doc_number=AS_DRAFTED, doc_date=AS_DRAFTED,
            doc_signer=AS_DRAFTED, note: str = "") -> CaseEvent:
    """The unit's leader signs the draft off, as written or corrected: it is published now."""
    draft = _reviewed_draft(case, actor, expected_version)
    if draft.written_by_id == actor.user.id:
        raise NotPermitted(_l("Another leader of the unit signs off an answer you wrote."))

    def given(value, drafted):
        return drafted if value is AS_DRAFTED else value

    text = clean_text(given(body, draft.body), "answer", ANSWER_MAX,
                      _l("Write the answer to the citizen."))
    document = clean_document(given(doc_number, draft.doc_number), given(doc_date, draft.doc_date),
                              given(doc_signer, draft.doc_signer), now)
    note = _optional_text(note, "note", REASON_MAX) or ""
    lifecycle.check_move(case, Move.RESPOND, actor)
    # Approved before the move, so that the move does not withdraw it.
    draft.status = DraftStatus.APPROVED.value
    draft.body, draft.comment = text, note
    draft.decided_by, draft.decided_at = actor.user, now
    draft.doc_number, draft.doc_date, draft.doc_signer = document.number, document.day, document.signer
    event = lifecycle.respond(case, actor, text, now, signed_off=True)
    draft.event = event
    _publish_document(case, document)
    return event


def return_draft(case: Case, actor: Actor, comment: str, now: datetime,
                 expected_version: int | None = None) -> CaseEvent:
    """The unit's leader sends the draft back to its writer with what to change."""
    draft = _reviewed_draft(case, actor, expected_version)
    comment = clean_text(comment, "comment", REASON_MAX,
                         _l("Say what the writer should change."))
    draft.status = DraftStatus.RETURNED.value
    draft.comment = comment
    draft.decided_by, draft.decided_at = actor.user, now
    case.review_state = ReviewState.RETURNED.value
    event = lifecycle.record_event(case, EventKind.ANSWER_RETURNED, actor, now, body=comment,
                                   is_public=False)
    staff_alerts.draft_returned(case, draft, now)
    return event


# The unit's settings, as its head (or an admin) sets them.

@dataclass(frozen=True)
class UnitSettings:
    """Which kinds need sign-off in a unit, its heads, and its officers (deputies flagged)."""

    unit: Unit
    required: dict[str, bool]  # kind -> answers need sign-off
    heads: list[User]
    officers: list[User]


def unit_settings(unit: Unit) -> UnitSettings:
    """The unit's sign-off settings: two statements."""
    exempt = set(db.session.scalars(
        sa.select(SignoffExemption.kind).where(SignoffExemption.unit_id == unit.id)))
    staff = list(db.session.scalars(
        sa.select(User).where(User.unit_id == unit.id, User.active,
                              User.role.in_([role.value for role in UNIT_STAFF_ROLES]))
        .order_by(User.name, User.id)))
    return UnitSettings(
        unit, {kind.value: kind.value not in exempt for kind in CaseKind},
        heads=[u for u in staff if u.role == Role.UNIT_HEAD],
        officers=[u for u in staff if u.role == Role.OFFICER])


def _require_manager(unit: Unit, actor_user: User | None) -> None:
    if not access.may_manage_signoff(actor_user, unit):
        raise NotPermitted(_l("You are not allowed to do this."))


def set_exemption(unit: Unit, kind: str, exempt: bool, actor_user: User, now: datetime) -> bool:
    """Switch sign-off off (``exempt``) or on for a kind of case in the unit; audited.
    Returns whether anything changed."""
    _require_manager(unit, actor_user)
    if kind not in {k.value for k in CaseKind}:
        raise InvalidInput(_l("Choose a kind of case from the list."), "kinds")
    row = db.session.get(SignoffExemption, (unit.id, kind))
    if (row is not None) == exempt:
        return False
    if exempt:
        db.session.add(SignoffExemption(unit_id=unit.id, kind=kind, set_by_id=actor_user.id,
                                        set_at=now))
    else:
        db.session.delete(row)
        db.session.flush()  # switched back on within the same transaction: no clash
    audit.record(actor_user, "update", "unit", unit.id, f"{unit.code} · {kind}", now,
                 before={"signoff_required": exempt}, after={"signoff_required": not exempt})
    return True


def set_deputy(unit: Unit, user: User, signs_off: bool, actor_user: User, now: datetime) -> bool:
    """Name an active officer of the unit to sign off for its head, or take it back; audited.
    Returns whether anything changed."""
    _require_manager(unit, actor_user)
    if user.unit_id == unit.id and user.role == Role.UNIT_HEAD:
        raise InvalidInput(_l("A unit head signs off without being named."), "deputies")
    # Taking the flag back is always possible, from an account since deactivated too.
    officer = user.unit_id == unit.id and user.role == Role.OFFICER
    if not officer or (signs_off and not user.active):
        raise InvalidInput(_l("Choose an active officer of this unit."), "deputies")
    if bool(user.signs_off) == signs_off:
        return False
    audit.record(actor_user, "update", "user", user.id, user.email, now,
                 before={"signs_off": bool(user.signs_off)}, after={"signs_off": signs_off})
    user.signs_off = signs_off
    return True


def save_settings(unit: Unit, required_kinds: set[str], deputy_ids: set[int],
                  actor_user: User, now: datetime) -> int:
    """Save the unit's settings page in one go: the kinds needing sign-off, and the deputies
    (every other officer of the unit loses the flag). Returns how many things changed."""
    _require_manager(unit, actor_user)
    known = {k.value for k in CaseKind}
    if not required_kinds <= known:
        raise InvalidInput(_l("Choose a kind of case from the list."), "kinds")
    officers = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.unit_id == unit.id, User.role == Role.OFFICER.value))}
    chosen = [officers.get(user_id) for user_id in deputy_ids]
    if any(user is None or not user.active for user in chosen):
        raise InvalidInput(_l("Choose an active officer of this unit."), "deputies")
    changes = sum(set_exemption(unit, kind, kind not in required_kinds, actor_user, now)
                  for kind in sorted(known))
    changes += sum(set_deputy(unit, user, user.id in deputy_ids, actor_user, now)
                   for user in officers.values() if user.id in deputy_ids or user.signs_off)
    return changes


# Reminders.

def _waiting_drafts() -> list[AnswerDraft]:
    return list(db.session.scalars(
        sa.select(AnswerDraft)
        .where(AnswerDraft.status == DraftStatus.IN_REVIEW.value, AnswerDraft.reminded_at.is_(None))
        .options(joinedload(AnswerDraft.case), joinedload(AnswerDraft.unit),
                 joinedload(AnswerDraft.written_by))
        .order_by(AnswerDraft.id)))


def reminder_due(draft: AnswerDraft, now: datetime, calendar: WorkingCalendar,
                 after_hours: int) -> bool:
    """Whether the draft's reviewers should be reminded now: it waited ``after_hours`` working
    hours, or the case's answer is due within a working day."""
    if draft.reminded_at is not None or draft.status != DraftStatus.IN_REVIEW:
        return False
    if now >= calendar.add_working_minutes(draft.submitted_at, after_hours * 60):
        return True
    due = draft.case.response_due_at
    return due is not None and due <= calendar.add_working_minutes(now, MINUTES_PER_WORKING_DAY)


def remind_reviews(now: datetime, calendar: WorkingCalendar, after_hours: int | None = None) -> int:
    """Remind the reviewers, once, of every draft that waited too long or whose case is nearly
    due; a reminder on the case's timeline. Commits per draft. Returns drafts reminded."""
    if after_hours is None:
        after_hours = current_app.config["REVIEW_REMINDER_WORKING_HOURS"]
    reminded = 0
    for draft in _waiting_drafts():
        if not reminder_due(draft, now, calendar, after_hours):
            continue
        case = draft.case
        draft.reminded_at = now
        recipients = staff_alerts.reviewers(draft.unit)
        with force_locale(staff_alerts.STAFF_LOCALE):
            lines = [_("An answer by %(writer)s has waited for sign-off since %(when)s.",
                       writer=draft.written_by.name,
                       when=to_local(draft.submitted_at).strftime("%H:%M %d/%m/%Y"))]
            lines.append(_("Notified: %(names)s.", names=", ".join(r.name for r in recipients))
                         if recipients else _("Nobody could be notified: the unit has no "
                                              "active leader who signs off."))
        lifecycle.record_event(case, EventKind.REMINDER, lifecycle.SYSTEM_ACTOR, now,
                               body="\n".join(lines), is_public=False)
        staff_alerts.review_requested(case, draft, now, reminder=True)
        try:
            db.session.commit()
            reminded += 1
        except (IntegrityError, StaleDataError):  # another run got there first
            db.session.rollback()
            log.info("review reminder of draft %s skipped: done concurrently", draft.id)
    return reminded
