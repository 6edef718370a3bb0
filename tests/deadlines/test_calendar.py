"""Tests for app.deadlines.calendar (working time in Vietnamese office hours).

Expected values are worked out by hand against the `holidays` package (pinned
0.109): Tết 2027 is Thu 4 Feb - Wed 10 Feb 2027; 30/4 and 1/5 2026 are Thu/Fri;
in 2027 30/4 is a Friday, 1/5 a Saturday, observed on Monday 3/5.
Asia/Ho_Chi_Minh is UTC+07:00 all year, so local 07:30 is 00:30 UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.deadlines import calendar as calendar_module
from app.deadlines.calendar import MAX_SPAN_DAYS
from app.deadlines.calendar import (
    DEFAULT_SHIFTS,
    LOCAL_TZ,
    MINUTES_PER_WORKING_DAY,
    WorkingCalendar,
    holiday_name,
    package_workdays,
    public_holidays,
)

UTC = timezone.utc
VN = ZoneInfo("Asia/Ho_Chi_Minh")

DEFAULT = WorkingCalendar()
# Agency swap: Wednesday 11/3/2026 off, Saturday 14/3/2026 worked instead;
# Thursday 11/2/2027 off, Wednesday 10/2/2027 (a Tết holiday) worked instead.
SWAPPED = WorkingCalendar(
    days_off=frozenset({date(2026, 3, 11), date(2027, 2, 11)}),
    makeup_days=frozenset({date(2026, 3, 14), date(2027, 2, 10)}),
)


def vn(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """An aware datetime on the Ho Chi Minh City wall clock."""
    return datetime(year, month, day, hour, minute, second, tzinfo=VN)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """An aware datetime in UTC."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --------------------------------------------------------------------------- table tests

