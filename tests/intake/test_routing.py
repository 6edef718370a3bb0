"""Routing rules by category and ward: the most specific rule wins, then the default unit."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.intake import routing
from app.models import CaseStatus, Category, RoutingRule, Unit
from tests.factories import make_case


def unit(db, code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


@pytest.fixture
def tax(db, world) -> Category:
    return db.session.get(Category, world.tax)


def test_without_rules_the_category_default_unit_decides(db, tax):
    assert routing.choose_unit(tax, "Phường Sài Gòn").code == "THUE"


def test_a_ward_rule_wins_over_the_any_ward_rule_and_the_default(db, tax):
    routing.set_rule(tax, "", unit(db, "DUK"))
    routing.set_rule(tax, "Phường Sài Gòn", unit(db, "BHXH"))
    assert routing.choose_unit(tax, "Phường Sài Gòn").code == "BHXH"
    assert routing.choose_unit(tax, "  phuong SAI gon ").code == "BHXH"  # accents and case folded
    assert routing.choose_unit(tax, "Phường Bến Thành").code == "DUK"
    assert routing.choose_unit(tax, "").code == "DUK"


def test_rules_route_unroutable_categories_and_new_cases(db, world):
    other = db.session.get(Category, world.other)
    assert routing.choose_unit(other, "Xã Củ Chi") is None
    routing.set_rule(other, "Xã Củ Chi", unit(db, "BHXH"))
    assert routing.choose_unit(other, "Xã Củ Chi").code == "BHXH"
    assert routing.choose_unit(other, "Phường Gò Vấp") is None
    routed = make_case(other, ward="Xã Củ Chi")
    waiting = make_case(other, ward="Phường Gò Vấp")
    assert (routed.status, routed.unit.code) == (CaseStatus.ASSIGNED, "BHXH")
    assert (waiting.status, waiting.unit_id) == (CaseStatus.NEW, None)


def test_a_rule_to_an_inactive_unit_is_skipped(db, tax):
    closed = unit(db, "BHXH")
    routing.set_rule(tax, "Phường Sài Gòn", closed)
    routing.set_rule(tax, "", unit(db, "DUK"))
    closed.active = False
    assert routing.choose_unit(tax, "Phường Sài Gòn").code == "DUK"


def test_setting_a_rule_again_changes_it_instead_of_adding_one(db, tax):
    routing.set_rule(tax, "Phường Sài Gòn", unit(db, "DUK"))
    routing.set_rule(tax, "phuong sai gon", unit(db, "BHXH"))
    rules = db.session.scalars(sa.select(RoutingRule)).all()
    assert [(r.ward_key, r.unit.code) for r in rules] == [("phuong sai gon", "BHXH")]


def test_one_rule_per_category_and_ward_in_the_database(db, tax):
    db.session.add(RoutingRule(category_id=tax.id, ward="A", ward_key="a", unit_id=unit(db, "DUK").id))
    db.session.add(RoutingRule(category_id=tax.id, ward="Á", ward_key="a", unit_id=unit(db, "BHXH").id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_demo_seeds_its_rules_once(db):
    from app.seed.demo import ROUTING_RULES, seed_demo

    seed_demo("demo-password")
    seed_demo()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoutingRule)) == len(ROUTING_RULES)


def test_rules_and_default_units_that_handle_no_case_are_skipped(db, world):
    tax = db.session.get(Category, world.tax)
    thue = db.session.get(Unit, world.thue)
    bhxh = db.session.get(Unit, world.bhxh)
    routing.set_rule(tax, "", bhxh)
    bhxh.handles_cases = False
    assert routing.choose_unit(tax) == thue  # the rule is skipped, the default unit takes it
    thue.handles_cases = False
    assert routing.explain_choice(tax).reason == routing.REASON_TRIAGE
