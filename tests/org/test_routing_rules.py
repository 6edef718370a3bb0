"""Routing rules as administrators manage them (app/org/routing_rules.py):
checked input, the audit entry of every change, and the tester's explanation."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.core.errors import InvalidInput
from app.intake import routing
from app.models import AuditEntry, Category, RoutingRule, Unit, User
from app.org import routing_rules as rules
from tests.factories import EMAILS, MONDAY_9AM, make_case


@pytest.fixture
def admin(db, world) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))


def _entries(db) -> list[AuditEntry]:
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.entity_type == "routing_rule").order_by(AuditEntry.id)
    ))


def test_adding_a_rule_routes_new_cases_and_is_audited(db, world, admin):
    rule = rules.add_rule(world.tax, "  Phường Sài Gòn ", world.bhxh, admin, MONDAY_9AM)
    assert (rule.ward, rule.ward_key, rule.unit_id) == ("Phường Sài Gòn", "phuong sai gon", world.bhxh)
    [entry] = _entries(db)
    assert (entry.action, entry.entity_id, entry.entity_label) == ("create", rule.id, "THUE / Phường Sài Gòn")
    assert entry.before is None
    assert entry.after == {"category": "THUE", "ward": "Phường Sài Gòn", "unit": "BHXH"}
    assert entry.actor_email == EMAILS["admin"]
    tax = db.session.get(Category, world.tax)
    assert make_case(tax, ward="phuong sai gon").unit_id == world.bhxh
    assert make_case(tax, ward="Phường Bến Thành").unit_id == world.thue


@pytest.mark.parametrize(
    ("category", "ward", "unit", "field"),
    [
        (None, "", "bhxh", "category_id"),
        (987654, "", "bhxh", "category_id"),
        ("withdrawn", "", "bhxh", "category_id"),
        ("tax", "", None, "unit_id"),
        ("tax", "", 987654, "unit_id"),
        ("tax", "", "closed", "unit_id"),
        ("tax", "x" * 101, "bhxh", "ward"),
        ("tax", "🏠", "bhxh", "ward"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(db, world, admin, category, ward, unit, field):
    tax = db.session.get(Category, world.tax)
    withdrawn = db.session.get(Category, world.insurance)
    withdrawn.active = False
    closed = db.session.get(Unit, world.root)
    closed.active = False
    ids = {"tax": tax.id, "withdrawn": withdrawn.id, "bhxh": world.bhxh, "closed": closed.id}
    with pytest.raises(InvalidInput) as err:
        rules.add_rule(ids.get(category, category), ward, ids.get(unit, unit), admin, MONDAY_9AM)
    assert err.value.field == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoutingRule)) == 0
    assert _entries(db) == []


def test_a_second_rule_for_the_same_category_and_ward_is_refused(db, world, admin):
    rules.add_rule(world.tax, "Phường Sài Gòn", world.bhxh, admin, MONDAY_9AM)
    rules.add_rule(world.tax, "", world.root, admin, MONDAY_9AM)
    for ward in ("PHUONG SAI GON", ""):
        with pytest.raises(InvalidInput) as err:
            rules.add_rule(world.tax, ward, world.root, admin, MONDAY_9AM)
        assert err.value.field == "ward"
    # the same ward for another category is another rule
    rules.add_rule(world.insurance, "Phường Sài Gòn", world.thue, admin, MONDAY_9AM)
    assert len(_entries(db)) == 3


def test_changing_the_unit_records_before_and_after(db, world, admin):
    rule = rules.add_rule(world.tax, "", world.bhxh, admin, MONDAY_9AM)
    rules.change_unit(rule, world.root, admin, MONDAY_9AM)
    assert rule.unit_id == world.root
    entry = _entries(db)[-1]
    assert (entry.action, entry.entity_label) == ("update", "THUE / *")
    assert (entry.before, entry.after) == ({"unit": "BHXH"}, {"unit": "DUK"})
    rules.change_unit(rule, world.root, admin, MONDAY_9AM)  # no change, no entry
    assert len(_entries(db)) == 2
    db.session.get(Unit, world.bhxh).active = False
    with pytest.raises(InvalidInput) as err:
        rules.change_unit(rule, world.bhxh, admin, MONDAY_9AM)
    assert err.value.field == "unit_id" and rule.unit_id == world.root


def test_removing_a_rule_falls_back_and_keeps_what_it_was(db, world, admin):
    rule = rules.add_rule(world.tax, "Xã Củ Chi", world.bhxh, admin, MONDAY_9AM)
    rule_id = rule.id
    rules.remove_rule(rule, admin, MONDAY_9AM)
    assert db.session.get(RoutingRule, rule_id) is None
    entry = _entries(db)[-1]
    assert (entry.action, entry.entity_id, entry.after) == ("delete", rule_id, None)
    assert entry.before == {"category": "THUE", "ward": "Xã Củ Chi", "unit": "BHXH"}
    assert routing.choose_unit(db.session.get(Category, world.tax), "Xã Củ Chi").id == world.thue


def test_the_tester_explains_each_way_a_case_can_go(db, world, admin):
    rules.add_rule(world.tax, "", world.root, admin, MONDAY_9AM)
    rules.add_rule(world.tax, "Phường Sài Gòn", world.bhxh, admin, MONDAY_9AM)

    choice = rules.try_routing(world.tax, "phuong  sai gon")
    assert (choice.unit.id, choice.reason, choice.rule.ward) == (world.bhxh, "ward_rule", "Phường Sài Gòn")
    choice = rules.try_routing(world.tax, "Phường Bến Thành")
    assert (choice.unit.id, choice.reason, choice.rule.ward) == (world.root, "any_ward_rule", "")
    choice = rules.try_routing(world.insurance, "Phường Sài Gòn")
    assert (choice.unit.id, choice.reason, choice.rule) == (world.bhxh, "default_unit", None)
    choice = rules.try_routing(world.other, "")
    assert (choice.unit, choice.reason) == (None, "triage")

    # a rule whose unit is closed is skipped, and the tester says what decides instead
    db.session.get(Unit, world.bhxh).active = False
    choice = rules.try_routing(world.tax, "Phường Sài Gòn")
    assert (choice.unit.id, choice.reason) == (world.root, "any_ward_rule")
    assert _entries(db)[-1].action == "create"  # trying changes nothing
    assert len(_entries(db)) == 2


def test_the_tester_refuses_what_it_cannot_try(db, world):
    for category, ward, field in ((None, "", "category_id"), (987654, "", "category_id"),
                                  (world.tax, "x" * 101, "ward")):
        with pytest.raises(InvalidInput) as err:
            rules.try_routing(category, ward)
        assert err.value.field == field


def test_rules_are_listed_by_category_then_ward(db, world, admin):
    rules.add_rule(world.insurance, "", world.thue, admin, MONDAY_9AM)
    rules.add_rule(world.tax, "Phường Sài Gòn", world.bhxh, admin, MONDAY_9AM)
    rules.add_rule(world.tax, "", world.root, admin, MONDAY_9AM)
    listed = [(r.category.code, r.ward) for r in rules.all_rules()]
    tax, insurance = (db.session.get(Category, i) for i in (world.tax, world.insurance))
    tax_first = (tax.position, tax.code) < (insurance.position, insurance.code)
    expected_tax = [("THUE", ""), ("THUE", "Phường Sài Gòn")]
    expected = expected_tax + [("BHXH", "")] if tax_first else [("BHXH", "")] + expected_tax
    assert listed == expected


def test_a_rule_cannot_send_cases_to_a_campaign_only_unit(db, world, admin):
    db.session.get(Unit, world.bhxh).handles_cases = False
    with pytest.raises(InvalidInput) as err:
        rules.add_rule(world.tax, "", world.bhxh, admin, MONDAY_9AM)
    assert err.value.field == "unit_id"
    assert _entries(db) == []
