"""Which unit a new case goes to.

Routing rules (category × ward → unit) decide first: a rule for the case's own
ward wins over the category's any-ward rule; without a rule, the category's
default unit takes the case. A case nothing can place stays ``new`` and waits
for an operator in the triage queue.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.core.text import fold
from app.extensions import db
from app.models import Case, Category, RoutingRule, Unit
from app.org.units import receives_cases

WARD_MAX = 100


def ward_key(ward: str | None) -> str:
    """The form of a ward name that rules are matched on: accent-folded, lower case."""
    return fold(ward)[:WARD_MAX]


@dataclass(frozen=True)
class Choice:
    """Where a case would go and why: ``reason`` is one of the REASON_* values,
    ``rule`` the routing rule that decided (None for the default unit or triage)."""

    unit: Unit | None
    reason: str
    rule: RoutingRule | None = None


REASON_WARD_RULE = "ward_rule"
REASON_ANY_WARD_RULE = "any_ward_rule"
REASON_DEFAULT_UNIT = "default_unit"
REASON_TRIAGE = "triage"


def explain_choice(category: Category, ward: str | None = None) -> Choice:
    """The unit responsible for a case of this category in this ward, and why.

    Most specific first: the ward's rule, the category's any-ward rule, the
    category's default unit. Rules pointing at a unit that cannot receive cases
    (inactive, or campaign-only) are skipped.
    """
    keys = {ward_key(ward), ""}
    rules = db.session.scalars(
        sa.select(RoutingRule)
        .where(RoutingRule.category_id == category.id, RoutingRule.ward_key.in_(keys))
        .options(joinedload(RoutingRule.unit))
        .order_by(RoutingRule.ward_key.desc())  # the ward's own rule before ""
    )
    for rule in rules:
        if receives_cases(rule.unit):
            reason = REASON_WARD_RULE if rule.ward_key else REASON_ANY_WARD_RULE
            return Choice(rule.unit, reason, rule)
    unit = category.default_unit
    if receives_cases(unit):
        return Choice(unit, REASON_DEFAULT_UNIT)
    return Choice(None, REASON_TRIAGE)


def choose_unit(category: Category, ward: str | None = None) -> Unit | None:
    """The unit responsible for a case of this category in this ward, if any rule says
    (see ``explain_choice``); None sends the case to the triage queue."""
    return explain_choice(category, ward).unit


def unit_for_case(case: Case) -> Unit | None:
    """The unit a new case should be routed to, or None for the triage queue."""
    return choose_unit(case.category, case.ward)


def set_rule(category: Category, ward: str, unit: Unit) -> RoutingRule:
    """Create or change the rule for a category in a ward ("" for any ward). Idempotent."""
    key = ward_key(ward)
    rule = db.session.scalar(
        sa.select(RoutingRule).where(
            RoutingRule.category_id == category.id, RoutingRule.ward_key == key
        )
    )
    if rule is None:
        rule = RoutingRule(category=category, category_id=category.id, ward_key=key)
        db.session.add(rule)
    rule.ward = (ward or "").strip()[:WARD_MAX]
    rule.unit = unit
    rule.unit_id = unit.id
    db.session.flush()
    return rule
