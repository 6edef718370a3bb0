"""Taking in a new case: reference, tracking code, due times, routing, first event."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Case, CaseSequence, Category, Channel, EventKind, Priority, User
from app.services import routing, workflow
from app.services.deadlines import WorkingCalendar
from app.services.sla import load_calendar, set_due_times
from app.services.text import search_text
from app.services.tracking import new_tracking_code
from app.timeutil import to_local

TITLE_MAX = 200
DESCRIPTION_MAX = 4000


@dataclass
class Submission:
    """What a citizen (or an operator on their behalf) tells us."""

    category: Category
    title: str
    description: str
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


def _validate(sub: Submission) -> None:
    if not sub.category.active:
        raise workflow.InvalidInput(_l("Choose a field from the list."), "category")
    if not sub.title.strip():
        raise workflow.InvalidInput(_l("Give your feedback a short title."), "title")
    if len(sub.title) > TITLE_MAX:
        raise workflow.InvalidInput(
            _l("This text is too long (at most %(n)d characters).", n=TITLE_MAX), "title"
        )
    if not sub.description.strip():
        raise workflow.InvalidInput(_l("Describe the problem."), "description")
    if len(sub.description) > DESCRIPTION_MAX:
        raise workflow.InvalidInput(
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

    An anonymous submission keeps no contact details. The caller commits.
    """
    _validate(sub)
    calendar = calendar or load_calendar()
    if sub.anonymous:
        name = phone = email = None
    else:
        name, phone, email = (
            _clean(sub.citizen_name),
            _clean(sub.citizen_phone),
            _clean(sub.citizen_email),
        )
    reference = next_reference(now)
    case = Case(
        reference=reference,
        tracking_code=_unused_tracking_code(),
        channel=Channel(channel).value,
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
        public_consent=sub.public_consent,
        locale=sub.locale if sub.locale in ("vi", "en") else "vi",
        priority=Priority(sub.priority).value,
        created_by=created_by,
        status="new",
        received_at=now,
        clock_started_at=now,
        paused_minutes=0,
        reopen_count=0,
        search_text=search_text(reference, sub.title, sub.description, sub.address, sub.ward,
                                phone, name),
    )
    set_due_times(case, sub.category.policy, calendar)
    db.session.add(case)
    actor = workflow.Actor.staff(created_by) if created_by else workflow.CITIZEN_ACTOR
    workflow.record_event(case, EventKind.CREATED, actor, now, is_public=True)
    unit = routing.unit_for_case(case)
    if unit is not None:
        workflow.route_case(case, workflow.SYSTEM_ACTOR, unit, now)
    db.session.flush()
    return case
