"""Read-side helpers shared by pages: loading cases with what their pages show."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Case, CaseEvent, Category, CoHandlingRequest


def active_categories() -> list[Category]:
    """Categories a citizen can choose, in display order."""
    return list(
        db.session.scalars(
            sa.select(Category).where(Category.active).order_by(Category.position, Category.code)
        )
    )


def _case_page_options():
    return (
        joinedload(Case.category),
        joinedload(Case.unit),
        joinedload(Case.assignee),
        selectinload(Case.events).options(
            joinedload(CaseEvent.actor),
            joinedload(CaseEvent.from_unit),
            joinedload(CaseEvent.to_unit),
        ),
        # Who may act on the case asks about its co-handling requests and answer drafts.
        selectinload(Case.cohandling_requests).options(
            joinedload(CoHandlingRequest.unit), joinedload(CoHandlingRequest.lead_unit),
            joinedload(CoHandlingRequest.asked_by), joinedload(CoHandlingRequest.replied_by),
        ),
        selectinload(Case.answer_drafts),
    )


def case_by_tracking_code(code: str) -> Case | None:
    """The case a tracking code belongs to, with its timeline."""
    return db.session.scalar(
        sa.select(Case).where(Case.tracking_code == code).options(*_case_page_options())
    )


def case_by_reference(reference: str) -> Case | None:
    """The case with this public reference, with its timeline."""
    return db.session.scalar(
        sa.select(Case).where(Case.reference == reference).options(*_case_page_options())
    )
