"""A tố cáo's reporter is kept confidential (Luật Tố cáo 2018): app/cases/access.py.

Every role × every relation to a case: only the head of the unit holding a tố cáo and the
officer assigned to it see who sent it. The SQL filters the queue's search and the hotline
desk use give the same answer as the Python rule, case by case.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.cases import access, kinds, lifecycle
from app.core.errors import InvalidInput
from app.models import Case, User
from tests.factories import EMAILS, MONDAY_9AM
from tests.workspace import (
    HOUR,
    SECRET,
    SECRET_EMAILS,
    case_by_ref,
    make_secret_desk,
    secret_user,
    staff,
    unit,
)

USERS = (*EMAILS, *SECRET_EMAILS)
# Who sees each case's contact in full; written out by hand.
SEES = {
    # Held by Cục Thuế and assigned to officer_thue.
    "secret": {"head_thue", "officer_thue"},
    # Taken in by the operator for BHXH, transferred to Cục Thuế, not assigned there.
    "secret_moved": {"head_thue"},
    # A phản ánh: the unit holding it, the committee and admins.
    "plain": {"head_thue", "officer_thue", "officer2_thue", "committee", "admin"},
}
# Who may open each case page at all (the confidentiality hides the reporter, not the case).
VIEWS = {
    "secret": {"head_thue", "officer_thue", "officer2_thue", "committee", "admin"},
    "secret_moved": {"head_thue", "officer_thue", "officer2_thue", "committee", "admin",
                     "operator", "officer_bhxh", "head_bhxh"},
    "plain": {"head_thue", "officer_thue", "officer2_thue", "committee", "admin"},
}


@pytest.fixture
def desk(db, world):
    desk = make_secret_desk(world)
    db.session.commit()
    return desk


@pytest.mark.parametrize("case_key", list(SEES))
@pytest.mark.parametrize("key", USERS)
def test_who_sees_the_contact_of_each_case(db, desk, key, case_key):
    case = case_by_ref(desk.all()[case_key])
    viewer = secret_user(key)
    assert access.may_view_case(viewer, case) == (key in VIEWS[case_key])
    assert access.may_see_contact(viewer, case) == (key in SEES[case_key])
    assert access.may_see_attachments(viewer, case) == (key in SEES[case_key])
    secret = kinds.is_confidential(case) and key not in SEES[case_key]
    assert access.contact_is_secret(viewer, case) == secret


def test_nobody_signed_out_sees_a_reporter(db, desk):
    case = case_by_ref(desk.secret)
    assert not access.may_see_contact(AnonymousUserMixin(), case)
    assert not access.may_see_contact(None, case)
    assert access.contact_is_secret(None, case)


@pytest.mark.parametrize("key", USERS)
def test_the_sql_filters_agree_with_the_rule(db, desk, key):
    """The queue's search and the hotline desk select exactly what may_see_contact allows."""
    viewer = secret_user(key)
    cases = list(db.session.scalars(sa.select(Case).order_by(Case.id)))
    shown = set(db.session.scalars(
        sa.select(Case.id).where(access.visible_cases_filter(viewer),
                                 access.contact_visible_filter(viewer))))
    assert shown == {c.id for c in cases if access.may_see_contact(viewer, c)}
    matched = set(db.session.scalars(sa.select(Case.id).where(access.contact_match_filter(viewer))))
    assert matched == {c.id for c in cases if not access.contact_is_secret(viewer, c)}


def test_the_assignee_loses_sight_of_the_reporter_when_reassigned_or_transferred(db, desk):
    case = case_by_ref(desk.secret)
    lifecycle.assign(case, staff("head_thue"), secret_user("officer2_thue"), MONDAY_9AM + 2 * HOUR)
    assert access.may_see_contact(secret_user("officer2_thue"), case)
    assert not access.may_see_contact(secret_user("officer_thue"), case)
    lifecycle.transfer(case, staff("head_thue"), unit("BHXH"), "Thuộc lĩnh vực BHXH.",
                       MONDAY_9AM + 3 * HOUR)
    db.session.flush()
    assert not access.may_see_contact(secret_user("head_thue"), case)
    assert not access.may_see_contact(secret_user("officer2_thue"), case)
    assert access.may_see_contact(secret_user("head_bhxh"), case)
    assert not access.may_see_contact(secret_user("officer_bhxh"), case)


