"""Who may see and do what: app/cases/access.py."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from sqlalchemy import event

from app.cases import access, lifecycle, queries
from app.cases.access import CaseAction
from app.models import Campaign, CampaignStatus, CampaignWork, Case, ExportJob, Unit, User
from tests.factories import EMAILS, MONDAY_9AM, make_unit
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


def test_the_contact_filter_agrees_with_the_contact_check_for_every_role(db, desk):
    every_case = list(db.session.scalars(sa.select(Case)))
    for key in EMAILS:
        account = user(key)
        searchable = set(db.session.scalars(
            sa.select(Case.reference).where(access.visible_cases_filter(account),
                                            access.contact_visible_filter(account))))
        shown = {case.reference for case in every_case if access.may_see_contact(account, case)}
        assert searchable == shown, key


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


# The lifecycle's staff moves: one table of who may take each action.

def test_every_action_has_its_takers_and_every_staff_move_names_an_action():
    assert set(access.TAKERS) == set(CaseAction)
    assert all(access.TAKERS.values())
    for move, rule in lifecycle.RULES.items():
        assert rule.action is not None or rule.non_staff, move


def test_staff_moves_follow_the_access_table(db, desk):
    # Whatever the case's state allows, a staff member makes a move exactly when
    # access lets them take its action: the lifecycle keeps no list of roles of its own.
    for name, reference in desk.all().items():
        case = case_by_ref(reference)
        for key in EMAILS:
            account = user(key)
            expected = {
                move for move, rule in lifecycle.RULES.items()
                if case.status in rule.sources and rule.action is not None
                and access.may_act(account, case, rule.action)
            }
            assert lifecycle.allowed_moves(case, staff(key)) == expected, (name, key)


def test_the_citizen_and_the_system_make_only_their_own_moves(db, desk):
    triage = case_by_ref(desk.triage)
    assert lifecycle.allowed_moves(triage, lifecycle.SYSTEM_ACTOR) == {lifecycle.Move.ROUTE}
    assert lifecycle.allowed_moves(triage, lifecycle.CITIZEN_ACTOR) == set()
    assert lifecycle.Move.ROUTE in lifecycle.allowed_moves(triage, staff("operator"))
    thue = case_by_ref(desk.thue)
    assert lifecycle.allowed_moves(thue, lifecycle.CITIZEN_ACTOR) == set()
    assert lifecycle.allowed_moves(thue, lifecycle.SYSTEM_ACTOR) == set()


def test_who_counts_as_unit_staff(db, desk):
    assert [key for key in EMAILS if access.is_unit_staff(user(key))] == [
        "head_thue", "officer_thue", "officer_bhxh"]
    assert not access.is_unit_staff(None)


def test_cases_are_given_only_to_active_staff_of_the_unit(db, desk):
    thue = unit("THUE").id
    assert [key for key in EMAILS if access.may_be_assigned(user(key), thue)] == [
        "head_thue", "officer_thue"]
    assert not access.may_be_assigned(user("officer_thue"), None)
    listed = set(db.session.scalars(sa.select(User.email).where(access.assignable_filter(thue))))
    assert listed == {EMAILS["head_thue"], EMAILS["officer_thue"]}
    user("officer_thue").active = False
    assert not access.may_be_assigned(user("officer_thue"), thue)
    db.session.flush()
    listed = set(db.session.scalars(sa.select(User.email).where(access.assignable_filter(thue))))
    assert listed == {EMAILS["head_thue"]}


# The queue, the hotline desk and triage.

def test_everyone_on_staff_has_a_queue_and_only_active_operators_take_calls(db, desk):
    assert all(access.may_use_queue(user(key)) for key in EMAILS)
    assert not access.may_use_queue(None)
    assert not access.may_use_queue(AnonymousUserMixin())
    assert [key for key in EMAILS if access.may_take_calls(user(key))] == ["operator"]
    assert [key for key in EMAILS if access.may_triage(user(key))] == ["operator"]
    operator = user("operator")
    operator.active = False
    assert not access.may_take_calls(operator) and not access.may_triage(operator)


def test_a_call_links_only_to_an_earlier_case_still_open(db, desk):
    operator = user("operator")
    taken_in = case_by_ref(desk.taken_in)
    assert access.may_link_call(operator, taken_in)
    assert not access.may_link_call(user("officer_bhxh"), taken_in)
    lifecycle.reject(case_by_ref(desk.triage), staff("operator"), "Trùng lặp.",
                     MONDAY_9AM + HOUR)
    assert not access.may_link_call(operator, case_by_ref(desk.triage))


def test_a_call_links_to_a_case_the_operator_cannot_open_only_from_its_citizen(db, desk):
    operator = user("operator")
    thue = case_by_ref(desk.thue)  # Cục Thuế's case, from +84901234567
    assert not access.may_view_case(operator, thue)
    assert not access.may_link_call(operator, thue)
    assert not access.may_link_call(operator, thue, "0909 999 999")
    assert not access.may_link_call(operator, thue, "not a number")
    assert access.may_link_call(operator, thue, "090 123 4567")
    assert access.may_link_call(operator, thue, "+84901234567")
    assert not access.may_link_call(user("officer_thue"), thue, "+84901234567")
    bhxh = case_by_ref(desk.bhxh)  # anonymous: no number can be its citizen's
    assert bhxh.citizen_phone is None and not access.may_link_call(operator, bhxh, "")


# Scorecards and exports.

def test_who_reads_the_scorecards_and_of_which_units(db, desk):
    sub = make_unit("THUE-Q1", "Chi cục Thuế Quận 1", unit("THUE"))
    units = list(db.session.scalars(sa.select(Unit)))
    assert [key for key in EMAILS if access.may_view_scorecards(user(key))] == [
        "admin", "committee", "head_thue"]
    assert access.scorecard_unit_ids(user("committee"), units) is None
    assert access.scorecard_unit_ids(user("admin"), units) is None
    # A unit head reads their unit and the units under it, not their neighbours.
    assert access.scorecard_unit_ids(user("head_thue"), units) == {unit("THUE").id, sub.id}
    for key in ("officer_thue", "operator"):
        assert access.scorecard_unit_ids(user(key), units) == set()
    assert access.may_view_unit_scorecard(user("head_thue"), sub, units)
    assert not access.may_view_unit_scorecard(user("head_thue"), unit("BHXH"), units)
    assert not access.may_view_unit_scorecard(user("officer_thue"), unit("THUE"), units)
    assert access.may_view_unit_scorecard(user("committee"), unit("BHXH"), units)
    assert not access.may_view_scorecards(None)


def test_who_exports_what_and_who_downloads_the_file(db, desk):
    assert [key for key in EMAILS if access.may_export(user(key), "scorecard")] == [
        "admin", "committee", "head_thue"]
    assert all(access.may_export(user(key), "cases") for key in EMAILS)
    assert not access.may_export(user("admin"), "everything")
    assert not access.may_export(None, "cases")
    job = ExportJob(user_id=user("head_thue").id, kind="cases", file_format="csv")
    assert [key for key in EMAILS if access.may_see_export(user(key), job)] == ["head_thue"]
    assert not access.may_see_export(None, job)


# Campaigns.

def test_who_reads_edits_and_commends_in_campaigns(db, desk):
    assert [key for key in EMAILS if access.may_view_campaigns(user(key))] == [
        "admin", "committee", "head_thue", "officer_thue", "officer_bhxh"]
    assert [key for key in EMAILS if access.may_edit_campaigns(user(key))] == ["admin"]
    assert [key for key in EMAILS if access.may_commend(user(key))] == ["admin", "committee"]
    assert not access.may_view_campaigns(None) and not access.may_commend(None)


def test_units_register_and_carry_out_their_works_and_the_committee_recognises_them(db, desk):
    campaign = Campaign(status=CampaignStatus.OPEN.value)
    registering = [key for key in EMAILS if access.may_register_work(user(key), campaign)]
    assert registering == ["head_thue", "officer_thue", "officer_bhxh"]
    campaign.status = CampaignStatus.CLOSED.value
    assert not any(access.may_register_work(user(key), campaign) for key in EMAILS)
    work = CampaignWork(unit_id=unit("THUE").id)
    assert [key for key in EMAILS if access.may_progress_work(user(key), work)] == [
        "head_thue", "officer_thue"]
    assert [key for key in EMAILS if access.may_recognise_work(user(key), work)] == ["committee"]


# The admin console.

def test_only_active_admins_run_the_console_and_its_api_keys(db, desk):
    assert [key for key in EMAILS if access.may_administer(user(key))] == ["admin"]
    admin = user("admin")
    admin.active = False
    assert not access.may_administer(admin)
    assert not access.may_administer(AnonymousUserMixin())


# Nobody else decides.

ROLE_TEST = re.compile(r"\.role\b\s*(==|!=|\bin\b|\bnot in\b)|has_role|\bRole\.[A-Z_]+")
ROOT = Path(__file__).resolve().parents[2]


def test_templates_ask_access_and_never_list_roles():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ROLE_TEST.search(line) or re.search(r"['\"](officer|unit_head|committee)['\"]", line)
    ]
    assert offenders == []


@pytest.mark.parametrize("package", ["scoring", "web"])
def test_scoring_and_the_web_test_no_role_themselves(package):
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "app" / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ROLE_TEST.search(line)
    ]
    assert offenders == []


def test_unit_staff_are_defined_once():
    # The roles of a unit's staff are spelled out in the model, nowhere else in the app.
    spelled = re.compile(r"Role\.OFFICER\b[^\n]*Role\.UNIT_HEAD\b|Role\.UNIT_HEAD\b[^\n]*Role\.OFFICER\b")
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "app").rglob("*.py"))
        if spelled.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == ["app/models/users.py"]


# Co-handling: a case of Cục Thuế asked of BHXH (contact shared) and of a third unit.

OFFICER_TNMT = "officer.tnmt@test.vn"


@pytest.fixture
def asked(db, desk):
    """The tax case asked of BHXH (contact shared) and of TNMT; both answered, a file each
    from the citizen and from BHXH, an internal note of Cục Thuế."""
    import io

    from app.cases import attachments, cohandling
    from app.cases.attachments import Upload
    from app.models import Role
    from tests.factories import make_user
    from tests.uploads import png

    case = case_by_ref(desk.thue)
    tnmt = make_unit("TNMT", "Sở Tài nguyên và Môi trường", unit("DUK"))
    make_user(OFFICER_TNMT, Role.OFFICER, tnmt)
    lifecycle.acknowledge(case, staff("officer_thue"), MONDAY_9AM + HOUR)
    lifecycle.add_note(case, staff("officer_thue"), "Ghi chú nội bộ.", MONDAY_9AM + HOUR)
    attachments.store(case, [attachments.clean(Upload("anh.png", io.BytesIO(png())), "f")],
                      attachments.Uploader.CITIZEN, MONDAY_9AM)
    now, day = MONDAY_9AM + 2 * HOUR, MONDAY_9AM.date().replace(day=9)
    to_bhxh = cohandling.ask(case, staff("officer_thue"), unit("BHXH"), "Hỏi BHXH.", day, True, now)
    to_tnmt = cohandling.ask(case, staff("officer_thue"), tnmt, "Hỏi TNMT.", day, False, now)
    cohandling.contribute(to_bhxh, staff("officer_bhxh"), "Ý kiến BHXH.", now + HOUR,
                          files=[Upload("bhxh.png", io.BytesIO(png()))])
    tnmt_user = db.session.scalar(sa.select(User).where(User.email == OFFICER_TNMT))
    cohandling.contribute(to_tnmt, lifecycle.Actor.staff(tnmt_user), "Ý kiến TNMT.", now + HOUR)
    db.session.commit()
    return queries.case_by_reference(desk.thue)


def _tnmt(db):
    return db.session.scalar(sa.select(User).where(User.email == OFFICER_TNMT))


def test_each_asked_unit_reads_the_case_and_only_its_own_request(db, asked):
    bhxh, tnmt, lead = user("officer_bhxh"), _tnmt(db), user("officer_thue")
    for viewer in (bhxh, tnmt):
        assert access.may_view_case(viewer, asked) and access.only_contributes(viewer, asked)
        assert not access.reads_whole_case(viewer, asked)
        # Its request answered, it takes no action on the case any more.
        assert not any(access.may_act(viewer, asked, action) for action in CaseAction)
    seen = {key: [r.unit.code for r in asked.cohandling_requests
                  if access.may_see_request(account, r)]
            for key, account in {"bhxh": bhxh, "tnmt": tnmt, "lead": lead,
                                 "head": user("head_thue"), "committee": user("committee"),
                                 "admin": user("admin"), "operator": user("operator")}.items()}
    assert seen == {"bhxh": ["BHXH"], "tnmt": ["TNMT"], "lead": ["BHXH", "TNMT"],
                    "head": ["BHXH", "TNMT"], "committee": ["BHXH", "TNMT"],
                    "admin": ["BHXH", "TNMT"], "operator": []}


def test_an_asked_unit_reads_the_public_timeline_and_its_own_entries(db, asked):
    bodies = lambda viewer: [e.body for e in access.visible_events(viewer, asked)]  # noqa: E731
    bhxh, tnmt = bodies(user("officer_bhxh")), bodies(_tnmt(db))
    assert "Hỏi BHXH." in bhxh and "Ý kiến BHXH." in bhxh
    assert "Hỏi TNMT." not in bhxh and "Ý kiến TNMT." not in bhxh
    assert "Ý kiến TNMT." in tnmt and "Ý kiến BHXH." not in tnmt
    assert "Ghi chú nội bộ." not in bhxh + tnmt
    lead = bodies(user("officer_thue"))
    assert {"Ghi chú nội bộ.", "Ý kiến BHXH.", "Ý kiến TNMT."} <= set(lead)
    assert all(e.is_public or e.kind.startswith("cohandling")
               for e in access.visible_events(_tnmt(db), asked))


def test_the_contact_shows_only_where_it_was_shared(db, asked):
    assert access.may_see_contact(user("officer_bhxh"), asked)
    assert not access.may_see_contact(_tnmt(db), asked)
    every_case = list(db.session.scalars(sa.select(Case)))
    for account in (user("officer_bhxh"), _tnmt(db), user("head_thue"), user("officer_thue")):
        listed = set(db.session.scalars(sa.select(Case.id).where(
            access.visible_cases_filter(account))))
        assert listed == {c.id for c in every_case if access.may_view_case(account, c)}
        searchable = set(db.session.scalars(sa.select(Case.id).where(
            access.visible_cases_filter(account), access.contact_visible_filter(account))))
        assert searchable == {c.id for c in every_case if access.may_see_contact(account, c)}


def test_files_go_with_their_request_and_the_citizens_to_every_asked_unit(db, asked):
    names = lambda viewer: sorted(a.original_name for a in asked.attachments  # noqa: E731
                                  if access.may_see_attachment(viewer, asked, a))
    assert names(user("officer_bhxh")) == ["anh.png", "bhxh.png"]
    assert names(_tnmt(db)) == ["anh.png"]
    assert names(user("officer_thue")) == names(user("committee")) == ["anh.png", "bhxh.png"]
    assert names(user("operator")) == []
    assert [a.original_name for a in access.visible_attachments(user("officer_thue"), asked)] == [
        "anh.png"]  # contributions' files show with their request
    assert not any(access.citizen_may_see_attachment(a) for a in asked.attachments
                   if a.request_id)


def test_an_open_request_lets_its_unit_contribute_and_nothing_else(db, desk):
    from app.cases import cohandling

    case = case_by_ref(desk.thue)
    cohandling.ask(case, staff("officer_thue"), unit("BHXH"), "Hỏi.",
                   MONDAY_9AM.date().replace(day=9), False, MONDAY_9AM + HOUR)
    db.session.commit()
    allowed = {a for a in CaseAction if access.may_act(user("officer_bhxh"), case, a)}
    assert allowed == {CaseAction.CONTRIBUTE}
    assert not access.may_act(user("officer_thue"), case, CaseAction.CONTRIBUTE)