ADD_CASES = [
    # Wed 3/2/2027 14:00 + 2 days (960 min): 180 on Wed, Tết Thu 4 - Wed 10 off,
    # 480 on Thu 11, Fri 12: 240 morning + 60 -> 14:00 local.
    pytest.param(DEFAULT, vn(2027, 2, 3, 14), 960, utc(2027, 2, 12, 7), id="afternoon-before-tet-2027"),
    # Same with the swap calendar: Wed 10/2 worked (480), Thu 11/2 off, Fri 12: 240 + 60.
    pytest.param(SWAPPED, vn(2027, 2, 3, 14), 960, utc(2027, 2, 12, 7), id="tet-with-makeup-and-day-off"),
    # Fri 13/3/2026 15:00 + 1 day: 120 on Fri, make-up Sat 14/3: 240 + 120 -> 15:00.
    pytest.param(SWAPPED, vn(2026, 3, 13, 15), 480, utc(2026, 3, 14, 8), id="across-makeup-saturday"),
    # Without the make-up Saturday the same case is due Monday 16/3 15:00.
    pytest.param(DEFAULT, vn(2026, 3, 13, 15), 480, utc(2026, 3, 16, 8), id="weekend-without-makeup"),
    # Tue 10/3/2026 10:00 + 3h: 90 until 11:30, then 13:00 + 90 -> 14:30.
    pytest.param(DEFAULT, vn(2026, 3, 10, 10), 180, utc(2026, 3, 10, 7, 30), id="across-lunch-break"),
    pytest.param(DEFAULT, vn(2026, 3, 14, 9), 60, utc(2026, 3, 16, 1, 30), id="start-saturday"),
    pytest.param(DEFAULT, vn(2026, 3, 10, 6), 60, utc(2026, 3, 10, 1, 30), id="start-0600"),
    pytest.param(DEFAULT, vn(2026, 3, 10, 12), 60, utc(2026, 3, 10, 7), id="start-1200-lunch"),
    pytest.param(DEFAULT, vn(2026, 3, 10, 18), 60, utc(2026, 3, 11, 1, 30), id="start-1800"),
    pytest.param(DEFAULT, vn(2026, 3, 10, 11, 30), 30, utc(2026, 3, 10, 6, 30), id="start-at-1130"),
    # Wed 29/4/2026 16:00 + 1 day: 60 on Wed, 30/4 and 1/5 off, weekend, Mon 4/5: 240 + 180.
    pytest.param(DEFAULT, vn(2026, 4, 29, 16), 480, utc(2026, 5, 4, 9), id="reunification-labour-2026"),
    # Thu 29/4/2027 16:00 + 1 day: 60, Fri 30/4 off, weekend, Mon 3/5 (1/5 observed) off, Tue 4/5.
    pytest.param(DEFAULT, vn(2027, 4, 29, 16), 480, utc(2027, 5, 4, 9), id="labour-day-observed-2027"),
    # Tue 10/3/2026 16:00 + 2h: 60 on Tue, Wed 11/3 is an extra day off, Thu 12/3 07:30 + 60.
    pytest.param(SWAPPED, vn(2026, 3, 10, 16), 120, utc(2026, 3, 12, 1, 30), id="extra-day-off"),
    pytest.param(DEFAULT, vn(2026, 3, 10, 13), 240, utc(2026, 3, 10, 10), id="ends-exactly-1700"),
    pytest.param(DEFAULT, vn(2026, 3, 10, 7, 30), 240, utc(2026, 3, 10, 4, 30), id="ends-exactly-1130"),
    pytest.param(DEFAULT, vn(2026, 3, 10, 7, 30), 480, utc(2026, 3, 10, 10), id="full-day-ends-1700"),
    pytest.param(DEFAULT, vn(2026, 3, 10, 10, 0, 30), 1, utc(2026, 3, 10, 3, 1, 30), id="seconds-kept"),
    pytest.param(DEFAULT, vn(2026, 3, 10, 16, 59, 30), 1, utc(2026, 3, 11, 0, 30, 30), id="seconds-carry-over"),
    # 23:00 UTC on Tue 10/3 is 06:00 local on Wed 11/3: the local date decides.
    pytest.param(DEFAULT, utc(2026, 3, 10, 23), 60, utc(2026, 3, 11, 1, 30), id="utc-input-next-local-day"),
    pytest.param(DEFAULT, utc(2026, 3, 10, 3), 180, utc(2026, 3, 10, 7, 30), id="utc-input-lunch"),
    pytest.param(
        DEFAULT,
        datetime(2026, 3, 9, 22, tzinfo=ZoneInfo("Europe/Paris")),  # 04:00 local on Tue 10/3
        60,
        utc(2026, 3, 10, 1, 30),
        id="paris-input",
    ),
]


@pytest.mark.parametrize(("calendar", "start", "minutes", "expected"), ADD_CASES)
def test_add_working_minutes(calendar: WorkingCalendar, start: datetime, minutes: int, expected: datetime) -> None:
    result = calendar.add_working_minutes(start, minutes)
    assert result == expected
    assert result.tzinfo == UTC


def test_two_working_days_before_tet_land_after_tet() -> None:
    due = DEFAULT.add_working_days(vn(2027, 2, 3, 14), 2)
    assert due == utc(2027, 2, 12, 7)
    assert DEFAULT.working_minutes_between(vn(2027, 2, 3, 14), due) == 960


def test_add_working_hours_across_lunch() -> None:
    assert DEFAULT.add_working_hours(vn(2026, 3, 10, 10), 3) == utc(2026, 3, 10, 7, 30)


def test_add_thirty_working_days_across_tet() -> None:
    # From Mon 4/1/2027 07:30: Jan 4-29 (20), Feb 1-3 (3), Tết, Feb 11-12 (2), Feb 15-19 (5):
    # the 30th working day is Fri 19/2/2027, ending at 17:00 local.
    assert DEFAULT.add_working_days(vn(2027, 1, 4, 7, 30), 30) == utc(2027, 2, 19, 10)


def test_utc_and_local_inputs_give_the_same_utc_result() -> None:
    from_local = DEFAULT.add_working_hours(vn(2026, 3, 10, 10), 3)
    from_utc = DEFAULT.add_working_hours(utc(2026, 3, 10, 3), 3)
    assert from_local == from_utc == utc(2026, 3, 10, 7, 30)
    assert from_local.tzinfo == UTC and from_utc.tzinfo == UTC
    assert (from_local.hour, from_local.minute) == (7, 30)


