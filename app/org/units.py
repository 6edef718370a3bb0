"""Units: the tree of responsible bodies. Created, renamed, moved, (de)activated; never deleted.

A unit is never deleted: cases, users, timelines and audit entries point at it,
and scores are kept per unit. Deactivating it takes it out of routing (new cases
of its categories go to triage) and out of the lists to choose from.

Some units only take part in the campaign (party cells, mass-organisation
branches): ``handles_cases`` is off. Only an active unit that handles cases may
receive a case, by routing, triage or transfer, be a default or routing-rule
unit, and be ranked on case figures. ``receives_cases``, ``receiving_units`` and
``require_receiving`` are that one rule, for every package that needs it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.cleaning import clean_code, clean_email, clean_text, require_unused
from app.core.errors import IllegalMove, InvalidInput
from app.extensions import db
from app.models import OPEN_STATUSES, Case, Category, RoutingRule, Unit, User

ENTITY = "unit"
FIELDS = ("code", "name", "name_en", "email", "parent", "active", "handles_cases")


def snapshot(unit: Unit) -> dict:
    """What the audit log keeps of a unit (its parent by code)."""
    values = audit.snapshot(unit, ("code", "name", "name_en", "email", "active", "handles_cases"))
    values["parent"] = unit.parent.code if unit.parent is not None else None
    return values


def receives_cases(unit: Unit | None) -> bool:
    """Whether a case may be sent to the unit: it is active and handles citizens' cases."""
    return unit is not None and unit.active and unit.handles_cases


def receiving_units():
    """The SQL condition of ``receives_cases``, for queries of units."""
    return sa.and_(Unit.active, Unit.handles_cases)


def require_receiving(unit: Unit | None, field: str = "unit") -> Unit:
    """The unit, if a case may be sent to it; else an error next to ``field`` saying why."""
    if unit is None:
        raise InvalidInput(_l("Choose an active unit from the list."), field)
    if not unit.active:
        raise InvalidInput(_l("This unit is no longer active."), field)
    if not unit.handles_cases:
        raise InvalidInput(
            _l("This unit takes part in the campaign only and does not handle citizens' cases. "
               "Choose a unit that does."), field)
    return unit


@dataclass(frozen=True)
class UnitDetails:
    """What an administrator sets on a unit (the code is set once, at creation)."""

    name: str
    name_en: str | None = None
    email: str | None = None
    parent_id: int | None = None
    handles_cases: bool = True  # False: takes part in the campaign only


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
    _set_handles_cases(unit, details.handles_cases)
    db.session.add(unit)
    db.session.flush()
    audit.record(actor, "create", ENTITY, unit.id, unit.code, now, after=snapshot(unit))
    return unit


def update_unit(unit: Unit, details: UnitDetails, actor: User, now: datetime) -> bool:
    """Rename a unit, set its email, move it under another parent, or say whether it
    handles cases (refused while cases are with it or routed to it). True if it moved."""
    before = snapshot(unit)
    _apply(unit, details)
    _set_handles_cases(unit, details.handles_cases)
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


def _check_may_stop_handling(unit: Unit) -> None:
    """Refuse to make a unit campaign-only while cases are with it or sent to it."""
    held = db.session.scalar(
        sa.select(sa.func.count()).select_from(Case).where(
            Case.unit_id == unit.id, Case.status.in_([s.value for s in OPEN_STATUSES])))
    if held:
        raise IllegalMove(
            _l("This unit still holds %(n)d open case(s). Transfer them to another unit first.",
               n=held), "handles_cases")
    routed_here = db.session.scalar(
        sa.select(sa.func.count()).select_from(Category).where(Category.default_unit_id == unit.id)
    ) or db.session.scalar(
        sa.select(sa.func.count()).select_from(RoutingRule).where(RoutingRule.unit_id == unit.id))
    if routed_here:
        raise IllegalMove(
            _l("Categories or routing rules send new cases to this unit. Change them first."),
            "handles_cases")


def _set_handles_cases(unit: Unit, handles: bool) -> None:
    if unit.id is not None and unit.handles_cases and not handles:
        _check_may_stop_handling(unit)
    unit.handles_cases = handles


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


def unit_choices(
    locale: str = "vi", include_inactive: bool = False, receiving: bool = False
) -> list[tuple[int, str]]:
    """(id, indented name) of units in tree order, for select lists.

    ``receiving``: only the units a case may be sent to (``receives_cases``),
    for the category and routing-rule forms.
    """
    return [
        (node.unit.id, "\u00a0\u00a0" * node.depth + node.unit.display_name(locale))
        for node in flatten(unit_tree(counts=False))
        if (include_inactive or node.unit.active) and (not receiving or node.unit.handles_cases)
    ]


TOP_OF_TREE = _l("Units at the top of the tree")


def grouped_units(units, locale: str = "vi",
                  tree: list[UnitNode] | None = None) -> list[tuple[str, list[Unit]]]:
    """The given units grouped under their parent unit, groups and units in the tree's
    order: what every unit picker offers (``grouped_choices``), one query for the tree
    (``tree``: one already read, for a page with several pickers).

    Only the given units are offered (the caller says which the user may choose); a
    group is named after the parent even when the parent itself is not offered.
    """
    offered = {unit.id for unit in units}
    groups: dict[int | None, list[Unit]] = {}
    names: dict[int | None, str] = {None: str(TOP_OF_TREE)}
    for node in flatten(tree if tree is not None else unit_tree(counts=False)):
        names[node.unit.id] = node.unit.display_name(locale)
        if node.unit.id in offered:
            groups.setdefault(node.unit.parent_id, []).append(node.unit)
    return [(names.get(parent_id, str(TOP_OF_TREE)), members)
            for parent_id, members in groups.items()]


def grouped_choices(units, locale: str = "vi",
                    tree: list[UnitNode] | None = None) -> dict[str, list[tuple[int, str]]]:
    """WTForms choices (rendered as one <optgroup> per parent unit) for ``grouped_units``."""
    return {group: [(unit.id, unit.display_name(locale)) for unit in members]
            for group, members in grouped_units(units, locale, tree)}
