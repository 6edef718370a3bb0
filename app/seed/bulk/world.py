"""The units, categories and staff that volume data needs, made once (a few hundred rows at most)."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.deadlines import regimes
from app.extensions import db
from app.models import UNIT_STAFF_ROLES, CaseKind, Category, Priority, Role, Unit, User
from app.org.units import receiving_units
from app.seed.bulk import texts
from app.seed.bulk.dues import Terms
from app.seed.bulk.lifecycle import Category as CategorySpec
from app.seed.bulk.lifecycle import Staff
from app.seed.demo import SeedReport, seed_accounts, seed_categories, seed_units

# How often each demo field comes up; fields not listed here weigh DEFAULT_WEIGHT.
CATEGORY_WEIGHTS = {"THUE": 0.30, "BHXH": 0.25, "KHOBAC": 0.05, "HAIQUAN": 0.06,
                    "LAODONG": 0.12, "PHUNU": 0.07, "KHAC": 0.10}
DEFAULT_WEIGHT = 0.15


def ensure_base(report: SeedReport) -> None:
    """Without any active category, lay down the demo units, fields and accounts first."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Category).where(Category.active)):
        return
    units = seed_units(report)
    seed_categories(report, units)
    seed_accounts(report, units, None)


def ensure_units(wanted: int) -> int:
    """Add local branches under the units that categories route to, until ``wanted`` units exist."""
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(Unit))
    missing = wanted - existing
    parents = list(db.session.scalars(
        sa.select(Unit).join(Category, Category.default_unit_id == Unit.id)
        .where(Category.active, receiving_units()).distinct().order_by(Unit.id)
    ))
    if missing <= 0 or not parents:
        return 0
    codes = set(db.session.scalars(sa.select(Unit.code)))
    rows, number = [], 0
    while len(rows) < missing:
        number += 1
        for parent in parents:
            code = f"{parent.code}-{number:03d}"
            if code in codes or len(rows) >= missing:
                continue
            place = texts.ALL_WARDS[(number - 1) % len(texts.ALL_WARDS)]
            prefix, prefix_en = texts.BRANCH_PREFIX.get(parent.code, (parent.name, parent.name_en or parent.name))
            suffix = f" {number // len(texts.ALL_WARDS) + 1}" if number > len(texts.ALL_WARDS) else ""
            rows.append({"code": code, "name": f"{prefix} {place}{suffix}"[:200],
                         "name_en": f"{prefix_en}, {place}{suffix}"[:200], "parent_id": parent.id,
                         "active": True})
    db.session.execute(sa.insert(Unit), rows)
    return len(rows)


def _unit_pools() -> tuple[dict[int, list[int]], list[int]]:
    """Per category, its default unit then that unit's active branches; and every working unit.

    Only units that handle cases: party cells under a unit are not its branches.
    """
    units = db.session.execute(sa.select(Unit.id, Unit.parent_id).where(receiving_units())).all()
    children: dict[int, list[int]] = {}
    for unit_id, parent_id in units:
        children.setdefault(parent_id, []).append(unit_id)
    pools = {}
    for category_id, default_unit in db.session.execute(
        sa.select(Category.id, Category.default_unit_id).where(Category.active)
    ):
        if default_unit is not None and any(default_unit == u for u, _ in units):
            pools[category_id] = [default_unit] + sorted(children.get(default_unit, []))
        else:
            pools[category_id] = []
    routed = sorted({u for pool in pools.values() for u in pool})
    return pools, routed or sorted(u for u, parent in units if parent is not None)


def ensure_staff(unit_ids: list[int]) -> int:
    """An officer for every unit that has none (their password is random: reset it to use one)."""
    staffed = set(db.session.scalars(
        sa.select(User.unit_id).where(User.role.in_(UNIT_STAFF_ROLES),
                                      User.active)
    ))
    codes = dict(db.session.execute(sa.select(Unit.id, Unit.code)).all())
    emails = set(db.session.scalars(sa.select(User.email)))
    password_hash = generate_password_hash(secrets.token_urlsafe(24), method="scrypt")
    rows = []
    for unit_id in unit_ids:
        email = f"officer.{codes[unit_id].lower()}@bulk.lang-nghe.vn"
        if unit_id in staffed or email in emails:
            continue
        rows.append({"email": email, "name": f"Cán bộ {codes[unit_id]}", "role": Role.OFFICER.value,
                     "unit_id": unit_id, "password_hash": password_hash, "active": True})
    if not db.session.scalar(sa.select(User.id).where(User.role == Role.OPERATOR.value, User.active)):
        rows.append({"email": "operator@bulk.lang-nghe.vn", "name": "Tổng đài viên",
                     "role": Role.OPERATOR.value, "unit_id": None, "password_hash": password_hash,
                     "active": True})
    if rows:
        db.session.execute(sa.insert(User), rows)
    return len(rows)


def load_world(units_wanted: int) -> tuple[list[CategorySpec], list[float], Staff, int, int]:
    """Categories with their unit pools and targets, their weights, the staff, and what was created."""
    created_units = ensure_units(units_wanted)
    pools, routed = _unit_pools()
    created_users = ensure_staff(sorted(set(routed)))
    officer_of: dict[int, int] = {}
    for unit_id, user_id in db.session.execute(
        sa.select(User.unit_id, User.id)
        .where(User.role.in_(UNIT_STAFF_ROLES), User.active)
        .order_by(User.role, User.id)  # "officer" sorts before "unit_head"
    ):
        officer_of.setdefault(unit_id, user_id)
    operators = list(db.session.scalars(
        sa.select(User.id).where(User.role == Role.OPERATOR.value, User.active).order_by(User.id)
    ))
    specs, weights = [], []
    regimes.ensure_defaults()  # every kind needs its base regime
    every_regime = regimes.all_regimes()
    for category in db.session.scalars(
        sa.select(Category).where(Category.active).order_by(Category.position, Category.id)
    ):
        terms = {
            (kind.value, priority.value): Terms.of(
                regimes.choose(every_regime, kind.value, category.id, priority.value))
            for kind in CaseKind for priority in Priority
        }
        specs.append(CategorySpec(category.id, category.code, terms, pools[category.id]))
        weights.append(CATEGORY_WEIGHTS.get(category.code, DEFAULT_WEIGHT))
    staff = Staff(officer_of=officer_of, operators=operators, all_units=routed)
    return specs, weights, staff, created_units, created_users
