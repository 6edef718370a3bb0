"""recompute_due_times: open cases follow a policy or calendar change; history stays.

Cases are received on Monday 2 March 2026 at 09:00 (Ho Chi Minh City). Under 8 h / 10
days the acknowledgment is due Tuesday 09:00 and the answer Monday 16 March 09:00.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from app.cases import lifecycle
from app.deadlines.sla import recompute_due_times
from app.models import CalendarDay, CaseStatus, Category, DeadlinePolicy
from tests.factories import MONDAY_9AM, make_case, make_category, make_policy


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
    lifecycle.respond(answered, officer, "Đã xử lý.", MONDAY_9AM + timedelta(minutes=10))
    db.session.commit()
    answered_due = answered.response_due_at
    versions = (open_case.version, answered.version)

    db.session.add(CalendarDay(day=date(2026, 3, 3), kind="day_off", note=""))
    db.session.flush()
    assert recompute_due_times() == 1
    assert (open_case.ack_due_at, open_case.response_due_at) == (local(4, 9), local(17, 9))
    assert answered.response_due_at == answered_due
    assert (open_case.version, answered.version) == versions  # no conflict for open forms


def test_a_met_acknowledgment_deadline_stays(db, world):
    case = make_case(db.session.get(Category, world.tax))
    lifecycle.acknowledge(case, _officer(db), MONDAY_9AM + timedelta(minutes=5))
    db.session.commit()
    assert case.status == CaseStatus.IN_PROGRESS
    policy = db.session.scalar(sa.select(DeadlinePolicy))
    policy.ack_hours, policy.response_days = 4, 5
    assert recompute_due_times(policy_id=policy.id) == 1
    assert (case.ack_due_at, case.response_due_at) == (local(3, 9), local(9, 9))


def test_only_the_changed_policys_cases_move(db, world):
    fast = make_policy("FAST", ack_hours=4, response_days=5)
    other = make_category("NHANH", db.session.get(Category, world.tax).default_unit, fast)
    standard_case = make_case(db.session.get(Category, world.tax))
    fast_case = make_case(other)
    db.session.commit()
    fast.response_days = 6
    assert recompute_due_times(policy_id=fast.id) == 1
    assert fast_case.response_due_at == local(10, 9)
    assert standard_case.response_due_at == local(16, 9)


def test_time_spent_awaiting_the_citizen_is_kept(db, world):
    case = make_case(db.session.get(Category, world.tax))
    officer = _officer(db)
    lifecycle.acknowledge(case, officer, MONDAY_9AM)
    lifecycle.ask_citizen(case, officer, "Xin số hồ sơ?", MONDAY_9AM + timedelta(hours=1))
    lifecycle.citizen_reply(case, "Số 123.", MONDAY_9AM + timedelta(days=1))  # Tue 09:00
    db.session.commit()
    # Paused Mon 10:00 → Tue 09:00: 7 working hours (420 min) added to the answer's due time.
    assert case.paused_minutes == 420
    before = case.response_due_at
    policy = db.session.scalar(sa.select(DeadlinePolicy))
    policy.response_days = 5
    recompute_due_times(policy_id=policy.id)
    # 5 days from Monday 09:00 is Monday 9 March 09:00; plus 420 minutes: 150 to 11:30,
    # 240 in the afternoon, and the last 30 on Tuesday from 07:30.
    assert case.response_due_at == local(10, 8)
    assert case.response_due_at < before
