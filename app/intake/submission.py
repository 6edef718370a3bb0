"""Taking in a new case: reference, tracking code, due times, routing, first event."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.cases import attachments, kinds, lifecycle, queue
from app.core import errors
from app.core.phone import normalise_phone
from app.core.timeutil import to_local
from app.deadlines.calendar import WorkingCalendar
from app.deadlines.sla import load_calendar, set_due_times
from app.extensions import db
from app.intake import attributes as category_questions
from app.intake import routing
from app.intake.tracking import new_tracking_code
from app.models import (
    Case,
    CaseKind,
    CaseSequence,
    Category,
    Channel,
    EventKind,
    Priority,
    Uploader,
    User,
)
from app.notify import citizen_notices

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
# The one-time token a form carries (secrets.token_urlsafe(24) gives 32 characters).
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class Submission:
    """What a citizen (or an operator on their behalf) tells us."""

    category: Category
    title: str
    description: str
    kind: str = CaseKind.PHAN_ANH.value
    address: str = ""
    ward: str = ""
    citizen_name: str | None = None
    citizen_phone: str | None = None
    citizen_email: str | None = None
    anonymous: bool = False
    contact_consent: bool = False
    public_consent: bool = False
    priority: str = Priority.NORMAL.value
    latitude: float | None = None
    longitude: float | None = None
    locale: str = "vi"
    notify_email: bool = False
    submission_token: str | None = None
    attachments: list[attachments.Upload] = field(default_factory=list)
    # Answers to the category's questions, by question code (None: not asked here; Open311
    # checks and keeps its own). Checked by the same rule as Open311's.
    answers: dict[str, list[str]] | None = None


def next_reference(received_at: datetime) -> str:
    """The next public reference of the year the case was received in (2026-000123).

    The counter row is updated in place, so concurrent submissions on
    PostgreSQL wait for each other instead of sharing a number.
    """
    year = to_local(received_at).year
    bump = (
        sa.update(CaseSequence)
        .where(CaseSequence.year == year)
        .values(last_value=CaseSequence.last_value + 1)
        .returning(CaseSequence.last_value)
        .execution_options(synchronize_session=False)
    )
    value = db.session.execute(bump).scalar_one_or_none()
    if value is None:
        try:
            with db.session.begin_nested():
                db.session.add(CaseSequence(year=year, last_value=1))
            value = 1
        except IntegrityError:  # another submission created the year's row first
            value = db.session.execute(bump).scalar_one()
    return f"{year}-{value:06d}"


def _unused_tracking_code() -> str:
    while True:
        code = new_tracking_code()
        taken = db.session.scalar(sa.select(Case.id).where(Case.tracking_code == code))
        if taken is None:
            return code


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _contact(sub: Submission) -> tuple[str | None, str | None, str | None]:
    """The citizen's name, phone (E.164) and email, checked; nothing when anonymous."""
    if sub.anonymous:
        if sub.notify_email:
            raise errors.InvalidInput(
                _l("Email updates need your email address: untick “Send anonymously” "
                   "or this box."),
                "notify_email",
            )
        return None, None, None
    name, phone, email = (
        _clean(sub.citizen_name), _clean(sub.citizen_phone), _clean(sub.citizen_email)
    )
    if phone is not None:
        phone = normalise_phone(phone)
        if phone is None:
            raise errors.InvalidInput(
                _l("Enter a valid phone number, e.g. 0901 234 567."), "citizen_phone"
            )
    if email is not None:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            raise errors.InvalidInput(
                _l("Enter a valid email address."), "citizen_email"
            ) from None
    if sub.notify_email and email is None:
        raise errors.InvalidInput(
            _l("Give your email address to receive updates by email."), "notify_email"
        )
    if sub.contact_consent and not (phone or email):
        raise errors.InvalidInput(
            _l("Give a phone number or an email so that we can contact you."), "contact_consent"
        )
    return name, phone, email


