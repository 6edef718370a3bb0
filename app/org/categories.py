"""Categories (lĩnh vực): names, keywords and where their cases go.

Their deadlines follow the regimes of the kinds of case (app/deadlines/regimes.py).

A category either names its default unit or is explicitly sent to triage (an
operator routes each case by hand); "not chosen" is refused, so a category can
never go to triage by oversight. The code is also the Open311 service code and
is set once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.core import audit
from app.core.cleaning import clean_code, clean_text, require_unused
from app.core.errors import InvalidInput
from app.extensions import db
from app.models import Category, Unit, User
from app.org.units import require_receiving

ENTITY = "category"
TRIAGE: Literal["triage"] = "triage"
POSITION_MAX = 9999


def snapshot(category: Category) -> dict:
    """What the audit log keeps of a category (its unit by code)."""
    values = audit.snapshot(
        category,
        ("code", "name_vi", "name_en", "keywords", "asks_location", "active", "position"),
    )
    values["default_unit"] = category.default_unit.code if category.default_unit else None
    return values


@dataclass(frozen=True)
class CategoryDetails:
    """What an administrator sets on a category.

    ``default_unit`` is a unit id, ``TRIAGE`` (no default unit, on purpose), or None
    (nothing chosen, which is refused).
    """

    name_vi: str
    name_en: str
    default_unit: int | Literal["triage"] | None
    keywords: str = ""
    asks_location: bool = False
    active: bool = True
    position: int = 0


def clean_keywords(raw: str | None) -> str:
    """Keywords as a tidy comma-separated list, without blanks or repeats."""
    seen: list[str] = []
    for word in (raw or "").replace(";", ",").split(","):
        word = " ".join(word.split()).lower()
        if word and word not in seen:
            seen.append(word)
    text = ", ".join(seen)
    if len(text) > 255:
        raise InvalidInput(_l("This text is too long (at most %(n)d characters).", n=255), "keywords")
    return text


def _apply(category: Category, details: CategoryDetails) -> None:
    name_vi = clean_text(details.name_vi, "name_vi", 120)
    name_en = clean_text(details.name_en, "name_en", 120)
    keywords = clean_keywords(details.keywords)
    if details.default_unit is None:
        raise InvalidInput(
            _l("Choose the unit that receives these cases, or send them to triage."),
            "default_unit",
        )
    unit = None
    if details.default_unit != TRIAGE:
        unit = db.session.get(Unit, details.default_unit)
        if unit is None or (not unit.active and unit.id != category.default_unit_id):
            raise InvalidInput(_l("Choose an active unit from the list."), "default_unit")
        if not unit.handles_cases:
            require_receiving(unit, "default_unit")
    if not 0 <= details.position <= POSITION_MAX:
        raise InvalidInput(_l("Enter a number from 0 to %(n)d.", n=POSITION_MAX), "position")
    category.name_vi, category.name_en, category.keywords = name_vi, name_en, keywords
    category.default_unit = unit
    category.asks_location, category.active = bool(details.asks_location), bool(details.active)
    category.position = details.position


def create_category(code: str, details: CategoryDetails, actor: User, now: datetime) -> Category:
    """Add a category."""
    code = clean_code(code)
    require_unused(Category.code, code, "code")
    category = Category(code=code)
    _apply(category, details)
    db.session.add(category)
    db.session.flush()
    audit.record(actor, "create", ENTITY, category.id, category.code, now, after=snapshot(category))
    return category


def update_category(category: Category, details: CategoryDetails, actor: User, now: datetime) -> None:
    """Change a category's names, keywords, routing, flags or position."""
    before = snapshot(category)
    _apply(category, details)
    db.session.flush()
    audit.record_update(actor, ENTITY, category.id, category.code, now, before, snapshot(category))


def set_category_active(category: Category, active: bool, actor: User, now: datetime) -> None:
    """Offer the category to citizens again, or stop offering it."""
    if category.active == active:
        return
    before = snapshot(category)
    category.active = active
    audit.record_update(
        actor, ENTITY, category.id, category.code, now, before, snapshot(category),
        action="reactivate" if active else "deactivate",
    )


def all_categories() -> list[Category]:
    """Every category in display order, with its unit."""
    return list(
        db.session.scalars(
            sa.select(Category)
            .options(joinedload(Category.default_unit))
            .order_by(Category.position, Category.code)
        )
    )
