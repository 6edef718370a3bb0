"""Units: the tree of responsible bodies. Created, renamed, moved, (de)activated; never deleted.

A unit is never deleted: cases, users, timelines and audit entries point at it,
and scores are kept per unit. Deactivating it takes it out of routing (new cases
of its categories go to triage) and out of the lists to choose from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.cleaning import clean_code, clean_email, clean_text, require_unused
from app.core.errors import InvalidInput
from app.extensions import db
from app.models import OPEN_STATUSES, Case, Unit, User

ENTITY = "unit"
FIELDS = ("code", "name", "name_en", "email", "parent", "active")


def snapshot(unit: Unit) -> dict:
    """What the audit log keeps of a unit (its parent by code)."""
    values = audit.snapshot(unit, ("code", "name", "name_en", "email", "active"))
    values["parent"] = unit.parent.code if unit.parent is not None else None
    return values


@dataclass(frozen=True)
class UnitDetails:
    """What an administrator sets on a unit (the code is set once, at creation)."""

    name: str
    name_en: str | None = None
    email: str | None = None
    parent_id: int | None = None


def _parents() -> dict[int, int | None]:
    return dict(db.session.execute(sa.select(Unit.id, Unit.parent_id)).tuples().all())


def descendant_ids(unit_id: int, parents: dict[int, int | None] | None = None) -> set[int]:
    """Ids of every unit below this one in the tree."""
    parents = parents if parents is not None else _parents()
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, todo = set(), list(children.get(unit_id, []))
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def _apply(unit: Unit, details: UnitDetails) -> None:
    name = clean_text(details.name, "name", 200)
    name_en = clean_text(details.name_en, "name_en", 200, required=False) or None
    email = clean_email(details.email, "email", required=False)
    if details.parent_id != unit.parent_id:
        if details.parent_id is not None:
            if unit.id is not None and (
                details.parent_id == unit.id or details.parent_id in descendant_ids(unit.id)
            ):
                raise InvalidInput(
                    _l("A unit cannot be placed under itself or under one of its own sub-units."),
                    "parent_id",
                )
            parent = db.session.get(Unit, details.parent_id)
            if parent is None or not parent.active:
                raise InvalidInput(_l("Choose an active unit from the list."), "parent_id")
            unit.parent = parent
        else:
            unit.parent = None
    unit.name, unit.name_en, unit.email = name, name_en, email


def create_unit(code: str, details: UnitDetails, actor: User, now: datetime) -> Unit:
    """Add a unit (at the top of the tree when it has no parent)."""
    code = clean_code(code)
    require_unused(Unit.code, code, "code")
    unit = Unit(code=code, name="", active=True, created_at=now)
    _apply(unit, details)
    db.session.add(unit)
    db.session.flush()
    audit.record(actor, "create", ENTITY, unit.id, unit.code, now, after=snapshot(unit))
    return unit


def update_unit(unit: Unit, details: UnitDetails, actor: User, now: datetime) -> bool:
    """Rename a unit, set its email or move it under another parent. True if it moved."""
    before = snapshot(unit)
    _apply(unit, details)
    db.session.flush()
    after = snapshot(unit)
    audit.record_update(actor, ENTITY, unit.id, unit.code, now, before, after)
    return before["parent"] != after["parent"]


def set_unit_active(unit: Unit, active: bool, actor: User, now: datetime) -> None:
    """Deactivate a unit (out of routing and choice lists) or bring it back."""
    if unit.active == active:
        return
    before = snapshot(unit)
    unit.active = active
    audit.record_update(
        actor, ENTITY, unit.id, unit.code, now, before, snapshot(unit),
        action="reactivate" if active else "deactivate",
    )


@dataclass
class UnitNode:
    """A unit in the tree, with what hangs off it."""

    unit: Unit
    depth: int
    staff: int = 0
    open_cases: int = 0
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(counts: bool = True) -> list[UnitNode]:
    """Every unit as a forest (roots first, children by code), with staff and open-case counts."""
    units = list(db.session.scalars(sa.select(Unit).order_by(Unit.code)))
    if not counts:
        return _forest(units, {}, {})
    staff = dict(
        db.session.execute(
            sa.select(User.unit_id, sa.func.count()).where(User.active).group_by(User.unit_id)
        ).tuples().all()
    )
    open_cases = dict(
        db.session.execute(
            sa.select(Case.unit_id, sa.func.count())
            .where(Case.status.in_([s.value for s in OPEN_STATUSES]))
            .group_by(Case.unit_id)
        ).tuples().all()
    )
    return _forest(units, staff, open_cases)


def _forest(units: list[Unit], staff: dict, open_cases: dict) -> list[UnitNode]:
    nodes = {u.id: UnitNode(u, 0, staff.get(u.id, 0), open_cases.get(u.id, 0)) for u in units}
    roots = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[unit.id])

    def set_depth(node: UnitNode, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return roots


def flatten(nodes: list[UnitNode]) -> list[UnitNode]:
    """The tree in display order (each unit followed by its sub-units)."""
    ordered = []
    for node in nodes:
        ordered.append(node)
        ordered.extend(flatten(node.children))
    return ordered


def unit_choices(locale: str = "vi", include_inactive: bool = False) -> list[tuple[int, str]]:
    """(id, indented name) of units in tree order, for select lists."""
    return [
        (node.unit.id, "\u00a0\u00a0" * node.depth + node.unit.display_name(locale))
        for node in flatten(unit_tree(counts=False))
        if include_inactive or node.unit.active
    ]
