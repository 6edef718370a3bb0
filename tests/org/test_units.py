"""Units as administrators change them; every change leaves its audit entry."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.core.errors import IllegalMove, InvalidInput
from app.models import AuditEntry, Category, Role, Unit, User
from app.org import units
from tests.factories import EMAILS, MONDAY_9AM, make_case


@pytest.fixture
def admin(db, world) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))


def _entries(db) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_create_normalises_the_code_and_records_it(db, world, admin):
    unit = units.create_unit(" q1 ", units.UnitDetails("  UBND Quận 1 ", parent_id=world.root),
                             admin, MONDAY_9AM)
    assert (unit.code, unit.name, unit.parent_id, unit.name_en) == ("Q1", "UBND Quận 1", world.root, None)
    [entry] = _entries(db)
    assert (entry.actor_id, entry.created_at, entry.action) == (admin.id, MONDAY_9AM, "create")


@pytest.mark.parametrize(("code", "field"), [("THUE", "code"), ("", "code"), ("Q 1", "code"),
                                             ("X" * 33, "code")])
def test_bad_codes(db, world, admin, code, field):
    with pytest.raises(InvalidInput) as err:
        units.create_unit(code, units.UnitDetails("Tên"), admin, MONDAY_9AM)
    assert err.value.field == field


def test_a_bad_email_is_refused(db, world, admin):
    with pytest.raises(InvalidInput) as err:
        units.create_unit("Q1", units.UnitDetails("Tên", email="not an email"), admin, MONDAY_9AM)
    assert err.value.field == "email"


def test_moves_that_would_make_a_loop_are_refused(db, world, admin):
    grandchild = units.create_unit("THUE-Q1", units.UnitDetails("Chi cục", parent_id=world.thue),
                                   admin, MONDAY_9AM)
    root = db.session.get(Unit, world.root)
    for target in (world.root, world.thue, grandchild.id):
        with pytest.raises(InvalidInput) as err:
            units.update_unit(root, units.UnitDetails(root.name, parent_id=target), admin, MONDAY_9AM)
        assert err.value.field == "parent_id"
    assert units.descendant_ids(world.root) == {world.thue, world.bhxh, grandchild.id}


def test_a_move_under_an_inactive_unit_is_refused(db, world, admin):
    bhxh = db.session.get(Unit, world.bhxh)
    units.set_unit_active(bhxh, False, admin, MONDAY_9AM)
    thue = db.session.get(Unit, world.thue)
    with pytest.raises(InvalidInput):
        units.update_unit(thue, units.UnitDetails(thue.name, parent_id=world.bhxh), admin, MONDAY_9AM)


def test_an_edit_that_changes_nothing_records_nothing(db, world, admin):
    thue = db.session.get(Unit, world.thue)
    moved = units.update_unit(thue, units.UnitDetails(thue.name, thue.name_en, None, world.root),
                              admin, MONDAY_9AM)
    units.set_unit_active(thue, True, admin, MONDAY_9AM)
    assert moved is False and _entries(db) == []


def test_a_deactivated_unit_takes_no_new_cases(db, world, admin):
    units.set_unit_active(db.session.get(Unit, world.thue), False, admin, MONDAY_9AM)
    case = make_case(db.session.get(Category, world.tax))
    assert case.unit_id is None  # triage
    assert [e.action for e in _entries(db)] == ["deactivate"]


def test_the_tree_counts_staff_and_open_cases(db, world, admin):
    make_case(db.session.get(Category, world.tax))
    make_case(db.session.get(Category, world.tax))
    [root] = units.unit_tree()
    assert root.unit.id == world.root and root.staff == 1  # the committee member
    thue = next(n for n in root.children if n.unit.id == world.thue)
    assert (thue.depth, thue.staff, thue.open_cases) == (1, 2, 2)
    assert [n.unit.code for n in units.flatten([root])] == ["DUK", "BHXH", "THUE"]
    assert units.unit_choices()[1] == (world.bhxh, "\u00a0\u00a0Bảo hiểm Xã hội TP HCM")
    assert db.session.scalar(sa.select(User.role).where(User.unit_id == world.root)) == Role.COMMITTEE


def _details(unit: Unit, handles: bool) -> units.UnitDetails:
    return units.UnitDetails(unit.name, unit.name_en, unit.email, unit.parent_id, handles_cases=handles)


def test_a_unit_stops_handling_cases_only_once_nothing_is_with_it_or_routed_to_it(db, world, admin):
    bhxh = db.session.get(Unit, world.bhxh)
    case = make_case(db.session.get(Category, world.insurance))
    assert case.unit_id == bhxh.id
    with pytest.raises(IllegalMove) as err:
        units.update_unit(bhxh, _details(bhxh, False), admin, MONDAY_9AM)
    assert err.value.field == "handles_cases" and "chuyển đơn vị xử lý" in str(err.value.message)
    case.status = "closed"
    with pytest.raises(IllegalMove) as err:  # the insurance category still sends cases there
        units.update_unit(bhxh, _details(bhxh, False), admin, MONDAY_9AM)
    assert "Vui lòng thay đổi các thiết lập đó trước" in str(err.value.message)
    db.session.get(Category, world.insurance).default_unit = None
    db.session.flush()
    units.update_unit(bhxh, _details(bhxh, False), admin, MONDAY_9AM)
    assert not bhxh.handles_cases and not units.receives_cases(bhxh)
    entry = _entries(db)[-1]
    assert (entry.action, entry.before, entry.after) == (
        "update", {"handles_cases": True}, {"handles_cases": False})


def test_a_new_campaign_only_unit(db, world, admin):
    cell = units.create_unit("CB1", units.UnitDetails("Chi bộ Văn phòng", parent_id=world.thue,
                                                       handles_cases=False), admin, MONDAY_9AM)
    assert not cell.handles_cases
    assert _entries(db)[-1].after["handles_cases"] is False
    assert cell.id not in {unit_id for unit_id, _name in units.unit_choices(receiving=True)}
    assert cell.id in {unit_id for unit_id, _name in units.unit_choices()}


def test_pickers_group_the_offered_units_under_their_parent_in_tree_order(db, world):
    """Only the units offered; one group per parent, groups and units in the tree's order
    (by code under each parent); a top-level unit in its own group."""
    root, thue, bhxh = (db.session.get(Unit, i) for i in (world.root, world.thue, world.bhxh))
    cell = Unit(code="THUE-1", name="Chi bộ 1", parent=thue)
    db.session.add(cell)
    db.session.flush()
    grouped = units.grouped_choices([cell, thue, bhxh, root], "vi")
    assert list(grouped) == [str(units.TOP_OF_TREE), "Đảng ủy Khối", "Cục Thuế TP HCM"]
    assert grouped["Đảng ủy Khối"] == [(bhxh.id, "Bảo hiểm Xã hội TP HCM"),
                                       (thue.id, "Cục Thuế TP HCM")]
    assert grouped["Cục Thuế TP HCM"] == [(cell.id, "Chi bộ 1")]
    # A group is named after its parent even when the parent itself is not offered.
    assert units.grouped_choices([cell], "en") == {"Cục Thuế TP HCM (en)": [(cell.id, "Chi bộ 1")]}
    assert units.grouped_choices([], "vi") == {}
