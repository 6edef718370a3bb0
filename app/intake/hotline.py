"""The hotline desk and the triage queue: an operator's side of intake.

Finding a category by what the operator types (accent-folded: "thue" finds
"Thuế"), a caller's earlier cases by phone number, adding a new call to an
earlier case instead of opening a duplicate, and routing the cases no rule
could place.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.cases import access, lifecycle, queries
from app.core import errors
from app.core.text import fold
from app.extensions import db
from app.models import Case, CaseEvent, CaseStatus, Category, EventKind, Unit, User
from app.org.units import receiving_units

EARLIER_LIMIT = 10
HOTLINE_CHANNELS = ("hotline", "walk_in", "email")
TITLE_FROM_DESCRIPTION = 80


def _haystack(category: Category) -> str:
    return fold(" ".join((category.name_vi, category.name_en, category.keywords or "",
                          category.code)))


def find_categories(query: str | None) -> list[Category]:
    """Active categories matching every word typed, accents ignored; all of them for no query.

    Categories whose name starts with the query come first.
    """
    categories = queries.active_categories()
    words = fold(query).split()
    if not words:
        return categories
    matches = [c for c in categories if all(w in _haystack(c) for w in words)]
    typed = " ".join(words)
    return sorted(
        matches,
        key=lambda c: (not (fold(c.name_vi).startswith(typed) or fold(c.name_en).startswith(typed))),
    )


def resolve_category(query: str | None, chosen_id: int | None) -> Category:
    """The category the operator picked from the list, or the only one their words match."""
    if chosen_id:
        category = db.session.get(Category, chosen_id)
        if category is not None and category.active:
            return category
    matches = find_categories(query) if (query or "").strip() else []
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise errors.InvalidInput(_l("No field matches these words. Type part of its name."),
                                    "category_search")
    raise errors.InvalidInput(_l("Several fields match: choose one in the list."),
                                "category_search")


def title_from(description: str) -> str:
    """A title made from the start of the description, for calls taken without one."""
    first_line = (description or "").strip().splitlines()[0] if (description or "").strip() else ""
    if len(first_line) <= TITLE_FROM_DESCRIPTION:
        return first_line
    return first_line[:TITLE_FROM_DESCRIPTION].rsplit(" ", 1)[0] + "…"


def earlier_cases(phone: str | None, operator: User, limit: int = EARLIER_LIMIT) -> list[Case]:
    """The caller's earlier cases by normalised phone number, newest first.

    A tố cáo is left out: finding it by the number would tell the operator who sent it.
    """
    if not phone:
        return []
    return list(
        db.session.scalars(
            sa.select(Case)
            .where(Case.citizen_phone == phone, access.contact_match_filter(operator))
            .options(joinedload(Case.category), joinedload(Case.unit))
            .order_by(Case.received_at.desc(), Case.id.desc())
            .limit(limit)
        )
    )


def link_call(case: Case, operator: User, caller_phone: str | None, message: str,
              now: datetime) -> CaseEvent:
    """Add what a caller says about an earlier case to that case, as their message."""
    if not access.may_link_call(operator, case, caller_phone):
        raise errors.NotPermitted(_l("You are not allowed to do this."))
    text = (message or "").strip()
    if not text:
        raise errors.InvalidInput(_l("Write what the caller said."), "description")
    if len(text) > lifecycle.REASON_MAX:
        raise errors.InvalidInput(
            _l("This text is too long (at most %(n)d characters).", n=lifecycle.REASON_MAX),
            "description",
        )
    return lifecycle.record_event(
        case, EventKind.CITIZEN_MESSAGE, lifecycle.Actor.staff(operator), now,
        body=text, is_public=True,
    )


def triage_queue():
    """The cases waiting for an operator to route them, oldest first (a select to paginate)."""
    return (
        sa.select(Case)
        .where(Case.status == CaseStatus.NEW.value)
        .options(joinedload(Case.category))
        .order_by(Case.received_at, Case.id)
    )


def active_units() -> list[Unit]:
    """The units a case can be routed to (active, handling cases)."""
    return list(db.session.scalars(sa.select(Unit).where(receiving_units()).order_by(Unit.name)))


def route_from_triage(case: Case, operator: User, unit_id: int | None, now: datetime) -> CaseEvent:
    """An operator sends a waiting case to the unit they chose."""
    if case.status != CaseStatus.NEW:  # routed meanwhile, by a rule or a colleague
        raise errors.IllegalMove(_l("This case has already been routed."))
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise errors.InvalidInput(_l("Choose the responsible unit."), "unit")
    return lifecycle.route_case(case, lifecycle.Actor.staff(operator), unit, now)
