"""Working cases: app/cases/casework.py, and the version check it relies on."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.cases import casework, lifecycle
from app.core import errors
from app.models import Case, CaseStatus, EventKind
from tests.factories import EMAILS, MONDAY_9AM
from tests.workspace import HOUR, case_by_ref, make_desk, staff, unit, user


@pytest.fixture
def desk(db, world):
    desk = make_desk(world)
    db.session.commit()
    return desk


def test_the_version_check_refuses_a_stale_version_and_changes_nothing(db, desk):
    case = case_by_ref(desk.thue)
    seen = case.version
    lifecycle.check_version(case, seen)  # current: fine
    lifecycle.check_version(case, None)  # no version given (system jobs): fine
    lifecycle.acknowledge(case, staff("officer_thue"), MONDAY_9AM + HOUR, seen)
    db.session.commit()
    assert case.version == seen + 1
    with pytest.raises(errors.VersionConflict):
        lifecycle.check_version(case, seen)
    events = len(case.events)
    with pytest.raises(errors.VersionConflict):
        casework.assign_case(case, staff("head_thue"), user("head_thue").id, MONDAY_9AM, seen)
    assert case.assignee.email == EMAILS["officer_thue"] and len(case.events) == events


def test_a_write_racing_another_is_caught_by_the_database_version(db, app, desk):
    """Two sessions read version n; the second UPDATE finds no row at version n."""
    case = case_by_ref(desk.thue)
    db.session.expunge(case)  # keep what this request read...
    db.session.commit()  # ...and end its transaction (SQLite would otherwise lock the rival)
    with app.app_context():  # another request, with its own session
        from app.extensions import db as other

        rival = other.session.scalar(sa.select(Case).where(Case.reference == desk.thue))
        lifecycle.reject(rival, staff("officer_thue"), "Trùng lặp.", MONDAY_9AM + HOUR)
        other.session.commit()
    db.session.add(case)
    lifecycle.acknowledge(case, staff("officer_thue"), MONDAY_9AM + HOUR, case.version)
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    assert case_by_ref(desk.thue).status == CaseStatus.REJECTED


def test_available_actions_follow_the_state_and_the_policy(db, desk):
    thue = case_by_ref(desk.thue)
    officer, head = user("officer_thue"), user("head_thue")
    assert casework.available_actions(thue, officer) == {
        "acknowledge", "transfer", "reject", "guide", "note", "request_extension", "reclassify"}
    assert casework.available_actions(thue, head) == {
        "acknowledge", "transfer", "reject", "guide", "note", "assign", "request_extension",
        "reclassify"}
    lifecycle.acknowledge(thue, staff("officer_thue"), MONDAY_9AM + HOUR)
    assert casework.available_actions(thue, officer) == {
        "ask_citizen", "transfer", "respond", "guide", "note", "request_extension", "reclassify"}
    lifecycle.ask_citizen(thue, staff("officer_thue"), "?", MONDAY_9AM + HOUR)
    assert casework.available_actions(thue, officer) == {"resume", "note", "request_extension",
                                                         "reclassify"}
    assert casework.available_actions(case_by_ref(desk.moved), officer) == frozenset()
    assert casework.available_actions(thue, user("committee")) == frozenset()
    assert casework.available_actions(case_by_ref(desk.triage), user("operator")) == {
        "route", "reject", "guide", "reclassify"}


def test_changes_since_lists_the_entries_after_the_one_seen(db, desk):
    case = case_by_ref(desk.thue)
    seen = casework.latest_event_id(case)
    lifecycle.add_note(case, staff("head_thue"), "Xem gấp.", MONDAY_9AM + HOUR)
    lifecycle.acknowledge(case, staff("officer_thue"), MONDAY_9AM + HOUR)
    db.session.commit()
    changes = casework.changes_since(case, seen)
    assert [(e.kind, e.body) for e in changes] == [
        (EventKind.INTERNAL_NOTE, "Xem gấp."), (EventKind.STATUS, "")]
    assert casework.changes_since(case, casework.latest_event_id(case)) == []


def test_transfer_and_assignment_choices(db, desk):
    case = case_by_ref(desk.thue)
    targets = casework.transfer_targets(case)
    assert [u.code for u in targets] == ["BHXH", "DUK"]
    # Plain values with the names and parent the lists show, as the units have them.
    for target in targets:
        real = unit(target.code)
        assert (target.id, target.name, target.display_name("en")) == (
            real.id, real.name, real.display_name("en"))
        assert (target.parent.id if target.parent else None) == real.parent_id
        if real.parent is not None:
            assert target.parent.display_name("vi") == real.parent.display_name("vi")
    unit("BHXH").active = False
    assert [u.code for u in casework.transfer_targets(case)] == ["DUK"]
    assert [u.email for u in casework.unit_officers(case.unit_id)] == [
        EMAILS["head_thue"], EMAILS["officer_thue"]]
    user("officer_thue").active = False
    assert [u.email for u in casework.unit_officers(case.unit_id)] == [EMAILS["head_thue"]]
    assert casework.unit_officers(None) == []
    with pytest.raises(errors.InvalidInput) as err:
        casework.transfer_case(case, staff("officer_thue"), 999_999, "Lý do.", MONDAY_9AM)
    assert err.value.field == "unit"
    with pytest.raises(errors.InvalidInput) as err:
        casework.assign_case(case, staff("head_thue"), None, MONDAY_9AM)
    assert err.value.field == "officer"


def test_bulk_assignment_assigns_reports_conflicts_and_refuses_the_rest(db, desk, world):
    from app.models import Category
    from tests.factories import make_case

    tax = db.session.get(Category, world.tax)
    first, second = make_case(tax, title="Một"), make_case(tax, title="Hai")
    db.session.commit()
    selection = [(first.reference, first.version), (second.reference, second.version),
                 (desk.bhxh, 1), (desk.moved, 2), ("2026-999999", 1), (first.reference, 99)]
    lifecycle.acknowledge(second, staff("officer_thue"), MONDAY_9AM + HOUR)  # a change meanwhile
    db.session.commit()
    outcome = casework.bulk_assign(user("head_thue"), user("head_thue").id, selection,
                                   MONDAY_9AM + 2 * HOUR)
    db.session.commit()
    assert [c.reference for c in outcome.assigned] == [first.reference]
    assert [c.reference for c in outcome.conflicts] == [second.reference]
    assert [ref for ref, _why in outcome.refused] == [desk.bhxh, desk.moved, "2026-999999"]
    assert first.assignee.email == EMAILS["head_thue"]
    assert second.assignee.email == EMAILS["officer_thue"]  # left alone
    assert case_by_ref(desk.moved).assignee is None


@pytest.mark.parametrize("who, officer, error", [
    ("officer_thue", "officer_thue", errors.NotPermitted),
    ("committee", "officer_thue", errors.NotPermitted),
    ("head_thue", "officer_bhxh", errors.InvalidInput),
    ("head_thue", None, errors.InvalidInput),
])
def test_bulk_assignment_is_for_unit_heads_and_their_officers(db, desk, who, officer, error):
    officer_id = user(officer).id if officer else None
    with pytest.raises(error):
        casework.bulk_assign(user(who), officer_id, [(desk.thue, 1)], MONDAY_9AM)
    assert case_by_ref(desk.thue).assignee is None


def test_bulk_assignment_needs_a_selection(db, desk):
    with pytest.raises(errors.InvalidInput) as err:
        casework.bulk_assign(user("head_thue"), user("officer_thue").id, [], MONDAY_9AM)
    assert err.value.field == "cases"


def test_a_campaign_only_unit_is_no_transfer_target_and_cannot_be_sent_a_case(db, desk):
    """Party cells take part in the campaign only: not listed, and a posted transfer is refused."""
    case = case_by_ref(desk.thue)
    unit("BHXH").handles_cases = False
    assert [u.code for u in casework.transfer_targets(case)] == ["DUK"]
    with pytest.raises(errors.InvalidInput) as err:
        casework.transfer_case(case, staff("officer_thue"), unit("BHXH").id, "Lý do.", MONDAY_9AM)
    assert err.value.field == "unit" and "chỉ tham gia phong trào" in str(err.value.message)
    assert case.unit.code == "THUE"