def test_zero_minutes_returns_start_even_outside_office_hours() -> None:
    saturday = vn(2026, 3, 14, 9)
    result = DEFAULT.add_working_minutes(saturday, 0)
    assert result == utc(2026, 3, 14, 2)
    assert result.tzinfo == UTC
    assert DEFAULT.explain(saturday, 0) == (utc(2026, 3, 14, 2), [])


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        pytest.param(DEFAULT, vn(2026, 3, 10, 0), vn(2026, 3, 11, 0), 480, id="one-day"),
        pytest.param(DEFAULT, vn(2026, 3, 9, 0), vn(2026, 3, 16, 0), 2400, id="one-week"),
        pytest.param(SWAPPED, vn(2026, 3, 9, 0), vn(2026, 3, 16, 0), 2400, id="week-with-swap"),
        pytest.param(DEFAULT, vn(2027, 2, 1, 0), vn(2027, 3, 1, 0), 7200, id="february-2027-tet"),
        pytest.param(DEFAULT, vn(2027, 1, 1, 0), vn(2027, 7, 1, 0), 57600, id="first-half-2027"),
        pytest.param(DEFAULT, vn(2026, 4, 29, 16), vn(2026, 5, 4, 16), 480, id="reunification-labour"),
        pytest.param(DEFAULT, vn(2026, 3, 10, 10), vn(2026, 3, 10, 14, 30), 180, id="lunch-not-counted"),
        pytest.param(DEFAULT, vn(2026, 3, 10, 10), vn(2026, 3, 10, 10, 0, 59), 0, id="floor-seconds"),
        pytest.param(DEFAULT, vn(2026, 3, 10, 10, 0, 30), vn(2026, 3, 10, 10, 2), 1, id="floor-90-seconds"),
        pytest.param(DEFAULT, vn(2026, 3, 10, 12), vn(2026, 3, 10, 10), 0, id="end-before-start"),
        pytest.param(DEFAULT, utc(2026, 3, 10, 3), vn(2026, 3, 10, 11, 30), 90, id="mixed-zones"),
    ],
)
def test_working_minutes_between(calendar: WorkingCalendar, start: datetime, end: datetime, expected: int) -> None:
    assert calendar.working_minutes_between(start, end) == expected


def test_periods_split_by_shift_and_day() -> None:
    assert DEFAULT.periods(vn(2026, 3, 13, 16), vn(2026, 3, 16, 9)) == [
        (utc(2026, 3, 13, 9), utc(2026, 3, 13, 10)),
        (utc(2026, 3, 16, 0, 30), utc(2026, 3, 16, 2)),
    ]
    assert DEFAULT.periods(vn(2026, 3, 10, 11, 30), vn(2026, 3, 10, 13, 30)) == [
        (utc(2026, 3, 10, 6), utc(2026, 3, 10, 6, 30)),
    ]
    assert DEFAULT.periods(vn(2026, 3, 10, 12), vn(2026, 3, 10, 11)) == []


def test_explain_lists_counted_periods() -> None:
    due, periods = DEFAULT.explain(vn(2026, 3, 10, 10), 180)
    assert due == utc(2026, 3, 10, 7, 30)
    assert periods == [
        (utc(2026, 3, 10, 3), utc(2026, 3, 10, 4, 30)),
        (utc(2026, 3, 10, 6), utc(2026, 3, 10, 7, 30)),
    ]


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        pytest.param(DEFAULT, date(2027, 2, 3), True, id="wed-before-tet"),
        pytest.param(DEFAULT, date(2027, 2, 4), False, id="tet-29"),
        pytest.param(DEFAULT, date(2027, 2, 10), False, id="tet-fifth-day"),
        pytest.param(DEFAULT, date(2027, 2, 11), True, id="after-tet"),
        pytest.param(DEFAULT, date(2026, 4, 30), False, id="reunification-day"),
        pytest.param(DEFAULT, date(2026, 5, 1), False, id="labour-day"),
        pytest.param(DEFAULT, date(2027, 5, 3), False, id="labour-day-observed"),
        pytest.param(DEFAULT, date(2026, 3, 14), False, id="saturday"),
        pytest.param(DEFAULT, date(2026, 3, 15), False, id="sunday"),
        pytest.param(SWAPPED, date(2026, 3, 14), True, id="makeup-saturday"),
        pytest.param(SWAPPED, date(2027, 2, 10), True, id="makeup-wins-over-holiday"),
        pytest.param(SWAPPED, date(2026, 3, 11), False, id="extra-day-off"),
    ],
)
def test_is_working_day(calendar: WorkingCalendar, day: date, expected: bool) -> None:
    assert calendar.is_working_day(day) is expected


