"""The operator's side: finding a category by folded words, a caller's earlier cases,
linking a call to one of them, and routing from triage."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.core import errors
from app.intake import hotline
from app.models import Case, CaseStatus, Category, EventKind, Unit, User
from tests.factories import EMAILS, MONDAY_9AM, make_case


def user(db, key: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))


def names(categories) -> list[str]:
    return [c.name_vi for c in categories]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("thue", ["Thuế"]),
        ("THUẾ", ["Thuế"]),
        ("  Thu ", ["Thuế"]),
        ("bao hiem", ["Bảo hiểm xã hội"]),
        ("insurance", ["Bảo hiểm xã hội"]),
        ("social xa", ["Bảo hiểm xã hội"]),
        ("khac", ["Khác"]),
        ("zzz", []),
        ("", ["Thuế", "Bảo hiểm xã hội", "Khác"]),
    ],
)
def test_categories_are_found_by_accent_folded_words(db, world, typed, expected):
    assert sorted(names(hotline.find_categories(typed))) == sorted(expected)


def test_the_chosen_category_wins_and_one_match_is_enough(db, world):
    assert hotline.resolve_category("thue", None).id == world.tax
    assert hotline.resolve_category("", world.insurance).id == world.insurance
    with pytest.raises(errors.InvalidInput) as none:
        hotline.resolve_category("zzz", None)
    with pytest.raises(errors.InvalidInput) as several:
        hotline.resolve_category("", None)
    assert none.value.field == several.value.field == "category_search"


def test_inactive_categories_are_not_offered(db, world):
    db.session.get(Category, world.tax).active = False
    assert hotline.find_categories("thue") == []
    with pytest.raises(errors.InvalidInput):
        hotline.resolve_category("", world.tax)


def test_title_from_description():
    assert hotline.title_from("Đèn đường hư\nchi tiết") == "Đèn đường hư"
    long = "Đường " * 30
    title = hotline.title_from(long)
    assert len(title) <= 81 and title.endswith("…")


def test_earlier_cases_by_normalised_phone_newest_first(db, world):
    tax = db.session.get(Category, world.tax)
    first = make_case(tax, "Lần 1", citizen_phone="0901234567")
    second = make_case(tax, "Lần 2", citizen_phone="+84 90 123 4567",
                       now=MONDAY_9AM.replace(day=3))
    make_case(tax, "Người khác", citizen_phone="0907654321")
    db.session.commit()
    operator = user(db, "operator")
    assert [c.id for c in hotline.earlier_cases("+84901234567", operator)] == [second.id, first.id]
    assert hotline.earlier_cases(None, operator) == []


def test_a_denunciation_is_not_found_by_its_reporters_number(db, world):
    """Finding a tố cáo by the caller's number would tell the operator who made it."""
    tax = db.session.get(Category, world.tax)
    plain = make_case(tax, "Phản ánh", citizen_phone="0901234567")
    make_case(tax, "Tố cáo", citizen_phone="0901234567", citizen_name="Lê Văn Tố", kind="to_cao")
    db.session.commit()
    assert [c.id for c in hotline.earlier_cases("+84901234567", user(db, "operator"))] == [plain.id]


def test_a_call_about_an_earlier_case_is_added_to_it(db, world):
    case = make_case(db.session.get(Category, world.tax), citizen_phone="0901234567")
    db.session.commit()
    event = hotline.link_call(case, user(db, "operator"), "090 123 4567", "Gọi lại hỏi tiến độ.",
                              MONDAY_9AM)
    assert (event.kind, event.body, event.is_public, event.actor_id) == (
        EventKind.CITIZEN_MESSAGE, "Gọi lại hỏi tiến độ.", True, user(db, "operator").id)
    with pytest.raises(errors.InvalidInput):
        hotline.link_call(case, user(db, "operator"), "0901234567", "  ", MONDAY_9AM)
    with pytest.raises(errors.NotPermitted):
        hotline.link_call(case, user(db, "officer_thue"), "0901234567", "x", MONDAY_9AM)
    with pytest.raises(errors.NotPermitted):  # another caller's case, held by a unit
        hotline.link_call(case, user(db, "operator"), "0909999999", "x", MONDAY_9AM)


def test_a_closed_case_cannot_take_a_call(db, world):
    case = make_case(db.session.get(Category, world.tax), citizen_phone="0901234567")
    lifecycle.reject(case, lifecycle.Actor.staff(user(db, "officer_thue")), "Spam.", MONDAY_9AM)
    with pytest.raises(errors.NotPermitted):
        hotline.link_call(case, user(db, "operator"), "0901234567", "Gọi lại.", MONDAY_9AM)


def test_triage_lists_new_cases_and_routes_them(db, world):
    other = db.session.get(Category, world.other)
    waiting = make_case(other, "Đèn đường hư")
    routed = make_case(db.session.get(Category, world.tax))
    db.session.commit()
    assert [c.id for c in db.session.scalars(hotline.triage_queue())] == [waiting.id]
    bhxh = db.session.scalar(sa.select(Unit).where(Unit.code == "BHXH"))
    with pytest.raises(errors.InvalidInput):
        hotline.route_from_triage(waiting, user(db, "operator"), None, MONDAY_9AM)
    with pytest.raises(errors.NotPermitted):
        hotline.route_from_triage(waiting, user(db, "officer_thue"), bhxh.id, MONDAY_9AM)
    hotline.route_from_triage(waiting, user(db, "operator"), bhxh.id, MONDAY_9AM)
    assert (waiting.status, waiting.unit_id) == (CaseStatus.ASSIGNED, bhxh.id)
    with pytest.raises(errors.IllegalMove):
        hotline.route_from_triage(routed, user(db, "operator"), bhxh.id, MONDAY_9AM)
    db.session.commit()
    assert list(db.session.scalars(hotline.triage_queue())) == []
    assert db.session.get(Case, waiting.id).events[-1].kind == EventKind.ROUTED


def test_triage_neither_offers_nor_routes_to_campaign_only_units(db, world):
    waiting = make_case(db.session.get(Category, world.other), "Đèn đường hư")
    bhxh = db.session.scalar(sa.select(Unit).where(Unit.code == "BHXH"))
    bhxh.handles_cases = False
    assert bhxh not in hotline.active_units()
    with pytest.raises(errors.InvalidInput) as err:
        hotline.route_from_triage(waiting, user(db, "operator"), bhxh.id, MONDAY_9AM)
    assert err.value.field == "unit"
    assert waiting.status == CaseStatus.NEW
