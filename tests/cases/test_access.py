"""Who may see and do what: app/cases/access.py."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.cases import access, lifecycle, queries
from app.cases.access import CaseAction
from app.models import Case
from tests.factories import EMAILS, MONDAY_9AM
from tests.workspace import HOUR, case_by_ref, make_desk, staff, unit, user


@pytest.fixture
def desk(db, world):
    desk = make_desk(world)
    db.session.commit()
    return desk


def test_unit_staff_read_the_cases_their_unit_transferred_away_but_cannot_act(db, desk):
    moved = queries.case_by_reference(desk.moved)
    for key in ("officer_thue", "head_thue"):
        officer = user(key)
        assert access.transferred_away(officer, moved)
        assert access.may_view_case(officer, moved)
        assert not any(access.may_act(officer, moved, action) for action in CaseAction)
        # Read-only: the citizen's contact details stay with the unit that holds the case.
        assert not access.may_see_contact(officer, moved)
    assert access.may_act(user("officer_bhxh"), moved, CaseAction.RESPOND)
    assert not access.transferred_away(user("officer_bhxh"), moved)


def test_a_case_transferred_back_is_the_unit_own_again(db, desk):
    moved = case_by_ref(desk.moved)
    lifecycle.acknowledge(moved, staff("officer_bhxh"), MONDAY_9AM + 2 * HOUR)
    lifecycle.transfer(moved, staff("officer_bhxh"), unit("THUE"), "Trả lại.", MONDAY_9AM + 3 * HOUR)
    db.session.commit()
    assert not access.transferred_away(user("officer_thue"), moved)
    assert access.may_act(user("officer_thue"), moved, CaseAction.ACKNOWLEDGE)
    # Now BHXH transferred it away: BHXH reads it, no longer works it.
    assert access.transferred_away(user("officer_bhxh"), moved)
    assert not access.may_act(user("officer_bhxh"), moved, CaseAction.NOTE)


def test_who_reads_what(db, desk):
    cases = {name: queries.case_by_reference(ref) for name, ref in desk.all().items()}
    readable = {
        key: {name for name, case in cases.items() if access.may_view_case(user(key), case)}
        for key in EMAILS
    }
    assert readable == {
        "admin": set(cases),
        "committee": set(cases),
        "operator": {"triage", "taken_in"},
        "head_thue": {"thue", "moved"},
        "officer_thue": {"thue", "moved"},
        "officer_bhxh": {"bhxh", "moved", "taken_in"},
    }
    assert not access.may_view_case(None, cases["thue"])


def test_the_list_filter_agrees_with_the_page_check_for_every_role(db, desk):
    moved = case_by_ref(desk.moved)
    lifecycle.acknowledge(moved, staff("officer_bhxh"), MONDAY_9AM + 2 * HOUR)
    lifecycle.reject(case_by_ref(desk.triage), staff("operator"), "Trùng lặp.",
                    MONDAY_9AM + 2 * HOUR)
    db.session.commit()
    every_case = list(db.session.scalars(sa.select(Case)))
    for key in EMAILS:
        account = user(key)
        listed = set(db.session.scalars(
            sa.select(Case.reference).where(access.visible_cases_filter(account))))
        allowed = {case.reference for case in every_case if access.may_view_case(account, case)}
        assert listed == allowed, key


def test_only_admins_and_committee_read_all_and_only_unit_heads_assign(db, desk):
    thue = queries.case_by_reference(desk.thue)
    assert access.may_act(user("head_thue"), thue, CaseAction.ASSIGN)
    assert not access.may_act(user("officer_thue"), thue, CaseAction.ASSIGN)
    for key in ("admin", "committee"):
        assert access.may_view_case(user(key), thue)
        assert not any(access.may_act(user(key), thue, action) for action in CaseAction)
    assert [key for key in EMAILS if access.may_assign_in_bulk(user(key))] == ["head_thue"]


def test_an_inactive_unit_head_cannot_assign(db, desk):
    head = user("head_thue")
    head.active = False
    assert not access.may_assign_in_bulk(head)
    assert not access.may_act(head, queries.case_by_reference(desk.thue), CaseAction.ASSIGN)


def test_the_page_check_reads_the_loaded_timeline_without_more_queries(db, desk):
    moved = queries.case_by_reference(desk.moved)
    officer = user("officer_thue")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert access.may_view_case(officer, moved)
        assert not access.may_act(officer, moved, CaseAction.NOTE)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert statements == []
