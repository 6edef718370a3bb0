"""Due times of real cases counted in working hours: regimes by priority, pauses awaiting
the citizen, recounting. (Day counts, which are dates: tests/deadlines/test_counting.py.)

Expected times are worked out by hand (Asia/Ho_Chi_Minh, UTC+7, office hours
07:30-11:30 and 13:00-17:00). Tết 2026 per `holidays`: Mon 16/2 - Fri 20/2.
Here phản ánh answers are counted in working hours, 80 (ten working days' worth) normal,
24 urgent; the first step 8 h normal, 2 h urgent.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.deadlines import settings
from app.deadlines.explanation import explain_case
from app.deadlines.sla import (
    citizen_pauses,
    completed_pause_minutes,
    load_calendar,
    response_pauses,
)
from app.models import Category, User
from tests.factories import EMAILS, make_case, make_regime

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


pytestmark = pytest.mark.usefixtures("hour_regimes")


def officer(db) -> lifecycle.Actor:
    user = db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"]))
    return lifecycle.Actor.staff(user)


@pytest.mark.parametrize(
    ("targets", "priority", "received", "ack_due", "response_due"),
    [
        # 8 h from Mon 09:00: 150 + 240 on Monday, 90 on Tuesday; 10 days land on Mon 16/3.
        pytest.param((8, 10, 2, 3), "normal", vn(3, 2, 9), vn(3, 3, 9), vn(3, 16, 9), id="normal"),
        pytest.param((8, 10, 2, 3), "urgent", vn(3, 2, 9), vn(3, 2, 11), vn(3, 5, 9), id="urgent"),
        # Fri 13/2 15:00, the afternoon before Tết: 120 min on Friday, then Tết and the
        # weekends; 360 more from Mon 23/2 07:30 -> 15:00; 10 days: 120 + 9 days + 360.
        pytest.param((8, 10, 2, 3), "normal", vn(2, 13, 15), vn(2, 23, 15), vn(3, 6, 15),
                     id="normal-before-tet"),
        # Urgent: 2 h end exactly at 17:00 on Friday (no jump to Tết's end); 3 days:
        # 120 + Mon 23, Tue 24 + 360 on Wed 25/2.
        pytest.param((8, 10, 2, 3), "urgent", vn(2, 13, 15), vn(2, 13, 17), vn(2, 25, 15),
                     id="urgent-before-tet"),
        # A stricter regime: 4 h / 16 h, urgent 1 h / 8 h, received Friday 16:00.
        pytest.param((4, 2, 1, 1), "normal", vn(3, 13, 16), vn(3, 16, 10, 30), vn(3, 17, 16),
                     id="strict-normal-over-weekend"),
        pytest.param((4, 2, 1, 1), "urgent", vn(3, 13, 16), vn(3, 13, 17), vn(3, 16, 16),
                     id="strict-urgent-over-weekend"),
    ],
)
def test_due_times_follow_the_regime_of_the_priority(db, world, targets, priority, received,
                                                     ack_due, response_due):
    ack_hours, days, urgent_ack_hours, urgent_days = targets
    category = db.session.get(Category, world.tax)
    make_regime("phan_anh", category, first=(ack_hours, "working_hours"),
                resolution=(days * 8, "working_hours"))
    make_regime("phan_anh", category, "urgent", first=(urgent_ack_hours, "working_hours"),
                resolution=(urgent_days * 8, "working_hours"))
    case = make_case(category, now=received, priority=priority)
    db.session.commit()
    assert (case.ack_due_at, case.response_due_at) == (ack_due, response_due)
    assert explain_case(case, load_calendar(), received).matches_stored


MONDAY = vn(3, 2, 9)


@pytest.mark.parametrize(
    ("pauses", "paused_minutes", "response_due"),
    [
        # 10:00-11:30 and 13:00-14:00: 150 min; the due time moves from Mon 16/3 09:00 to
        # 11:30 and stays at the end of the morning shift.
        pytest.param([(vn(3, 2, 10), vn(3, 2, 14))], 150, vn(3, 16, 11, 30), id="across-lunch"),
        # Fri 16:00 to Mon 08:30: 60 + 60 working minutes, the weekend does not count.
        pytest.param([(vn(3, 6, 16), vn(3, 9, 8, 30))], 120, vn(3, 16, 11), id="over-weekend"),
        # Two pauses: 60, then Tue 15:00 -> Wed 08:00 = 120 + 30.
        pytest.param([(vn(3, 2, 10), vn(3, 2, 11)), (vn(3, 3, 15), vn(3, 4, 8))], 210,
                     vn(3, 16, 14), id="two-pauses"),
        # Asked after hours, answered before the office opens: nothing to add.
        pytest.param([(vn(3, 2, 18), vn(3, 3, 7))], 0, vn(3, 16, 9), id="outside-office-hours"),
    ],
)
def test_pauses_move_the_response_due_time(db, world, pauses, paused_minutes, response_due):
    case = make_case(db.session.get(Category, world.tax), now=MONDAY)
    lifecycle.acknowledge(case, officer(db), vn(3, 2, 9, 30))
    for index, (asked, answered) in enumerate(pauses):
        lifecycle.ask_citizen(case, officer(db), "Xin số hồ sơ.", asked)
        if index % 2:
            lifecycle.resume(case, officer(db), answered)
        else:
            lifecycle.citizen_reply(case, "Số hồ sơ là 123.", answered)
    db.session.commit()
    assert case.paused_minutes == paused_minutes
    assert case.response_due_at == response_due
    assert case.ack_due_at == vn(3, 3, 9)  # the acknowledgment clock never pauses
    found = explain_case(case, load_calendar(), vn(3, 5, 9))
    assert found.matches_stored and found.paused_minutes == paused_minutes
    assert sum(p.minutes for p in found.response.periods if p.paused) == paused_minutes
    assert sum(p.minutes for p in found.response.periods) == 4800 + paused_minutes


def test_pause_across_a_makeup_saturday(db, world):
    settings.add_day(date(2026, 3, 14), settings.WORKING_DAY, "Làm bù", None, MONDAY)
    case = make_case(db.session.get(Category, world.tax), now=MONDAY)
    # With Saturday 14/3 worked, 10 days end on Saturday at 09:00 (4710 min by Friday).
    assert case.response_due_at == vn(3, 14, 9)
    lifecycle.acknowledge(case, officer(db), vn(3, 2, 9, 30))
    lifecycle.ask_citizen(case, officer(db), "Xin số hồ sơ.", vn(3, 13, 16))
    lifecycle.citizen_reply(case, "Số hồ sơ là 123.", vn(3, 16, 7, 30))
    db.session.commit()
    # Paused: 60 on Friday + the whole make-up Saturday (480) = 540; Saturday 09:00 + 540:
    # 390 on Saturday, 150 on Monday -> 10:00.
    assert case.paused_minutes == 540
    assert case.response_due_at == vn(3, 16, 10)


def test_an_open_pause_is_listed_but_does_not_move_the_due_time_yet(db, world):
    case = make_case(db.session.get(Category, world.tax), now=MONDAY)
    lifecycle.acknowledge(case, officer(db), vn(3, 2, 9, 30))
    lifecycle.ask_citizen(case, officer(db), "Xin số hồ sơ.", vn(3, 2, 10))
    db.session.commit()
    pauses = response_pauses(case, load_calendar(), vn(3, 2, 14))
    assert [(p.start, p.end, p.minutes) for p in pauses] == [(vn(3, 2, 10), None, 150)]
    assert explain_case(case, load_calendar(), vn(3, 2, 14)).response.due == vn(3, 16, 9)


def test_the_due_time_and_the_unit_s_measured_time_leave_out_the_same_pauses(db, world):
    case = make_case(db.session.get(Category, world.tax), now=MONDAY)
    lifecycle.acknowledge(case, officer(db), vn(3, 2, 9, 30))
    lifecycle.ask_citizen(case, officer(db), "Xin số hồ sơ.", vn(3, 2, 10))
    lifecycle.citizen_reply(case, "123", vn(3, 2, 14))  # 150 working minutes
    lifecycle.ask_citizen(case, officer(db), "Xin bản chụp.", vn(3, 3, 15))
    lifecycle.resume(case, officer(db), vn(3, 4, 8))  # 120 + 30
    lifecycle.respond(case, officer(db), "Đã xử lý.", vn(3, 5, 9), signed_off=True)
    db.session.commit()
    calendar = load_calendar()
    pauses = response_pauses(case, calendar)
    assert [p.minutes for p in pauses] == [150, 150]
    assert completed_pause_minutes(pauses) == case.paused_minutes == 300
    # Mon 09:00 -> Thu 09:00 is 390 + 480 + 480 + 90 = 1440 working minutes.
    assert case.response_working_minutes == 1440 - 300
    later = citizen_pauses(case.events, vn(3, 3, 12), calendar)
    assert [(p.start, p.end, p.minutes) for p in later] == [(vn(3, 3, 15), vn(3, 4, 8), 150)]


def test_a_reopened_case_counts_only_the_new_clock_and_its_pauses(db, world):
    case = make_case(db.session.get(Category, world.tax), now=MONDAY)
    lifecycle.acknowledge(case, officer(db), vn(3, 2, 9, 30))
    lifecycle.ask_citizen(case, officer(db), "Xin số hồ sơ.", vn(3, 2, 10))
    lifecycle.citizen_reply(case, "123", vn(3, 2, 11))
    lifecycle.respond(case, officer(db), "Đã xử lý.", vn(3, 3, 9), signed_off=True)
    lifecycle.reopen(case, "Chưa được giải quyết.", vn(3, 4, 9), 7)
    db.session.commit()
    assert case.paused_minutes == 0
    assert case.response_due_at == vn(3, 18, 9)  # Wed 4/3 09:00 + 10 days
    assert explain_case(case, load_calendar(), vn(3, 4, 10)).matches_stored


def test_a_day_off_recounts_open_cases_and_leaves_answered_ones(db, world):
    category = db.session.get(Category, world.tax)
    open_case = make_case(category, now=MONDAY)
    answered = make_case(category, title="Đã trả lời", now=MONDAY)
    lifecycle.acknowledge(answered, officer(db), vn(3, 2, 10))
    lifecycle.respond(answered, officer(db), "Đã xử lý.", vn(3, 2, 11), signed_off=True)
    db.session.commit()
    assert settings.add_day(date(2026, 3, 11), settings.DAY_OFF, "Nghỉ", None, MONDAY) == 1
    db.session.commit()
    assert open_case.response_due_at == vn(3, 17, 9)
    assert answered.response_due_at == vn(3, 16, 9)
    assert settings.remove_day(settings.exception_on(date(2026, 3, 11)), None, MONDAY) == 1
    db.session.commit()
    assert open_case.response_due_at == vn(3, 16, 9)
    assert settings.exception_on(date(2026, 3, 11)) is None


def test_recount_measures_pauses_again_on_the_new_calendar(db, world):
    case = make_case(db.session.get(Category, world.tax), now=MONDAY)
    lifecycle.acknowledge(case, officer(db), vn(3, 2, 9, 30))
    lifecycle.ask_citizen(case, officer(db), "Xin số hồ sơ.", vn(3, 3, 15))
    lifecycle.citizen_reply(case, "123", vn(3, 5, 8, 30))
    db.session.commit()
    # Paused 120 + 480 + 60 = 660; Mon 16/3 09:00 + 660 -> Tue 17/3 13:30.
    assert (case.paused_minutes, case.response_due_at) == (660, vn(3, 17, 13, 30))
    settings.add_day(date(2026, 3, 4), settings.DAY_OFF, "", None, MONDAY)
    db.session.commit()
    # Wed 4/3 off: the clock loses a day (Tue 17/3 09:00) and the pause 480 minutes (180).
    assert (case.paused_minutes, case.response_due_at) == (180, vn(3, 17, 13, 30))
    assert explain_case(case, load_calendar(), vn(3, 6, 9)).matches_stored


def test_a_regime_change_recounts_only_its_open_cases(db, world):
    category = db.session.get(Category, world.tax)
    normal = make_case(category, now=MONDAY)
    urgent = make_case(category, title="Khẩn", now=MONDAY, priority="urgent")
    question = make_case(category, title="Hỏi", now=MONDAY, kind="hoi_dap")
    elsewhere = make_case(db.session.get(Category, world.insurance), now=MONDAY)
    make_regime("phan_anh", db.session.get(Category, world.insurance),
                first=(8, "working_hours"), resolution=(80, "working_hours"))
    db.session.commit()
    base = next(r for r in settings.list_regimes()
                if (r.kind, r.category_id, r.priority) == ("phan_anh", None, None))
    terms = replace(settings.terms_of(base), resolution_amount=40)
    recounted = settings.update_regime(base, terms, None, MONDAY)
    db.session.commit()
    assert recounted == 1  # urgent and insurance cases follow other regimes; the question too
    assert normal.response_due_at == vn(3, 9, 9)
    assert (urgent.ack_due_at, urgent.response_due_at) == (vn(3, 2, 11), vn(3, 5, 9))
    assert elsewhere.response_due_at == vn(3, 16, 9)
    assert question.kind == "hoi_dap" and question.response_due_unit == "calendar_days"
