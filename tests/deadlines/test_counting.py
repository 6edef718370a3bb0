"""Deadlines counted in days are dates (Bộ luật Dân sự 2015, Art. 147-148).

The day of the event is not counted; a period ends with its last day; a count of
calendar days whose last day is off moves to the next working day. Tết 2027 per
`holidays`: Thu 4/2 - Wed 10/2.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.deadlines import counting
from app.deadlines.calendar import LOCAL_TZ, WorkingCalendar
from app.deadlines.explanation import Step, explain_days

CAL = WorkingCalendar()


def at(y: int, m: int, d: int, h: int = 9, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("start", "amount", "unit", "last"),
    [
        # Wed 3/2/2027 14:00 + 2 working days: Tết from Thu 4/2 to Wed 10/2 is skipped.
        pytest.param(at(2027, 2, 3, 14), 2, "working_days", date(2027, 2, 12), id="tet-2027"),
        # Received on a Friday evening: Monday is day 1.
        pytest.param(at(2026, 3, 6, 21), 1, "working_days", date(2026, 3, 9), id="friday-night"),
        # Received on a Saturday: Monday is still day 1 (Saturday is not counted).
        pytest.param(at(2026, 3, 7, 10), 1, "working_days", date(2026, 3, 9), id="saturday"),
        # Ten calendar days from Mon 2/3: Thu 12/3 (the 2nd not counted).
        pytest.param(at(2026, 3, 2), 10, "calendar_days", date(2026, 3, 12), id="ten-days"),
        # Ten calendar days from Wed 4/3 end on Sat 14/3: moved to Mon 16/3.
        pytest.param(at(2026, 3, 4), 10, "calendar_days", date(2026, 3, 16), id="moved-weekend"),
        # Thirty days from Tue 6/1/2027 end on Fri 5/2/2027, in Tết: moved to Thu 11/2.
        pytest.param(at(2027, 1, 6), 30, "calendar_days", date(2027, 2, 11), id="moved-tet"),
    ],
)
def test_the_last_day_of_a_count_of_days(start, amount, unit, last):
    assert counting.last_day(counting.local_day(start), amount, unit, CAL) == last
    due = counting.due(start, amount, unit, CAL)
    assert due == counting.end_of(last)
    assert counting.last_day_of(due) == last
    # Met by an action on the last day, however late; missed the minute after midnight.
    assert datetime(last.year, last.month, last.day, 23, 59, tzinfo=LOCAL_TZ) < due
    assert due.astimezone(LOCAL_TZ).time().hour == 0
    explanation = explain_days(CAL, start, amount, unit)
    assert explanation.due == due and explanation.last_day == last


def test_the_explanation_names_each_day():
    days = explain_days(CAL, at(2027, 2, 3, 14), 2, "working_days").days
    assert [(d.day.day, d.step, d.number) for d in days] == [
        (4, Step.SKIPPED, None), (5, Step.SKIPPED, None), (6, Step.SKIPPED, None),
        (7, Step.SKIPPED, None), (8, Step.SKIPPED, None), (9, Step.SKIPPED, None),
        (10, Step.SKIPPED, None), (11, Step.COUNTED, 1), (12, Step.COUNTED, 2)]
    moved = explain_days(CAL, at(2026, 3, 4), 10, "calendar_days").days
    assert [(d.day.day, d.step) for d in moved[-3:]] == [
        (14, Step.COUNTED), (15, Step.MOVED), (16, Step.MOVED)]


def test_extra_days_off_and_make_up_days_count_as_the_calendar_says():
    calendar = WorkingCalendar(days_off={date(2026, 3, 3)}, makeup_days={date(2026, 3, 7)})
    # Tue 3/3 off, Sat 7/3 worked: Wed, Thu, Fri, Sat are days 1-4.
    assert counting.last_day(date(2026, 3, 2), 4, "working_days", calendar) == date(2026, 3, 7)
    # Ten calendar days from Wed 25/2 end on Sat 7/3, a make-up working day: it stays.
    assert counting.last_day(date(2026, 2, 25), 10, "calendar_days", calendar) == date(2026, 3, 7)


def test_hours_keep_working_hour_arithmetic():
    assert counting.due(at(2026, 3, 2, 16), 2, "working_hours", CAL) == at(2026, 3, 3, 8, 30)


def test_extending_and_pausing_move_a_date_by_whole_days():
    due = counting.end_of(date(2026, 3, 12))
    assert counting.extend(due, 5, "calendar_days", CAL) == counting.end_of(date(2026, 3, 17))
    assert counting.extend(due, 2, "working_days", CAL) == counting.end_of(date(2026, 3, 16))
    assert counting.extend(due, 0, "working_days", CAL) == due
    assert [counting.paused_days(m) for m in (0, 239, 240, 479, 720, 960)] == [0, 0, 1, 1, 2, 2]


def test_working_days_between_counts_after_the_first_day_up_to_the_last():
    assert counting.working_days_between(date(2026, 3, 6), date(2026, 3, 9), CAL) == 1
    assert counting.working_days_between(date(2026, 3, 9), date(2026, 3, 9), CAL) == 0
    assert counting.working_days_between(date(2027, 2, 3), date(2027, 2, 12), CAL) == 2
