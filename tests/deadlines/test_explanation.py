"""Explaining a due time: the periods counted, whole minutes that add up, and the odd days."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.deadlines.calendar import WorkingCalendar
from app.deadlines.explanation import explain_case, explain_due
from app.deadlines.sla import load_calendar
from app.models import Category
from tests.factories import make_case

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year, month, day, hour, minute=0, second=0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VN)


def test_periods_and_notes_around_tet():
    found = explain_due(WorkingCalendar(), vn(2027, 2, 3, 14), 960)
    assert found.due == vn(2027, 2, 12, 14)
    assert [(p.start, p.end, p.minutes) for p in found.periods] == [
        (vn(2027, 2, 3, 14), vn(2027, 2, 3, 17), 180),
        (vn(2027, 2, 11, 7, 30), vn(2027, 2, 11, 11, 30), 240),
        (vn(2027, 2, 11, 13), vn(2027, 2, 11, 17), 240),
        (vn(2027, 2, 12, 7, 30), vn(2027, 2, 12, 11, 30), 240),
        (vn(2027, 2, 12, 13), vn(2027, 2, 12, 14), 60),
    ]
    # Weekdays of Tết are noted; the Tết weekend (6-7/2) is not a weekday and is not.
    assert [(n.day.day, n.worked, n.holiday) for n in found.notes] == [
        (4, False, True), (5, False, True), (8, False, True), (9, False, True), (10, False, True)]


def test_a_makeup_saturday_and_an_extra_day_off_are_noted():
    calendar = WorkingCalendar(days_off={date(2026, 3, 11)}, makeup_days={date(2026, 3, 14)})
    found = explain_due(calendar, vn(2026, 3, 10, 9), 4 * 480)
    assert [(n.day, n.worked) for n in found.notes] == [
        (date(2026, 3, 11), False), (date(2026, 3, 14), True)]
    assert found.due == vn(2026, 3, 16, 9)


def test_minutes_add_up_exactly_when_the_start_has_seconds():
    found = explain_due(WorkingCalendar(), vn(2026, 3, 10, 9, 0, 37), 480)
    assert [p.minutes for p in found.periods] == [149, 240, 91]
    assert sum(p.minutes for p in found.periods) == 480
    assert found.due == vn(2026, 3, 11, 9, 0, 37)


def test_a_stored_due_time_that_drifted_is_reported(db, world):
    case = make_case(db.session.get(Category, world.tax), now=vn(2026, 3, 2, 9))
    db.session.commit()
    assert explain_case(case, load_calendar(), vn(2026, 3, 2, 10)).matches_stored
    case.response_due_at += timedelta(minutes=1)
    assert not explain_case(case, load_calendar(), vn(2026, 3, 2, 10)).matches_stored
    db.session.rollback()