def test_day_off_wins_over_makeup_day() -> None:
    both = WorkingCalendar(days_off=frozenset({date(2026, 3, 14)}), makeup_days=frozenset({date(2026, 3, 14)}))
    assert both.is_working_day(date(2026, 3, 14)) is False


def test_the_package_swaps_are_whole() -> None:
    """Release 0.109 lists both halves of three swaps: the weekday off and the Saturday worked."""
    for day_off, saturday in [(date(2024, 4, 29), date(2024, 5, 4)), (date(2025, 5, 2), date(2025, 4, 26)),
                              (date(2026, 8, 31), date(2026, 8, 22))]:
        assert day_off in public_holidays(day_off.year)
        assert saturday in package_workdays(saturday.year)
        assert DEFAULT.is_working_day(day_off) is False
        assert DEFAULT.is_working_day(saturday) is True


def test_the_2026_new_year_swap_is_not_in_the_package() -> None:
    """Fri 2/1/2026 off for Sat 10/1/2026 (CV 12729/VPCP-KGVX) must come from CalendarDay rows."""
    assert DEFAULT.is_working_day(date(2026, 1, 2)) is True
    assert DEFAULT.is_working_day(date(2026, 1, 10)) is False
    recorded = WorkingCalendar(days_off={date(2026, 1, 2)}, makeup_days={date(2026, 1, 10)})
    assert recorded.is_working_day(date(2026, 1, 2)) is False
    assert recorded.is_working_day(date(2026, 1, 10)) is True


def test_calendar_rows_win_over_the_package_swaps() -> None:
    """A day_off row beats a package Saturday worked; a working_day row beats a package day off."""
    overridden = WorkingCalendar(days_off={date(2024, 5, 4)}, makeup_days={date(2024, 4, 29)})
    assert overridden.is_working_day(date(2024, 5, 4)) is False
    assert overridden.is_working_day(date(2024, 4, 29)) is True


def test_culture_day_is_a_public_holiday_from_2026() -> None:
    """24/11 (Ngày Văn hóa Việt Nam, 80-NQ/TW) is listed by the package from 2026 and kept."""
    assert date(2026, 11, 24) in public_holidays(2026)
    assert DEFAULT.is_working_day(date(2026, 11, 24)) is False
    assert date(2025, 11, 24) not in public_holidays(2025)
    assert WorkingCalendar(makeup_days={date(2026, 11, 24)}).is_working_day(date(2026, 11, 24))


def test_holiday_name() -> None:
    assert DEFAULT.holiday_name(date(2027, 2, 6))
    assert DEFAULT.holiday_name(date(2026, 4, 30))
    assert DEFAULT.holiday_name(date(2026, 3, 10)) is None
    assert SWAPPED.holiday_name(date(2027, 2, 10))


