"""The reopen window counts working days: Tết does not eat it."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.deadlines.calendar import WorkingCalendar
from app.deadlines.reopening import reopen_deadline, reopen_last_day

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PLAIN = WorkingCalendar()


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def test_an_answer_just_before_tet_can_still_be_reopened_after_tet() -> None:
    # Answered Fri 13/2/2026 16:30; Tết runs Mon 16 - Fri 20/2 (with both weekends).
    # Seven working days: Mon 23, Tue 24, Wed 25, Thu 26, Fri 27/2, Mon 2/3, Tue 3/3.
    answered = vn(2026, 2, 13, 16, 30)
    assert reopen_last_day(answered, 7, PLAIN) == date(2026, 3, 3)
    assert reopen_deadline(answered, 7, PLAIN) == vn(2026, 3, 4)
    assert reopen_deadline(answered, 7, PLAIN) > answered + timedelta(days=7 + 9)


def test_a_plain_week() -> None:
    # Mon 2/3/2026 10:00 + 7 working days: Wed 11/3, whatever the hour of the answer.
    assert reopen_last_day(vn(2026, 3, 2, 10), 7, PLAIN) == date(2026, 3, 11)
    assert reopen_last_day(vn(2026, 3, 2, 22), 7, PLAIN) == date(2026, 3, 11)
    assert reopen_deadline(vn(2026, 3, 2, 10), 7, PLAIN) == vn(2026, 3, 12)


def test_calendar_exceptions_count() -> None:
    # An extra day off on Wed 4/3 lengthens the window a day; a make-up Saturday shortens it.
    off = WorkingCalendar(days_off={date(2026, 3, 4)})
    assert reopen_last_day(vn(2026, 3, 2, 10), 7, off) == date(2026, 3, 12)
    makeup = WorkingCalendar(makeup_days={date(2026, 3, 7)})
    assert reopen_last_day(vn(2026, 3, 2, 10), 7, makeup) == date(2026, 3, 10)


def test_the_answer_day_is_local() -> None:
    # 18:00 UTC on Mon 2/3 is 01:00 on Tue 3/3 in Ho Chi Minh City: counting starts from Tuesday.
    answered = datetime(2026, 3, 2, 18, 0, tzinfo=ZoneInfo("UTC"))
    assert reopen_last_day(answered, 1, PLAIN) == date(2026, 3, 4)


def test_no_window_and_bad_windows() -> None:
    assert reopen_last_day(vn(2026, 3, 2, 10), 0, PLAIN) is None
    assert reopen_deadline(vn(2026, 3, 2, 10), 0, PLAIN) == vn(2026, 3, 2, 10)
    with pytest.raises(ValueError):
        reopen_last_day(vn(2026, 3, 2, 10), -1, PLAIN)
