"""Extensions of the answer deadline: who asks, who decides, the limits of each kind's regime."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases import extensions, lifecycle
from app.cases.lifecycle import Actor
from app.core import errors
from app.deadlines import counting
from app.models import Case, CaseEvent, Category, EventKind, ExtensionStatus, Notification, User
from tests.factories import EMAILS, MONDAY_9AM, make_case

HOUR = timedelta(hours=1)


def staff(db, key: str) -> Actor:
    return Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS[key])))


def new_case(db, world, kind: str = "phan_anh", **fields) -> Case:
    fields.setdefault("citizen_name", "Nguyễn Văn An")
    case = make_case(db.session.get(Category, world.tax), kind=kind, **fields)
    lifecycle.acknowledge(case, staff(db, "officer_thue"), MONDAY_9AM + HOUR)
    db.session.commit()
    return case


def last_day(case: Case) -> date:
    return counting.last_day_of(case.response_due_at)


def ask(db, case, days: int, reason: str = "Cần xác minh tại chỗ với nhiều đơn vị.",
        who: str = "officer_thue"):
    return extensions.request_extension(case, staff(db, who), last_day(case) + timedelta(days=days),
                                        reason, MONDAY_9AM + 2 * HOUR)


def approve(db, extension):
    return extensions.decide_extension(extension, staff(db, "head_thue"), True, "",
                                       MONDAY_9AM + 3 * HOUR)


@pytest.mark.parametrize(("kind", "times", "days"), [
    ("phan_anh", 1, 5), ("kien_nghi", 1, 5), ("khieu_nai", 1, 15), ("to_cao", 2, 30),
])
def test_each_kind_allows_its_number_of_extensions_of_its_length(db, world, kind, times, days):
    case = new_case(db, world, kind)
    for _ in range(times):
        limits = extensions.allowance(case)
        # Calendar days: the latest day is the current one + N, moved off a day off.
        assert limits.latest_last_day >= limits.current_last_day + timedelta(days=days)
        assert limits.latest_last_day - limits.current_last_day <= timedelta(days=days + 3)
        with pytest.raises(errors.InvalidInput) as beyond:
            extensions.request_extension(case, staff(db, "officer_thue"),
                                         limits.latest_last_day + timedelta(days=1), "Phức tạp.",
                                         MONDAY_9AM + 2 * HOUR)
        assert beyond.value.field == "new_last_day"
        assert limits.latest_last_day.strftime("%d/%m/%Y") in str(beyond.value.message)
        approve(db, ask(db, case, days))
        db.session.commit()
    assert case.extensions_used == times
    assert extensions.allowance(case) is None
    with pytest.raises(errors.IllegalMove):
        ask(db, case, 1)


def test_approval_moves_the_answer_date_and_keeps_the_original(db, world):
    case = new_case(db, world)
    before, previous_due = last_day(case), case.response_due_at
    extension = ask(db, case, 4)
    assert extension.status == ExtensionStatus.REQUESTED and extension.previous_due_at == previous_due
    assert case.response_due_at == previous_due  # asking moves nothing
    event = approve(db, extension)
    db.session.commit()
    assert extension.status == ExtensionStatus.APPROVED and extension.decided_at is not None
    assert case.extension_days == 4 and case.extensions_used == 1
    assert counting.last_day_of(case.response_due_at) >= before + timedelta(days=4)
    assert case.original_response_due_at == previous_due
    assert event.is_public and event.kind == EventKind.EXTENSION
    assert counting.last_day_of(case.response_due_at).strftime("%d/%m/%Y") in event.body
    assert "Cần xác minh" in event.body


def test_a_request_can_be_decided_in_the_transaction_that_made_it(db, world):
    case = new_case(db, world)
    extension = extensions.request_extension(case, staff(db, "officer_thue"),
                                             last_day(case) + timedelta(days=2), "Phức tạp.",
                                             MONDAY_9AM + 2 * HOUR)
    assert extension.status == ExtensionStatus.REQUESTED  # before any flush
    approve(db, extension)
    assert extension.status == ExtensionStatus.APPROVED and case.extensions_used == 1


def test_working_day_extension_counts_working_days(db, world):
    case = new_case(db, world, priority="urgent")  # urgent: 1 × 2 working days
    limits = extensions.allowance(case)
    assert counting.working_days_between(limits.current_last_day, limits.latest_last_day,
                                         counting_calendar()) == 2
    extension = extensions.request_extension(case, staff(db, "officer_thue"), limits.latest_last_day,
                                             "Chờ kết quả kiểm tra.", MONDAY_9AM + 2 * HOUR)
    approve(db, extension)
    assert case.extension_days == 2
    assert last_day(case) == limits.latest_last_day


def counting_calendar():
    from app.deadlines.sla import load_calendar

    return load_calendar()


def test_only_one_request_at_a_time_and_a_later_day_is_required(db, world):
    case = new_case(db, world, "to_cao")
    with pytest.raises(errors.InvalidInput) as same_day:
        ask(db, case, 0)
    assert same_day.value.field == "new_last_day"
    with pytest.raises(errors.InvalidInput) as no_reason:
        ask(db, case, 3, reason="  ")
    assert no_reason.value.field == "reason"
    ask(db, case, 3)
    with pytest.raises(errors.IllegalMove):
        ask(db, case, 5)


def test_who_may_ask_and_decide(db, world):
    case = new_case(db, world)
    with pytest.raises(errors.NotPermitted):
        ask(db, case, 2, who="officer_bhxh")
    with pytest.raises(errors.NotPermitted):
        ask(db, case, 2, who="operator")
    extension = ask(db, case, 2)
    with pytest.raises(errors.NotPermitted):
        extensions.decide_extension(extension, staff(db, "officer_thue"), True, "", MONDAY_9AM)
    assert extensions.view(case, staff(db, "head_thue").user).may_decide
    assert not extensions.view(case, staff(db, "officer_thue").user).may_decide


def test_the_unit_head_is_told_of_a_request(db, world):
    case = new_case(db, world)
    ask(db, case, 2)
    db.session.flush()
    to_heads = db.session.scalars(sa.select(Notification.recipient)
                                  .where(Notification.kind == "extension_requested")).all()
    assert to_heads == [EMAILS["head_thue"]]


def test_refusal_needs_a_note_and_stays_internal(db, world):
    case = new_case(db, world)
    due = case.response_due_at
    extension = ask(db, case, 3)
    with pytest.raises(errors.InvalidInput) as no_note:
        extensions.decide_extension(extension, staff(db, "head_thue"), False, " ", MONDAY_9AM)
    assert no_note.value.field == "note"
    assert extension.status == ExtensionStatus.REQUESTED
    event = extensions.decide_extension(extension, staff(db, "head_thue"), False,
                                        "Đủ thời gian, trả lời đúng hạn.", MONDAY_9AM + 3 * HOUR)
    assert extension.status == ExtensionStatus.REFUSED and not event.is_public
    assert case.response_due_at == due and case.extensions_used == 0
    with pytest.raises(errors.IllegalMove):
        approve(db, extension)
    # Refused, it leaves room for another request.
    assert extensions.may_request(case, staff(db, "officer_thue").user)


def test_no_extension_once_answered_or_before_a_unit_holds_it(db, world):
    case = new_case(db, world)
    lifecycle.respond(case, staff(db, "officer_thue"), "Đã trả lời.", MONDAY_9AM + 2 * HOUR, signed_off=True)
    with pytest.raises(errors.IllegalMove):
        ask(db, case, 2)
    assert not extensions.may_request(case, staff(db, "officer_thue").user)


def test_citizen_who_asked_for_updates_is_emailed_the_new_date(db, world):
    case = new_case(db, world, citizen_email="an@example.vn", notify_email=True)
    approve(db, ask(db, case, 3))
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.kind == "case_extended",
                                    Notification.recipient == "an@example.vn")) == 1


def test_reopening_starts_without_extensions(db, world):
    case = new_case(db, world)
    approve(db, ask(db, case, 3))
    lifecycle.respond(case, staff(db, "officer_thue"), "Đã trả lời.", MONDAY_9AM + 4 * HOUR, signed_off=True)
    lifecycle.reopen(case, "Chưa giải quyết.", MONDAY_9AM + 5 * HOUR, 7)
    assert case.extensions_used == 0 and case.extension_days == 0
    assert case.original_response_due_at is None
    assert extensions.allowance(case) is not None
    events = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                           CaseEvent.kind == "extension")).all()
    assert [e.is_public for e in events] == [False, True]
