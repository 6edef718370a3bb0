"""The case lifecycle, move by move, illegal moves included."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.cases.lifecycle import CITIZEN_ACTOR, SYSTEM_ACTOR, Actor, Move
from app.core import errors
from app.deadlines.counting import end_of
from app.models import Case, CaseEvent, CaseStatus, EventKind, Unit, User
from tests.factories import EMAILS, MONDAY_9AM, make_case

HOUR = timedelta(hours=1)
WINDOW = 7
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def user(db, key: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))


def staff(db, key: str) -> Actor:
    return Actor.staff(user(db, key))


def unit(db, code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


@pytest.fixture
def case(db, world) -> Case:
    """A tax case, routed to Cục Thuế by its category's default unit."""
    from app.models import Category

    case = make_case(db.session.get(Category, world.tax))
    db.session.commit()
    return case


def events(case: Case) -> list[str]:
    return [e.kind for e in case.events]


def to_in_progress(db, case):
    lifecycle.acknowledge(case, staff(db, "officer_thue"), MONDAY_9AM + HOUR)


def to_responded(db, case):
    to_in_progress(db, case)
    lifecycle.respond(case, staff(db, "head_thue"), "Đã xử lý.", MONDAY_9AM + 2 * HOUR)


def test_new_case_is_routed_to_the_category_unit(db, case):
    assert case.status == CaseStatus.ASSIGNED
    assert case.unit.code == "THUE"
    assert events(case) == [EventKind.CREATED, EventKind.ROUTED]
    routed = case.events[1]
    assert (routed.from_status, routed.to_status, routed.to_unit_id) == (
        "new", "assigned", case.unit_id)


def test_unroutable_case_waits_in_triage_and_operator_routes_it(db, world):
    from app.models import Category

    case = make_case(db.session.get(Category, world.other))
    assert case.status == CaseStatus.NEW and case.unit_id is None
    lifecycle.route_case(case, staff(db, "operator"), unit(db, "BHXH"), MONDAY_9AM + HOUR)
    assert case.status == CaseStatus.ASSIGNED and case.unit.code == "BHXH"


def test_officer_of_another_unit_cannot_route_or_act(db, world):
    from app.models import Category

    case = make_case(db.session.get(Category, world.tax))
    with pytest.raises(errors.NotPermitted):
        lifecycle.acknowledge(case, staff(db, "officer_bhxh"), MONDAY_9AM + HOUR)
    assert case.status == CaseStatus.ASSIGNED and case.acknowledged_at is None


def test_acknowledge_stops_the_acknowledgment_clock(db, case):
    to_in_progress(db, case)
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.acknowledged_at == MONDAY_9AM + HOUR
    assert case.assignee.email == EMAILS["officer_thue"]
    assert case.events[-1].to_status == "in_progress"


def test_ask_citizen_pauses_and_reply_extends_the_response_deadline(db, case):
    to_in_progress(db, case)
    due_before = case.response_due_at
    lifecycle.ask_citizen(case, staff(db, "officer_thue"), "Số hồ sơ là gì?", MONDAY_9AM + HOUR)
    assert case.status == CaseStatus.AWAITING_CITIZEN
    assert case.paused_at == MONDAY_9AM + HOUR
    # The citizen answers three working hours later (10:00 -> 14:30 crosses the lunch break).
    reply_at = MONDAY_9AM + HOUR + timedelta(hours=4, minutes=30)
    lifecycle.citizen_reply(case, "Số 123.", reply_at)
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.paused_at is None
    assert case.paused_minutes == 180
    # Ten days from Mon 2 Mar (not counted): the last day is Thu 12 Mar. Three working hours
    # awaiting the citizen are under half a working day: the date stays.
    assert due_before == end_of(date(2026, 3, 12))
    assert case.response_due_at == due_before
    assert events(case)[-1] == EventKind.CITIZEN_MESSAGE


def test_a_pause_of_whole_working_days_moves_the_date_by_those_days(db, case):
    to_in_progress(db, case)
    asked = MONDAY_9AM + HOUR  # Mon 2 Mar 10:00
    lifecycle.ask_citizen(case, staff(db, "officer_thue"), "Số hồ sơ là gì?", asked)
    lifecycle.citizen_reply(case, "Số 123.", asked + timedelta(days=2))  # Wed 4 Mar 10:00
    # Mon 10:00-17:00 (330 min) + Tue (480) + Wed 07:30-10:00 (150) = 960 min = 2 working days.
    assert case.paused_minutes == 960
    # Thu 12 Mar + 2 working days (Sat, Sun off) = Mon 16 Mar.
    assert case.response_due_at == end_of(date(2026, 3, 16))