def _validate(sub: Submission) -> None:
    if not sub.category.active:
        raise errors.InvalidInput(_l("Choose a field from the list."), "category")
    if not sub.title.strip():
        raise errors.InvalidInput(_l("Give your feedback a short title."), "title")
    if len(sub.title) > TITLE_MAX:
        raise errors.InvalidInput(
            _l("This text is too long (at most %(n)d characters).", n=TITLE_MAX), "title"
        )
    if not sub.description.strip():
        raise errors.InvalidInput(_l("Describe the problem."), "description")
    if len(sub.description) > DESCRIPTION_MAX:
        raise errors.InvalidInput(
            _l("This text is too long (at most %(n)d characters).", n=DESCRIPTION_MAX),
            "description",
        )


def submit_case(
    sub: Submission,
    channel: Channel,
    now: datetime,
    created_by: User | None = None,
    calendar: WorkingCalendar | None = None,
) -> Case:
    """Create a case from a submission, route it if a rule can, and return it.

    An anonymous submission keeps no contact details. Files are checked before
    anything is written, and a citizen who asked for updates is emailed. The
    caller commits.
    """
    _validate(sub)
    name, phone, email = _contact(sub)
    kind, as_information = kinds.intake_kind(kinds.parse_kind(sub.kind), named=name is not None)
    files = attachments.clean_all(sub.attachments, "attachments")
    answers = (category_questions.check_answers(category_questions.questions_of(sub.category.id),
                                                sub.answers)
               if sub.answers is not None else [])
    calendar = calendar or load_calendar()
    reference = next_reference(now)
    case = Case(
        reference=reference,
        tracking_code=_unused_tracking_code(),
        channel=Channel(channel).value,
        kind=kind.value,
        taken_as_information=as_information,
        category=sub.category,
        category_id=sub.category.id,
        title=sub.title.strip(),
        description=sub.description.strip(),
        address=(sub.address or "").strip(),
        ward=(sub.ward or "").strip(),
        latitude=sub.latitude,
        longitude=sub.longitude,
        citizen_name=name,
        citizen_phone=phone,
        citizen_email=email,
        contact_consent=bool(sub.contact_consent and (phone or email)),
        notify_email=bool(sub.notify_email and email),
        submission_token=sub.submission_token,
        public_consent=sub.public_consent,
        locale=sub.locale if sub.locale in ("vi", "en") else "vi",
        priority=Priority(sub.priority).value,
        created_by=created_by,
        status="new",
        received_at=now,
        clock_started_at=now,
        paused_minutes=0,
        extensions_used=0,
        extension_days=0,
        reopen_count=0,
    )
    queue.index_for_search(case)
    set_due_times(case, calendar)
    db.session.add(case)
    actor = lifecycle.Actor.staff(created_by) if created_by else lifecycle.CITIZEN_ACTOR
    lifecycle.record_event(case, EventKind.CREATED, actor, now, is_public=True)
    unit = routing.unit_for_case(case)
    if unit is not None:
        lifecycle.route_case(case, lifecycle.SYSTEM_ACTOR, unit, now)
    db.session.flush()
    if answers:
        category_questions.store_answers(case, answers)
    if files:
        uploaded_by = Uploader.OPERATOR if created_by else Uploader.CITIZEN
        attachments.store(case, files, uploaded_by, now, uploader=created_by)
    citizen_notices.case_received(case, now)
    return case


def case_for_token(token: str | None) -> Case | None:
    """The case a form with this one-time token already created, if any."""
    if not token or not TOKEN_PATTERN.match(token):
        return None
    return db.session.scalar(sa.select(Case).where(Case.submission_token == token))


def submit_once(
    sub: Submission,
    channel: Channel,
    now: datetime,
    created_by: User | None = None,
    calendar: WorkingCalendar | None = None,
) -> tuple[Case, bool]:
    """Like ``submit_case``, but a form sent twice (a double click, a reload) makes one case.

    Returns the case and whether it is new. A token that is not well formed is
    ignored (the case is made, without a token). The caller commits.
    """
    if not sub.submission_token or not TOKEN_PATTERN.match(sub.submission_token):
        sub.submission_token = None
        return submit_case(sub, channel, now, created_by, calendar), True
    existing = case_for_token(sub.submission_token)
    if existing is not None:
        return existing, False
    try:
        with db.session.begin_nested():
            case = submit_case(sub, channel, now, created_by, calendar)
    except IntegrityError:
        existing = case_for_token(sub.submission_token)  # the same form, sent at the same time
        if existing is None:
            raise
        return existing, False
    return case, True