def test_public_holidays_in_both_languages() -> None:
    assert public_holidays(2026)[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert public_holidays(2026, "en")[date(2026, 4, 30)] == "Liberation Day/Reunification Day"
    assert public_holidays(2026, "fr") == public_holidays(2026, "vi")  # unknown: Vietnamese
    assert set(public_holidays(2026, "en")) == set(public_holidays(2026))
    assert all(day.year == 2026 for day in public_holidays(2026))
    assert holiday_name(date(2026, 4, 30), "en") == "Liberation Day/Reunification Day"
    assert DEFAULT.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert holiday_name(date(2026, 3, 10)) is None


def test_public_holidays_are_loaded_once_per_year_and_language(monkeypatch) -> None:
    calls = []
    real = holidays.country_holidays

    def counting(*args, **kwargs):
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    monkeypatch.setattr(calendar_module.holidays, "country_holidays", counting)
    calendar_module._load_holidays.cache_clear()
    try:
        fresh = WorkingCalendar(days_off={date(2031, 1, 2)})
        for day in range(1, 29):
            fresh.is_working_day(date(2031, 2, day))
        holiday_name(date(2031, 1, 1))
        public_holidays(2031, "en")
        public_holidays(2031, "en")
        assert calls == [2031, 2031]  # Vietnamese names, then English ones
    finally:
        calendar_module._load_holidays.cache_clear()


def test_only_the_calendar_loads_the_holidays_package() -> None:
    """One holiday source: every other module asks app.deadlines.calendar."""
    import re
    from pathlib import Path

    app_dir = Path(calendar_module.__file__).parents[1]
    importing = {
        path.relative_to(app_dir).as_posix()
        for path in app_dir.rglob("*.py")
        if re.search(r"^\s*(import holidays|from holidays\b)", path.read_text(), re.MULTILINE)
    }
    assert importing == {"deadlines/calendar.py"}


def test_custom_single_shift() -> None:
    mornings = WorkingCalendar(shifts=((time(8, 0), time(12, 0)),))
    # Tue 10/3/2026 08:00 + 300 min: 240 on Tue, Wed 08:00 + 60 -> 09:00 local.
    assert mornings.add_working_minutes(vn(2026, 3, 10, 8), 300) == utc(2026, 3, 11, 2)


def test_constants() -> None:
    assert DEFAULT_SHIFTS == ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    assert LOCAL_TZ == VN
    assert MINUTES_PER_WORKING_DAY == 480


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "shifts",
    [
        pytest.param((), id="no-shift"),
        pytest.param(((time(17, 0), time(13, 0)),), id="reversed"),
        pytest.param(((time(9, 0), time(9, 0)),), id="empty-shift"),
        pytest.param(((time(7, 30), time(12, 0)), (time(11, 0), time(17, 0))), id="overlapping"),
        pytest.param(((time(13, 0), time(17, 0)), (time(7, 30), time(11, 30))), id="unordered"),
    ],
)
def test_invalid_shifts_rejected(shifts: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(shifts=shifts)


def test_negative_amounts_rejected() -> None:
    start = vn(2026, 3, 10, 10)
    for call in (DEFAULT.add_working_minutes, DEFAULT.add_working_hours, DEFAULT.add_working_days, DEFAULT.explain):
        with pytest.raises(ValueError):
            call(start, -1)


def test_non_int_amounts_rejected() -> None:
    with pytest.raises(TypeError):
        DEFAULT.add_working_minutes(vn(2026, 3, 10, 10), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        DEFAULT.add_working_minutes(vn(2026, 3, 10, 10), True)


def test_unreachable_amount_raises_instead_of_looping() -> None:
    with pytest.raises(ValueError):
        DEFAULT.add_working_days(vn(2026, 3, 10, 10), 365 * 21)


def test_over_long_span_raises() -> None:
    with pytest.raises(ValueError):
        DEFAULT.working_minutes_between(vn(2000, 1, 1, 0), vn(2030, 1, 1, 0))


def test_datetime_is_not_a_day() -> None:
    with pytest.raises(TypeError):
        DEFAULT.is_working_day(vn(2026, 3, 10, 10))


# --------------------------------------------------------------------------- properties


@lru_cache(maxsize=None)
def _vn_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


@lru_cache(maxsize=None)
def _vn_weekend_workdays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).weekend_workdays)


def oracle_is_working(calendar: WorkingCalendar, day: date) -> bool:
    """Independent restatement of the working-day rule."""
    if day in calendar.days_off:
        return False
    if day in calendar.makeup_days or day in _vn_weekend_workdays(day.year):
        return True
    return day.weekday() < 5 and day not in _vn_holidays(day.year)


