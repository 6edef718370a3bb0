"""recompute_due_times: open cases follow a regime or calendar change; history stays.

Cases are received on Monday 2 March 2026 at 09:00 (Ho Chi Minh City). Under the law's
phản ánh regime (8 working hours; 10 days) the first step is due Tuesday 09:00 and the
answer by the end of Thursday 12 March (2 March itself is not counted).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from app.cases import lifecycle
from app.deadlines.counting import end_of
from app.deadlines.sla import recompute_due_times
from app.models import CalendarDay, CaseStatus, Category
from tests.factories import MONDAY_9AM, make_case, make_category, make_regime


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour - 7, minute, tzinfo=timezone.utc)


def _officer(db):
    from app.models import User

    return lifecycle.Actor.staff(
        db.session.scalar(sa.select(User).where(User.email == "officer.thue@test.vn"))
    )


def test_nothing_to_do_changes_nothing(db, world):
    case = make_case(db.session.get(Category, world.tax))
    version = case.version
    db.session.commit()
    assert recompute_due_times() == 0
    assert case.version == version


def test_a_calendar_change_moves_open_cases_only(db, world):
    tax = db.session.get(Category, world.tax)
    open_case = make_case(tax)
    answered = make_case(tax, title="Đã trả lời")
    officer = _officer(db)
    lifecycle.acknowledge(answered, officer, MONDAY_9AM + timedelta(minutes=5))
    lifecycle.respond(answered, officer, "Đã xử lý.", MONDAY_9AM + timedelta(minutes=10), signed_off=True)
    db.session.commit()
    answered_due = answered.response_due_at
    versions = (open_case.version, answered.version)

    db.session.add(CalendarDay(day=date(2026, 3, 3), kind="day_off", note=""))
    db.session.flush()
    assert recompute_due_times() == 1
    # Tuesday off: 8 working hours end on Wednesday; ten calendar days still end on Thu 12/3.
    assert (open_case.ack_due_at, open_case.response_due_at) == (local(4, 9), end_of(date(2026, 3, 12)))
    assert answered.response_due_at == answered_due
    assert (open_case.version, answered.version) == versions  # no conflict for open forms


def test_a_met_acknowledgment_deadline_stays(db, world):
    case = make_case(db.session.get(Category, world.tax))
    lifecycle.acknowledge(case, _officer(db), MONDAY_9AM + timedelta(minutes=5))
    db.session.commit()
    assert case.status == CaseStatus.IN_PROGRESS
    make_regime("phan_anh", first=(4, "working_hours"), resolution=(5, "working_days"))
    assert recompute_due_times(kind="phan_anh") == 1
    # Five working days after Monday 2/3: Tue, Wed, Thu, Fri, Mon 9/3.
    assert (case.ack_due_at, case.response_due_at) == (local(3, 9), end_of(date(2026, 3, 9)))
    assert case.response_due_unit == "working_days"


def test_only_the_changed_regime_s_cases_move(db, world):
    other = make_category("NHANH", db.session.get(Category, world.tax).default_unit)
    fast = make_regime("phan_anh", other, resolution=(5, "working_days"))
    standard_case = make_case(db.session.get(Category, world.tax))
    fast_case = make_case(other)
    db.session.commit()
    fast.resolution_amount = 6
    assert recompute_due_times(kind="phan_anh") == 1
    assert fast_case.response_due_at == end_of(date(2026, 3, 10))
    assert standard_case.response_due_at == end_of(date(2026, 3, 12))
    assert recompute_due_times(kind="khieu_nai") == 0


def test_time_spent_awaiting_the_citizen_is_kept(db, world):
    case = make_case(db.session.get(Category, world.tax))
    officer = _officer(db)
    lifecycle.acknowledge(case, officer, MONDAY_9AM)
    lifecycle.ask_citizen(case, officer, "Xin số hồ sơ?", MONDAY_9AM + timedelta(hours=1))
    lifecycle.citizen_reply(case, "Số 123.", MONDAY_9AM + timedelta(days=1))  # Tue 09:00
    db.session.commit()
    # Paused Mon 10:00 → Tue 09:00: 7 working hours (420 min), one working day given back.
    assert case.paused_minutes == 420
    before = case.response_due_at
    assert before == end_of(date(2026, 3, 13))
    make_regime("phan_anh", resolution=(5, "working_days"))
    recompute_due_times()
    # 5 working days after Monday: Mon 9/3; plus the day given back: Tue 10/3.
    assert case.response_due_at == end_of(date(2026, 3, 10))
    assert case.paused_minutes == 420
