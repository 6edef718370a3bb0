"""Erasing what identifies a citizen, at their request or when the retention period ends.

Erasure removes the citizen's name, phone and email (from the case, its search
texts and the email outbox) and, at the end of retention, the case's files. It
keeps the case, its timeline text and every date, status, rating and count the
scorecards are computed from.
"""
from __future__ import annotations

from calendar import monthrange
from datetime import datetime

import sqlalchemy as sa

from app.cases import attachments, queue
from app.extensions import db
from app.models import Attachment, Case, CaseStatus, DeliveryStatus, Notification
from app.notify import citizen_notices

FINISHED = (CaseStatus.CLOSED.value, CaseStatus.REJECTED.value)


def has_contact(case: Case) -> bool:
    """Whether the case still holds any contact detail of the citizen."""
    return bool(case.citizen_name or case.citizen_phone or case.citizen_email)


def erase_contact(case: Case, now: datetime) -> None:
    """Forget the citizen's contact details on this case; the rest of the case stays.

    Pending emails to the citizen are dropped and the address is blanked on sent
    ones. Idempotent. The caller commits.
    """
    case.citizen_name = case.citizen_phone = case.citizen_email = None
    case.contact_consent = False
    case.notify_email = False
    case.submission_token = None
    queue.index_for_search(case)
    if case.contact_erased_at is None:
        case.contact_erased_at = now
    db.session.execute(
        sa.delete(Notification)
        .where(Notification.case_id == case.id, Notification.kind.in_(citizen_notices.KINDS),
               Notification.status == DeliveryStatus.PENDING.value)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Notification)
        .where(Notification.case_id == case.id, Notification.kind.in_(citizen_notices.KINDS),
               Notification.recipient != "")
        .values(recipient="")
        .execution_options(synchronize_session=False)
    )


def months_before(moment: datetime, months: int) -> datetime:
    """The same instant ``months`` calendar months earlier (31 March − 1 month = 28/29 February)."""
    years, month_index = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month_index + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def _holds_personal_data():
    has_files = sa.exists().where(Attachment.case_id == Case.id)
    has_addresses = sa.exists().where(
        Notification.case_id == Case.id,
        Notification.kind.in_(citizen_notices.KINDS),
        Notification.recipient != "",
    )
    return sa.or_(
        Case.citizen_name.is_not(None),
        Case.citizen_phone.is_not(None),
        Case.citizen_email.is_not(None),
        Case.submission_token.is_not(None),
        has_files,
        has_addresses,
    )


def due_for_retention(now: datetime, months: int, limit: int = 200) -> list[int]:
    """Ids of cases finished more than ``months`` ago that still hold personal data."""
    cutoff = months_before(now, months)
    return list(
        db.session.scalars(
            sa.select(Case.id)
            .where(Case.status.in_(FINISHED), Case.closed_at < cutoff, _holds_personal_data())
            .order_by(Case.id)
            .limit(limit)
        )
    )


def erase_for_retention(case: Case, now: datetime) -> None:
    """Erase the contact details and the files of a case past its retention period."""
    erase_contact(case, now)
    attachments.remove(list(case.attachments))


def retention_sweep(now: datetime, months: int, batch: int = 200) -> int:
    """Erase every case due for it, committing batch by batch. Returns how many cases."""
    done: set[int] = set()
    while True:
        ids = [i for i in due_for_retention(now, months, batch) if i not in done]
        if not ids:
            return len(done)
        for case in db.session.scalars(sa.select(Case).where(Case.id.in_(ids))):
            erase_for_retention(case, now)
        db.session.commit()
        done.update(ids)