def within_shift(moment: datetime, *, inclusive_end: bool) -> bool:
    local = moment.astimezone(VN).time()
    if inclusive_end:
        return any(begin < local <= end for begin, end in DEFAULT_SHIFTS)
    return any(begin <= local < end for begin, end in DEFAULT_SHIFTS)


calendars = st.sampled_from([DEFAULT, SWAPPED])
zones = st.sampled_from([VN, UTC, ZoneInfo("America/New_York")])
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 30), timezones=zones)
amounts = st.integers(min_value=0, max_value=30 * MINUTES_PER_WORKING_DAY)
PROPERTY = settings(max_examples=200, deadline=None, database=None)


@st.composite
def office_instants(draw: st.DrawFn, calendar: WorkingCalendar) -> datetime:
    """An instant inside office hours (start of shift included, end excluded)."""
    day = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 6, 30)))
    assume(oracle_is_working(calendar, day))
    offset = draw(st.integers(min_value=0, max_value=MINUTES_PER_WORKING_DAY * 60 - 1))
    first_shift_seconds = 4 * 3600
    if offset < first_shift_seconds:
        local = datetime.combine(day, time(7, 30), tzinfo=VN) + timedelta(seconds=offset)
    else:
        local = datetime.combine(day, time(13, 0), tzinfo=VN) + timedelta(seconds=offset - first_shift_seconds)
    return local.astimezone(draw(zones))


@PROPERTY
@given(data=st.data(), calendar=calendars, minutes=amounts)
def test_round_trip_from_inside_office_hours(data: st.DataObject, calendar: WorkingCalendar, minutes: int) -> None:
    start = data.draw(office_instants(calendar))
    assert within_shift(start, inclusive_end=False)
    due = calendar.add_working_minutes(start, minutes)
    assert calendar.working_minutes_between(start, due) == minutes


@PROPERTY
@given(calendar=calendars, start=instants, minutes=amounts)
def test_round_trip_from_any_start(calendar: WorkingCalendar, start: datetime, minutes: int) -> None:
    due = calendar.add_working_minutes(start, minutes)
    assert due >= start
    assert calendar.working_minutes_between(start, due) == minutes


@PROPERTY
@given(calendar=calendars, start=instants, minutes=st.integers(min_value=1, max_value=30 * MINUTES_PER_WORKING_DAY))
def test_result_is_inside_office_hours(calendar: WorkingCalendar, start: datetime, minutes: int) -> None:
    due = calendar.add_working_minutes(start, minutes)
    assert due.tzinfo == UTC
    assert oracle_is_working(calendar, due.astimezone(VN).date())
    assert within_shift(due, inclusive_end=True)


@PROPERTY
@given(calendar=calendars, start=instants, first=amounts, second=amounts)
def test_adding_more_is_never_earlier(calendar: WorkingCalendar, start: datetime, first: int, second: int) -> None:
    fewer, more = sorted((first, second))
    assert calendar.add_working_minutes(start, fewer) <= calendar.add_working_minutes(start, more)


@PROPERTY
@given(calendar=calendars, first=instants, second=instants, minutes=amounts)
def test_later_start_is_never_earlier(calendar: WorkingCalendar, first: datetime, second: datetime, minutes: int) -> None:
    earlier, later = sorted((first, second))
    assert calendar.add_working_minutes(earlier, minutes) <= calendar.add_working_minutes(later, minutes)


@PROPERTY
@given(calendar=calendars, start=instants, length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)))
def test_periods_are_disjoint_and_sum_to_minutes(calendar: WorkingCalendar, start: datetime, length: timedelta) -> None:
    end = start + length
    periods = calendar.periods(start, end)
    total = timedelta()
    previous_end: datetime | None = None
    for begin, finish in periods:
        assert begin.tzinfo == UTC and finish.tzinfo == UTC
        assert start <= begin < finish <= end
        if previous_end is not None:
            assert previous_end <= begin
        previous_end = finish
        local_begin, local_finish = begin.astimezone(VN), finish.astimezone(VN)
        assert local_begin.date() == local_finish.date()
        assert oracle_is_working(calendar, local_begin.date())
        assert any(
            shift_begin <= local_begin.time() and local_finish.time() <= shift_end
            for shift_begin, shift_end in DEFAULT_SHIFTS
        )
        total += finish - begin
    assert total // timedelta(minutes=1) == calendar.working_minutes_between(start, end)


