"""Emails to staff about their cases, written to the outbox.

A case routed or transferred to a unit is announced to that unit in the same
transaction as the move. Reminders and escalations (``enforcement``) use the
same recipients and the same outbox. Staff read Vietnamese.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import UNIT_STAFF_ROLES, Case, CaseEvent, EventKind, Role, Unit, User
from app.notify.outbox import queue_email

STAFF_LOCALE = "vi"
_SILENT = "lang_nghe_staff_alerts_silenced"


@contextmanager
def silenced() -> Iterator[None]:
    """Write no "new case" emails inside the block: for loading past cases (demo data)."""
    db.session.info[_SILENT] = True
    try:
        yield
    finally:
        db.session.info.pop(_SILENT, None)


@dataclass(frozen=True)
class Recipient:
    """Where one staff email goes; ``key`` names the recipient inside dedupe keys."""

    email: str
    name: str
    key: str

    @classmethod
    def of(cls, user: User) -> Recipient:
        return cls(user.email, user.name, f"u{user.id}")


def _active_staff(unit: Unit, roles: tuple[Role, ...]) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.unit_id == unit.id, User.active,
                   User.role.in_([role.value for role in roles]))
            .order_by(User.id)
        )
    )


def is_silenced() -> bool:
    """Whether staff emails are silenced here (demo data being loaded)."""
    return bool(db.session.info.get(_SILENT))


def unit_recipients(unit: Unit) -> list[Recipient]:
    """The unit's shared mailbox if it has one, else its active unit heads and officers."""
    if unit.email:
        return [Recipient(unit.email, unit.name, f"unit{unit.id}")]
    return [Recipient.of(user) for user in _active_staff(unit, UNIT_STAFF_ROLES)]


def unit_heads(unit: Unit | None) -> list[Recipient]:
    """The active unit heads of a unit (none for a case still in triage)."""
    if unit is None:
        return []
    return [Recipient.of(user) for user in _active_staff(unit, (Role.UNIT_HEAD,))]


def committee_members() -> list[Recipient]:
    """Every active committee member."""
    users = db.session.scalars(
        sa.select(User).where(User.role == Role.COMMITTEE.value, User.active).order_by(User.id)
    )
    return [Recipient.of(user) for user in users]


def reminder_recipients(case: Case) -> list[Recipient]:
    """The officer the case is assigned to, or the unit heads when nobody is."""
    assignee = case.assignee
    if assignee is not None and assignee.active and assignee.unit_id == case.unit_id:
        return [Recipient.of(assignee)]
    return unit_heads(case.unit)


def escalation_recipients(case: Case) -> list[Recipient]:
    """The unit heads of the unit holding the case, and the committee."""
    seen, recipients = set(), []
    for recipient in unit_heads(case.unit) + committee_members():
        if recipient.email not in seen:
            seen.add(recipient.email)
            recipients.append(recipient)
    return recipients


def send_to_staff(
    recipients: list[Recipient],
    *,
    kind: str,
    key: str,
    template: str,
    case: Case,
    now: datetime,
    **context,
) -> int:
    """Queue one email per recipient; ``key`` + the recipient make the dedupe key.

    Returns how many were new (a second call with the same key queues nothing).
    """
    queued = 0
    for recipient in recipients:
        note = queue_email(
            kind=kind, dedupe_key=f"{key}:{recipient.key}"[:120], recipient=recipient.email,
            locale=STAFF_LOCALE, template=template, now=now, case=case,
            recipient_name=recipient.name, **context,
        )
        queued += note is not None
    return queued


def notify_unit_of_move(case: Case, event: CaseEvent, now: datetime) -> int:
    """Tell the unit a case was routed or transferred to it (called by the move itself)."""
    if case.unit is None or db.session.info.get(_SILENT):
        return 0
    db.session.flush()  # the case and the event need their ids for the keys
    transferred = event.kind == EventKind.TRANSFERRED
    return send_to_staff(
        unit_recipients(case.unit),
        kind="case_transferred" if transferred else "case_routed",
        key=f"unit-move:{event.id}",
        template="unit_new_case",
        case=case,
        now=now,
        event=event,
        transferred=transferred,
    )


def extension_requested(case: Case, event: CaseEvent, extension, now: datetime) -> int:
    """Ask the unit heads of the holding unit to decide an officer's extension request."""
    if db.session.info.get(_SILENT):
        return 0
    db.session.flush()
    return send_to_staff(
        unit_heads(case.unit), kind="extension_requested", key=f"extension:{extension.id}",
        template="extension_requested", case=case, now=now, event=event, extension=extension,
    )


def reviewers(unit: Unit | None) -> list[Recipient]:
    """Who signs the unit's answers off: its active heads and the deputies they named."""
    if unit is None:
        return []
    users = db.session.scalars(
        sa.select(User)
        .where(User.unit_id == unit.id, User.active,
               sa.or_(User.role == Role.UNIT_HEAD.value,
                      sa.and_(User.role == Role.OFFICER.value, User.signs_off)))
        .order_by(User.id)
    )
    return [Recipient.of(user) for user in users]


def review_requested(case: Case, draft, now: datetime, reminder: bool = False) -> int:
    """Tell the unit's reviewers an answer waits for their sign-off (once per draft; the
    reminder once more)."""
    if db.session.info.get(_SILENT):
        return 0
    db.session.flush()
    return send_to_staff(
        reviewers(draft.unit), kind="review_reminder" if reminder else "review_requested",
        key=f"{'review-reminder' if reminder else 'review'}:{draft.id}",
        template="review_requested", case=case, now=now, draft=draft, reminder=reminder,
    )


def draft_returned(case: Case, draft, now: datetime) -> int:
    """Tell the writer of a draft that the unit's leader sent it back, with the comment."""
    writer = draft.written_by
    if db.session.info.get(_SILENT) or writer is None or not writer.active:
        return 0
    db.session.flush()
    return send_to_staff(
        [Recipient.of(writer)], kind="draft_returned", key=f"returned:{draft.id}",
        template="draft_returned", case=case, now=now, draft=draft,
    )