def test_officer_can_resume_without_the_citizen(db, case):
    to_in_progress(db, case)
    lifecycle.ask_citizen(case, staff(db, "officer_thue"), "?", MONDAY_9AM + HOUR)
    lifecycle.resume(case, staff(db, "officer_thue"), MONDAY_9AM + 2 * HOUR)
    assert case.status == CaseStatus.IN_PROGRESS and case.paused_minutes == 60


def test_transfer_moves_the_case_and_keeps_the_clock(db, case):
    due = case.response_due_at
    lifecycle.transfer(case, staff(db, "officer_thue"), unit(db, "BHXH"), "Không thuộc thẩm quyền",
                      MONDAY_9AM + HOUR)
    assert case.status == CaseStatus.ASSIGNED
    assert case.unit.code == "BHXH"
    assert case.response_due_at == due
    last = case.events[-1]
    assert last.kind == EventKind.TRANSFERRED
    assert last.from_unit_id == unit(db, "THUE").id and last.to_unit_id == unit(db, "BHXH").id
    # The old unit no longer acts on it.
    with pytest.raises(errors.NotPermitted):
        lifecycle.acknowledge(case, staff(db, "officer_thue"), MONDAY_9AM + 2 * HOUR)


def test_transfer_needs_a_reason_and_another_unit(db, case):
    with pytest.raises(errors.InvalidInput) as no_reason:
        lifecycle.transfer(case, staff(db, "officer_thue"), unit(db, "BHXH"), "  ", MONDAY_9AM)
    assert no_reason.value.field == "reason"
    with pytest.raises(errors.InvalidInput):
        lifecycle.transfer(case, staff(db, "officer_thue"), unit(db, "THUE"), "x", MONDAY_9AM)
    assert case.unit.code == "THUE"


def test_respond_requires_an_answer_and_publishes_it(db, case):
    to_in_progress(db, case)
    with pytest.raises(errors.InvalidInput):
        lifecycle.respond(case, staff(db, "head_thue"), "   ", MONDAY_9AM + 2 * HOUR)
    assert case.status == CaseStatus.IN_PROGRESS
    lifecycle.respond(case, staff(db, "head_thue"), "Đã hoàn thuế.", MONDAY_9AM + 2 * HOUR)
    assert case.status == CaseStatus.RESPONDED
    assert case.public_answer == "Đã hoàn thuế."
    reply = case.events[-1]
    assert reply.kind == EventKind.PUBLIC_REPLY and reply.is_public


def test_good_rating_closes_bad_rating_does_not(db, world):
    from app.models import Category

    good = make_case(db.session.get(Category, world.tax), title="A")
    bad = make_case(db.session.get(Category, world.tax), title="B")
    for c in (good, bad):
        to_responded(db, c)
    lifecycle.rate_answer(good, 4, "Tốt", MONDAY_9AM + 3 * HOUR, WINDOW)
    lifecycle.rate_answer(bad, 2, "", MONDAY_9AM + 3 * HOUR, WINDOW)
    assert good.status == CaseStatus.CLOSED and good.satisfaction == 4
    assert bad.status == CaseStatus.RESPONDED and bad.satisfaction == 2


def test_unanswered_answer_closes_after_the_window(db, case):
    to_responded(db, case)
    # Answered Mon 2/3/2026: seven working days run to the end of Wed 11/3 (local midnight).
    closes = datetime(2026, 3, 12, 0, 0, tzinfo=VN)
    assert lifecycle.close_if_window_passed(case, closes - timedelta(seconds=1), WINDOW) is None
    assert case.status == CaseStatus.RESPONDED
    lifecycle.close_if_window_passed(case, closes, WINDOW)
    assert case.status == CaseStatus.CLOSED
    assert case.events[-1].actor_kind == "system"


def test_reopen_within_the_window_restarts_the_response_clock(db, case):
    to_responded(db, case)
    lifecycle.rate_answer(case, 3, "", MONDAY_9AM + 3 * HOUR, WINDOW)
    reopened_at = MONDAY_9AM + timedelta(days=2)
    lifecycle.reopen(case, "Chưa nhận được tiền.", reopened_at, WINDOW)
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.reopen_count == 1
    assert case.responded_at is None and case.closed_at is None
    # Reopened Wed 4 Mar: ten days from then (4 Mar not counted) end with Sat 14 Mar, a day
    # off, so the last day moves to Mon 16 Mar.
    assert case.response_due_at == end_of(date(2026, 3, 16))