@PROPERTY
@given(calendar=calendars, start=instants, minutes=amounts)
def test_explain_periods_add_up_to_the_minutes(calendar: WorkingCalendar, start: datetime, minutes: int) -> None:
    due, periods = calendar.explain(start, minutes)
    assert due == calendar.add_working_minutes(start, minutes)
    assert sum((finish - begin for begin, finish in periods), timedelta()) == timedelta(minutes=minutes)
    if periods:
        assert periods[-1][1] == due


@PROPERTY
@given(naive=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 30)), minutes=amounts)
def test_naive_datetimes_rejected(naive: datetime, minutes: int) -> None:
    aware = naive.replace(tzinfo=VN)
    with pytest.raises(ValueError):
        DEFAULT.add_working_minutes(naive, minutes)
    with pytest.raises(ValueError):
        DEFAULT.add_working_hours(naive, 1)
    with pytest.raises(ValueError):
        DEFAULT.add_working_days(naive, 1)
    with pytest.raises(ValueError):
        DEFAULT.explain(naive, minutes)
    with pytest.raises(ValueError):
        DEFAULT.working_minutes_between(naive, aware)
    with pytest.raises(ValueError):
        DEFAULT.working_minutes_between(aware, naive)
    with pytest.raises(ValueError):
        DEFAULT.periods(naive, aware)
    with pytest.raises(ValueError):
        DEFAULT.periods(aware, naive)


# --- working-day numbers: a subtraction agrees with walking the calendar -------------

_SPAN_START = datetime(2019, 6, 1, tzinfo=timezone.utc)


@settings(max_examples=150, deadline=None)
@given(
    start=st.integers(0, 3 * 366 * 24 * 60),
    length=st.integers(0, 2 * 366 * 24 * 60),
    days_off=st.sets(st.integers(0, 4 * 366), max_size=6),
    makeup=st.sets(st.integers(0, 4 * 366), max_size=4),
)
def test_working_minutes_by_subtraction_match_the_walk(start, length, days_off, makeup):
    base = _SPAN_START.date()
    cal = WorkingCalendar(days_off={base + timedelta(days=d) for d in days_off},
                          makeup_days={base + timedelta(days=d) for d in makeup - days_off})
    begin = _SPAN_START + timedelta(minutes=start, seconds=start % 7)
    end = begin + timedelta(minutes=length, microseconds=length % 999)
    walked = sum((b - a for a, b in cal.periods(begin, end)), timedelta()) // timedelta(minutes=1)
    assert cal.working_minutes_between(begin, end) == walked


def test_working_day_numbers_count_the_working_days_between_across_years():
    cal = WorkingCalendar(days_off={date(2024, 12, 31)})
    first, last = date(2023, 12, 20), date(2025, 1, 10)
    walked = sum(cal.is_working_day(first + timedelta(days=k))
                 for k in range(1, (last - first).days + 1))
    assert cal.working_day_number(last + timedelta(days=1)) - cal.working_day_number(
        first + timedelta(days=1)) == walked
    # Numbers are per calendar: a day off elsewhere does not leak into the office's.
    plain = WorkingCalendar()
    assert plain.working_day_number(date(2025, 1, 1)) - plain.working_day_number(
        date(2024, 12, 31)) == 1
    assert cal.working_day_number(date(2025, 1, 1)) - cal.working_day_number(
        date(2024, 12, 31)) == 0


def test_long_spans_are_still_refused():
    cal = WorkingCalendar()
    with pytest.raises(ValueError):
        cal.working_minutes_between(_SPAN_START, _SPAN_START + timedelta(days=MAX_SPAN_DAYS + 2))
