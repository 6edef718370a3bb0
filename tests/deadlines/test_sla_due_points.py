"""How a due time is given to people and machines: a date for a day count, the minute for an
hour count, and for Open311 the last moment the deadline is still met.

A day-counted deadline is stored as the local midnight after its last day: answer by
Thursday 12 March 2026 is the instant 13 March 00:00 in Ho Chi Minh City (17:00 UTC on
the 12th).
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.deadlines import counting, sla
from app.models import Case, CountUnit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_DAY = date(2026, 3, 12)
MIDNIGHT_AFTER = counting.end_of(LAST_DAY)
AT_14_20 = datetime(2026, 3, 12, 14, 20, tzinfo=VN)


def _case(response_due_at, response_unit, ack_due_at=AT_14_20,
          ack_unit=CountUnit.WORKING_HOURS.value) -> Case:
    return Case(response_due_at=response_due_at, response_due_unit=response_unit,
                ack_due_at=ack_due_at, ack_due_unit=ack_unit)


def test_the_stored_instant_of_a_last_day_is_the_midnight_after_it():
    assert MIDNIGHT_AFTER == datetime(2026, 3, 13, 0, 0, tzinfo=VN)


@pytest.mark.parametrize("unit", [CountUnit.WORKING_DAYS.value, CountUnit.CALENDAR_DAYS.value])
def test_a_day_count_is_its_last_day(unit):
    assert sla.due_point(MIDNIGHT_AFTER, unit) == LAST_DAY


def test_an_hour_count_is_its_instant():
    assert sla.due_point(AT_14_20, CountUnit.WORKING_HOURS.value) == AT_14_20


def test_due_texts_write_a_date_or_the_minute(app):
    with app.test_request_context():
        assert sla.format_due(MIDNIGHT_AFTER, CountUnit.WORKING_DAYS.value) == "12/03/2026"
        assert sla.format_due(AT_14_20, CountUnit.WORKING_HOURS.value) == "12/03/2026 14:20"
        assert sla.format_due(None, CountUnit.WORKING_DAYS.value) == ""
        case = _case(MIDNIGHT_AFTER, CountUnit.WORKING_DAYS.value)
        assert sla.due_text(case) == "12/03/2026"
        assert sla.due_text(case, "ack") == "12/03/2026 14:20"


def test_the_last_moment_of_a_day_count_is_the_last_second_of_its_last_day():
    moment = sla.last_moment(_case(MIDNIGHT_AFTER, CountUnit.WORKING_DAYS.value))
    assert moment == datetime(2026, 3, 12, 23, 59, 59, tzinfo=VN)
    assert counting.last_day_of(MIDNIGHT_AFTER) == moment.astimezone(VN).date()


def test_the_last_moment_of_an_hour_count_is_its_due_instant():
    case = _case(MIDNIGHT_AFTER, CountUnit.WORKING_DAYS.value, ack_due_at=AT_14_20)
    assert sla.last_moment(case, "ack") == AT_14_20
    assert sla.last_moment(_case(AT_14_20, CountUnit.WORKING_HOURS.value)) == AT_14_20


def test_a_case_without_a_due_time_has_no_last_moment():
    assert sla.last_moment(_case(MIDNIGHT_AFTER, CountUnit.WORKING_DAYS.value, ack_due_at=None),
                           "ack") is None


def test_a_midnight_due_counted_in_hours_stays_at_midnight():
    """Only the unit decides: an hour count that ends at midnight is not moved back."""
    assert sla.last_moment(_case(MIDNIGHT_AFTER, CountUnit.WORKING_HOURS.value)) == MIDNIGHT_AFTER