def test_a_case_reclassified_as_a_denunciation_hides_its_sender(db, desk):
    case = case_by_ref(desk.plain)
    committee = secret_user("committee")
    assert access.may_see_contact(committee, case)
    kinds.reclassify(case, staff("officer_thue"), "to_cao", "Nội dung là tố cáo cán bộ.",
                     MONDAY_9AM + HOUR)
    assert not access.may_see_contact(committee, case)
    assert not access.may_see_contact(secret_user("officer_thue"), case)
    assert access.may_see_contact(secret_user("head_thue"), case)


@pytest.mark.parametrize("text", [
    "Người tố cáo là Phạm Văn Kín, đề nghị xác minh.",
    "nguoi to cao: pham van kin",
    "Liên hệ 0912 345 678 để xác minh.",
    "Số +84 912.345.678 của người gửi.",
])
def test_text_naming_the_reporter_or_giving_their_number_is_caught(db, desk, text):
    assert access.reveals_reporter(case_by_ref(desk.secret), text)


@pytest.mark.parametrize("text", [
    "Nội dung thuộc lĩnh vực BHXH.",
    "Ông Phạm Văn Kínhh không liên quan.",  # another word, not the name
    "Mã số 0912 345 679.",
])
def test_other_text_is_not_caught(db, desk, text):
    assert not access.reveals_reporter(case_by_ref(desk.secret), text)


def test_a_transfer_reason_naming_the_reporter_is_refused(db, desk):
    case = case_by_ref(desk.secret)
    version = case.version
    with pytest.raises(InvalidInput) as refused:
        lifecycle.transfer(case, staff("officer_thue"), unit("BHXH"),
                           f"Ông {SECRET.name} gọi, đề nghị chuyển BHXH.", MONDAY_9AM + 2 * HOUR)
    assert refused.value.field == "reason"
    assert "giữ bí mật" in str(refused.value.message)
    assert case.unit_id == unit("THUE").id and case.version == version
    with pytest.raises(InvalidInput) as refused:
        lifecycle.transfer(case, staff("officer_thue"), unit("BHXH"), "Gọi lại số 0912345678.",
                           MONDAY_9AM + 2 * HOUR)
    assert refused.value.field == "reason"


def test_a_note_naming_the_reporter_is_refused(db, desk):
    with pytest.raises(InvalidInput) as refused:
        lifecycle.add_note(case_by_ref(desk.secret), staff("officer_thue"),
                           f"Đã gọi {SECRET.phone}.", MONDAY_9AM + 2 * HOUR)
    assert refused.value.field == "note"


def test_the_name_may_be_written_about_a_case_that_is_not_a_denunciation(db, desk):
    case = case_by_ref(desk.plain)
    event = lifecycle.transfer(case, staff("officer_thue"), unit("BHXH"),
                               "Bà Trần Thị Bình hỏi về BHXH.", MONDAY_9AM + 2 * HOUR)
    assert "Trần Thị Bình" in event.body


def test_the_hotline_desk_user_is_an_operator(db, desk):
    """The desk's operator is never one who handles a reporter: no tố cáo is matched for them."""
    operator: User = secret_user("operator")
    matched = set(db.session.scalars(
        sa.select(Case.reference).where(access.contact_match_filter(operator))))
    assert matched == {desk.plain}


def test_a_denunciation_asked_of_another_unit_keeps_its_reporter(db, desk):
    """BHXH, asked for input on Cục Thuế's tố cáo, reads the case and never who sent it."""
    from app.cases import cohandling

    case = case_by_ref(desk.secret)
    with pytest.raises(InvalidInput):
        cohandling.ask(case, staff("officer_thue"), unit("BHXH"), "Hỏi.",
                       MONDAY_9AM.date().replace(day=9), True, MONDAY_9AM + HOUR)
    cohandling.ask(case, staff("officer_thue"), unit("BHXH"), "Hỏi.",
                   MONDAY_9AM.date().replace(day=9), False, MONDAY_9AM + HOUR)
    db.session.commit()
    for key in ("head_bhxh", "officer_bhxh"):
        viewer = secret_user(key)
        assert access.may_view_case(viewer, case)
        assert not access.may_see_contact(viewer, case) and access.contact_is_secret(viewer, case)
        assert not any(access.may_see_attachment(viewer, case, a) for a in case.attachments
                       if a.request_id is None)
        assert case.id not in set(db.session.scalars(sa.select(Case.id).where(
            access.visible_cases_filter(viewer), access.contact_visible_filter(viewer))))
