"""Routing rules (category × ward → unit) as administrators manage them.

The matching itself lives once in ``app.intake.routing``: this module checks
an administrator's input, calls ``routing.set_rule`` to write a rule, and
records every change in the audit log in the same transaction. Nothing here
commits: the caller does.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.core import audit
from app.core.cleaning import clean_text
from app.core.errors import InvalidInput
from app.extensions import db
from app.intake import routing
from app.models import Category, RoutingRule, Unit, User
from app.org.units import require_receiving

ENTITY = "routing_rule"


def snapshot(rule: RoutingRule) -> dict:
    """What the audit log keeps of a rule (category and unit by code)."""
    return {"category": rule.category.code, "ward": rule.ward, "unit": rule.unit.code}


def _label(rule: RoutingRule) -> str:
    return f"{rule.category.code} / {rule.ward or '*'}"


def _active_category(category_id: int | None) -> Category:
    category = db.session.get(Category, category_id) if category_id else None
    if category is None or not category.active:
        raise InvalidInput(_l("Choose an offered category from the list."), "category_id")
    return category


def _active_unit(unit_id: int | None) -> Unit:
    unit = db.session.get(Unit, unit_id) if unit_id else None
    return require_receiving(unit, "unit_id")


def clean_ward(raw: str | None) -> str:
    """A ward name as typed, trimmed; empty means any ward. Too long is refused."""
    ward = clean_text(raw, "ward", routing.WARD_MAX, required=False)
    if ward and not routing.ward_key(ward):
        raise InvalidInput(_l("Enter the ward's name in letters."), "ward")
    return ward


def _rule_for(category: Category, ward: str) -> RoutingRule | None:
    return db.session.scalar(
        sa.select(RoutingRule).where(
            RoutingRule.category_id == category.id,
            RoutingRule.ward_key == routing.ward_key(ward),
        )
    )


def add_rule(category_id: int | None, ward: str | None, unit_id: int | None,
             actor: User, now: datetime) -> RoutingRule:
    """Add a rule: cases of the category in the ward (any ward when empty) go to the unit.

    A second rule for the same category and ward (accents and case aside) is refused:
    change the existing rule's unit instead.
    """
    category = _active_category(category_id)
    ward = clean_ward(ward)
    unit = _active_unit(unit_id)
    if _rule_for(category, ward) is not None:
        message = (_l("This category already has a rule for this ward.") if ward
                   else _l("This category already has a rule for any ward."))
        raise InvalidInput(message, "ward")
    rule = routing.set_rule(category, ward, unit)
    audit.record(actor, "create", ENTITY, rule.id, _label(rule), now, after=snapshot(rule))
    return rule


def change_unit(rule: RoutingRule, unit_id: int | None, actor: User, now: datetime) -> None:
    """Send the rule's cases to another active unit."""
    unit = _active_unit(unit_id)
    before = snapshot(rule)
    routing.set_rule(rule.category, rule.ward, unit)
    audit.record_update(actor, ENTITY, rule.id, _label(rule), now, before, snapshot(rule))


def remove_rule(rule: RoutingRule, actor: User, now: datetime) -> None:
    """Delete a rule: its cases fall back on the any-ward rule or the category's unit."""
    audit.record(actor, "delete", ENTITY, rule.id, _label(rule), now, before=snapshot(rule))
    db.session.delete(rule)
    db.session.flush()


def all_rules() -> list[RoutingRule]:
    """Every rule, by category then ward (any ward first), with category and unit."""
    return list(
        db.session.scalars(
            sa.select(RoutingRule)
            .join(RoutingRule.category)
            .options(joinedload(RoutingRule.category), joinedload(RoutingRule.unit))
            .order_by(Category.position, Category.code, RoutingRule.ward_key)
        )
    )


def try_routing(category_id: int | None, ward: str | None) -> routing.Choice:
    """Where a new case of this category in this ward would go now, and why.

    Any category may be tried, offered or not (staff file cases for withdrawn ones).
    """
    category = db.session.get(Category, category_id) if category_id else None
    if category is None:
        raise InvalidInput(_l("Choose a category from the list."), "category_id")
    return routing.explain_choice(category, clean_ward(ward))
