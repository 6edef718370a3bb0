"""What the citizen does on the tracking page after sending feedback.

The citizen is whoever holds the tracking code. They answer the unit's question
(with files if they like), rate the answer, or say the problem is not solved,
which reopens the case within the reopen window. Each function checks
everything before it changes anything; the caller commits.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.cases import attachments, lifecycle
from app.core import errors
from app.deadlines.calendar import WorkingCalendar
from app.deadlines.reopening import reopen_last_day
from app.extensions import db
from app.models import Case, CaseEvent, CaseStatus, EventKind, Uploader


def pending_question(case: Case) -> CaseEvent | None:
    """The unit's question the citizen has not answered yet, if the case awaits them."""
    if case.status != CaseStatus.AWAITING_CITIZEN:
        return None
    return db.session.scalar(
        sa.select(CaseEvent)
        .where(
            CaseEvent.case_id == case.id,
            CaseEvent.to_status == CaseStatus.AWAITING_CITIZEN.value,
            CaseEvent.kind == EventKind.STATUS.value,
        )
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )


def answer_question(
    case: Case, message: str, uploads: list[attachments.Upload], now: datetime
) -> CaseEvent:
    """The citizen answers the unit's question; the case goes back to the unit."""
    if case.status != CaseStatus.AWAITING_CITIZEN:
        raise errors.IllegalMove(_l("This case is not waiting for your answer."))
    files = attachments.clean_all(uploads, "attachments")
    attachments.check_room(case, Uploader.CITIZEN, len(files), "attachments")
    event = lifecycle.citizen_reply(case, message, now)
    if files:
        attachments.store(case, files, Uploader.CITIZEN, now, event=event)
    return event


def rating_given(case: Case) -> int | None:
    """The rating the citizen gave the current answer (1-5), or None if not rated yet."""
    return lifecycle.rating_of_answer(case)


def may_rate(
    case: Case, now: datetime, window_days: int, calendar: WorkingCalendar | None = None
) -> bool:
    """Whether the rating form is offered: answered, not rated, within the window."""
    return (
        case.status == CaseStatus.RESPONDED
        and rating_given(case) is None
        and lifecycle.within_reopen_window(case, now, window_days, calendar)
    )


def may_reopen(
    case: Case, now: datetime, window_days: int, calendar: WorkingCalendar | None = None
) -> bool:
    """Whether "not solved" is offered: answered or closed by the citizen, within the window."""
    return case.status in (CaseStatus.RESPONDED, CaseStatus.CLOSED) and (
        lifecycle.within_reopen_window(case, now, window_days, calendar)
    )


def last_day_to_reopen(case: Case, window_days: int, calendar: WorkingCalendar) -> date | None:
    """The last date the citizen may rate or reopen the answer, shown on the tracking page.

    None when the case has no answer or there is no window.
    """
    if case.responded_at is None:
        return None
    return reopen_last_day(case.responded_at, window_days, calendar)


def parse_rating(raw: str | int | None) -> int:
    """A rating from a form: 1 to 5, or an error next to the rating field."""
    try:
        rating = int(raw)
    except (TypeError, ValueError):
        rating = 0
    if rating not in range(1, 6):
        raise errors.InvalidInput(_l("Choose a rating from 1 to 5."), "rating")
    return rating
