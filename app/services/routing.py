"""Which unit a new case goes to.

Today the category's default unit decides; rules by category and ward extend
``choose_unit`` later. A case no rule can place stays ``new`` in triage.
"""
from __future__ import annotations

from app.models import Case, Category, Unit


def choose_unit(category: Category, ward: str | None = None) -> Unit | None:
    """The unit responsible for a case of this category in this ward, if any rule says."""
    unit = category.default_unit
    if unit is not None and unit.active:
        return unit
    return None


def unit_for_case(case: Case) -> Unit | None:
    """The unit a new case should be routed to, or None for the triage queue."""
    return choose_unit(case.category, case.ward)