def test_reopen_after_the_window_is_refused(db, case):
    to_responded(db, case)
    late = datetime(2026, 3, 12, 0, 0, tzinfo=VN)  # midnight after the 7th working day
    with pytest.raises(errors.IllegalMove):
        lifecycle.reopen(case, "Muộn", late, WINDOW)
    assert case.status == CaseStatus.RESPONDED and case.reopen_count == 0


def test_reject_shows_the_reason(db, case):
    lifecycle.reject(case, staff(db, "officer_thue"), "Nội dung trùng lặp.", MONDAY_9AM + HOUR)
    assert case.status == CaseStatus.REJECTED
    assert case.rejection_reason == "Nội dung trùng lặp."
    assert case.events[-1].is_public


ILLEGAL = [
    # (moves to get there, illegal move)
    ([], Move.RESPOND),
    ([], Move.ASK_CITIZEN),
    ([], Move.CLOSE),
    ([], Move.REOPEN),
    (["ack"], Move.ACKNOWLEDGE),
    (["ack"], Move.REJECT),
    (["ack", "respond"], Move.TRANSFER),
    (["ack", "respond"], Move.RESPOND),
    (["reject"], Move.ACKNOWLEDGE),
    (["reject"], Move.REOPEN),
]


def _do(db, case, move: Move, when):
    officer = staff(db, "officer_thue")
    calls = {
        Move.ACKNOWLEDGE: lambda: lifecycle.acknowledge(case, officer, when),
        Move.ASK_CITIZEN: lambda: lifecycle.ask_citizen(case, officer, "?", when),
        Move.RESPOND: lambda: lifecycle.respond(case, staff(db, "head_thue"), "x", when),
        Move.TRANSFER: lambda: lifecycle.transfer(case, officer, unit(db, "BHXH"), "x", when),
        Move.REJECT: lambda: lifecycle.reject(case, officer, "x", when),
        Move.CLOSE: lambda: lifecycle.close(case, CITIZEN_ACTOR, when),
        Move.REOPEN: lambda: lifecycle.reopen(case, "x", when, WINDOW),
    }
    calls[move]()


@pytest.mark.parametrize(("path", "move"), ILLEGAL, ids=lambda v: str(v))
def test_illegal_moves_are_refused_and_change_nothing(db, case, path, move):
    steps = {"ack": Move.ACKNOWLEDGE, "respond": Move.RESPOND, "reject": Move.REJECT}
    for step in path:
        _do(db, case, steps[step], MONDAY_9AM + HOUR)
    before = (case.status, case.unit_id, len(case.events))
    with pytest.raises(errors.IllegalMove):
        _do(db, case, move, MONDAY_9AM + 2 * HOUR)
    assert (case.status, case.unit_id, len(case.events)) == before


def test_actors_are_checked_per_move(db, case):
    # The citizen cannot acknowledge, the system cannot respond, the committee cannot act.
    with pytest.raises(errors.NotPermitted):
        lifecycle.acknowledge(case, CITIZEN_ACTOR, MONDAY_9AM)
    to_in_progress(db, case)
    with pytest.raises(errors.NotPermitted):
        lifecycle.respond(case, SYSTEM_ACTOR, "x", MONDAY_9AM)
    with pytest.raises(errors.NotPermitted):
        lifecycle.respond(case, staff(db, "committee"), "x", MONDAY_9AM)
    assert case.status == CaseStatus.IN_PROGRESS


def test_stale_version_is_a_conflict(db, case):
    seen = case.version
    to_in_progress(db, case)
    db.session.commit()
    assert case.version == seen + 1
    with pytest.raises(errors.VersionConflict):
        lifecycle.ask_citizen(case, staff(db, "officer_thue"), "?", MONDAY_9AM, expected_version=seen)
    assert case.status == CaseStatus.IN_PROGRESS


def test_allowed_moves_match_the_rules(db, case):
    officer = staff(db, "officer_thue")
    assert lifecycle.allowed_moves(case, officer) == {Move.ACKNOWLEDGE, Move.TRANSFER, Move.REJECT,
                                                     Move.GUIDE}
    to_in_progress(db, case)
    assert lifecycle.allowed_moves(case, officer) == {Move.ASK_CITIZEN, Move.TRANSFER, Move.RESPOND,
                                                     Move.GUIDE}
    assert lifecycle.allowed_moves(case, staff(db, "committee")) == set()


def test_every_rule_is_reachable_from_its_sources():
    # The table itself: every source state is a real state and no rule starts from a final one.
    for move, rule in lifecycle.RULES.items():
        assert rule.sources, move
        assert CaseStatus.REJECTED not in rule.sources, move


def test_timeline_is_append_only(db, case):
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id))
    event.body = "rewritten"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(CaseEvent, event.id))
    with pytest.raises(RuntimeError):
        db.session.flush()
