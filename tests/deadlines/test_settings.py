"""Deadline policies and the working calendar's exceptions as the console and the
command line change them (app/deadlines/settings.py): one set of rules, every change
audited, open cases' due times counted again.

The world's policy STD: 8 h / 10 days normal, 2 h / 3 days urgent.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.core.audit import COMMAND_LINE
from app.core.errors import InvalidInput
from app.deadlines import settings
from app.models import AuditEntry, CalendarDay, Category, DeadlinePolicy, User
from tests.factories import EMAILS, MONDAY_9AM, make_case


@pytest.fixture
def admin(db, world) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))


@pytest.fixture
def std(db, world) -> DeadlinePolicy:
    return db.session.scalar(sa.select(DeadlinePolicy).where(DeadlinePolicy.code == "STD"))


def _entries(db) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def _targets(**changes) -> settings.Targets:
    values = dict(name="Tiêu chuẩn", ack_hours=8, response_days=10, urgent_ack_hours=2,
                  urgent_response_days=3)
    values.update(changes)
    return settings.Targets(**values)


def _refused(call, field: str) -> str:
    """The refusal's message in English, after checking the field it names."""
    with pytest.raises(InvalidInput) as err:
        call()
    assert err.value.field == field
    with force_locale("en"):
        return str(err.value.message)


# Deadline policies -------------------------------------------------------------------

def test_the_limits_are_400_working_hours_and_120_working_days(db, world, admin):
    assert (settings.MAX_ACK_HOURS, settings.MAX_RESPONSE_DAYS) == (400, 120)
    widest = _targets(ack_hours=400, response_days=120, urgent_ack_hours=400,
                      urgent_response_days=120)
    policy = settings.create_policy("WIDE", widest, admin, MONDAY_9AM)
    assert (policy.ack_hours, policy.response_days) == (400, 120)
    error = _refused(lambda: settings.create_policy("A", _targets(ack_hours=401), admin,
                                                    MONDAY_9AM), "ack_hours")
    assert error == "Enter a whole number from 1 to 400."
    error = _refused(lambda: settings.create_policy("D", _targets(response_days=121), admin,
                                                    MONDAY_9AM), "response_days")
    assert error == "Enter a whole number from 1 to 120."
    _refused(lambda: settings.create_policy("UA", _targets(urgent_ack_hours=401), admin,
                                            MONDAY_9AM), "urgent_ack_hours")
    _refused(lambda: settings.create_policy("UD", _targets(urgent_response_days=121), admin,
                                            MONDAY_9AM), "urgent_response_days")


@pytest.mark.parametrize(("changes", "field"), [
    ({"ack_hours": 0}, "ack_hours"), ({"response_days": -1}, "response_days"),
    ({"urgent_ack_hours": None}, "urgent_ack_hours"),
    ({"urgent_response_days": True}, "urgent_response_days"),
    ({"response_days": "3"}, "response_days"), ({"ack_hours": 1.5}, "ack_hours"),
    ({"response_days": 366}, "response_days"),
    ({"name": "  "}, "name"), ({"name": "x" * 121}, "name"),
])
def test_targets_are_whole_numbers_above_zero_and_a_name_is_required(db, world, admin,
                                                                      changes, field):
    _refused(lambda: settings.create_policy("NEW", _targets(**changes), admin, MONDAY_9AM), field)
    assert _entries(db) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"urgent_ack_hours": 9}, "urgent_ack_hours"),
    ({"urgent_response_days": 11}, "urgent_response_days"),
    # The normal target shortened below the urgent one is the same refusal.
    ({"ack_hours": 1}, "urgent_ack_hours"), ({"response_days": 2}, "urgent_response_days"),
])
def test_urgent_is_never_slower_than_normal(db, world, admin, std, changes, field):
    _refused(lambda: settings.update_policy(std, _targets(**changes), admin, MONDAY_9AM), field)
    db.session.rollback()
    assert settings.targets_of(std) == _targets(name="STD")
    assert _entries(db) == []


def test_urgent_may_equal_normal(db, world, admin, std):
    same = _targets(ack_hours=4, urgent_ack_hours=4, response_days=3, urgent_response_days=3)
    settings.update_policy(std, same, admin, MONDAY_9AM)
    assert (std.urgent_ack_hours, std.urgent_response_days) == (4, 3)


def test_a_refused_change_sets_nothing(db, world, admin, std):
    # Valid ack_hours, invalid response_days: not even the valid one is kept.
    _refused(lambda: settings.update_policy(std, _targets(ack_hours=4, response_days=0), admin,
                                            MONDAY_9AM), "response_days")
    assert (std.ack_hours, std.response_days) == (8, 10)


def test_creating_a_policy_cleans_the_code_and_audits_it(db, world, admin):
    policy = settings.create_policy(" fast ", _targets(name=" Rút gọn "), admin, MONDAY_9AM)
    assert (policy.code, policy.name) == ("FAST", "Rút gọn")
    [entry] = _entries(db)
    assert (entry.action, entry.entity_type, entry.entity_label) == (
        "create", "deadline_policy", "FAST")
    assert (entry.actor_id, entry.actor_email) == (admin.id, EMAILS["admin"])
    assert entry.after == {"code": "FAST", "name": "Rút gọn", "ack_hours": 8, "response_days": 10,
                           "urgent_ack_hours": 2, "urgent_response_days": 3}
    _refused(lambda: settings.create_policy("FAST", _targets(), admin, MONDAY_9AM), "code")
    _refused(lambda: settings.create_policy("", _targets(), admin, MONDAY_9AM), "code")


def test_a_policy_change_reports_the_cases_it_moved(db, world, admin, std):
    make_case(db.session.get(Category, world.tax))
    assert settings.update_policy(std, _targets(name="STD", response_days=5), admin, MONDAY_9AM) == 1
    # The same values again change nothing: no case moves, no entry is written.
    assert settings.update_policy(std, _targets(name="STD", response_days=5), admin, MONDAY_9AM) == 0
    [entry] = _entries(db)
    assert (entry.action, entry.actor_id) == ("update", admin.id)
    assert (entry.before, entry.after) == ({"response_days": 10}, {"response_days": 5})
    assert settings.policies_with_usage() == [(std, 3)]


def test_a_change_from_the_command_line_is_audited_without_a_user(db, world, std):
    make_case(db.session.get(Category, world.tax))
    targets = replace(settings.targets_of(std), response_days=5)
    assert settings.update_policy(std, targets, None, MONDAY_9AM) == 1
    [entry] = _entries(db)
    assert (entry.actor_id, entry.actor_email) == (None, COMMAND_LINE)
    assert (entry.before, entry.after) == ({"response_days": 10}, {"response_days": 5})


def test_a_policy_is_found_by_its_code(db, world, std):
    assert settings.policy_by_code(" std ") is std
    _refused(lambda: settings.policy_by_code("NOPE"), "code")
    [row] = settings.list_policies()
    assert (row.policy, row.categories) == (std, ["BHXH", "KHAC", "THUE"])


# The working calendar ----------------------------------------------------------------

def test_adding_and_removing_a_day_is_audited_and_moves_open_cases(db, world, admin):
    make_case(db.session.get(Category, world.tax))
    assert settings.add_day(date(2026, 3, 3), settings.DAY_OFF, " Bão ", admin, MONDAY_9AM) == 1
    entry = settings.exception_on(date(2026, 3, 3))
    assert (entry.kind, entry.note) == ("day_off", "Bão")
    assert settings.remove_day(entry, admin, MONDAY_9AM) == 1
    assert db.session.scalar(sa.select(CalendarDay)) is None
    created, deleted = _entries(db)
    assert (created.action, created.entity_type, created.entity_label) == (
        "create", "calendar_day", "2026-03-03")
    assert created.after == {"day": "2026-03-03", "kind": "day_off", "note": "Bão"}
    assert (deleted.action, deleted.before, deleted.after) == ("delete", created.after, None)
    assert {created.actor_id, deleted.actor_id} == {admin.id}


def test_a_day_from_the_command_line_is_audited_without_a_user(db, world):
    settings.add_day(date(2026, 3, 14), settings.WORKING_DAY, "", None, MONDAY_9AM)
    settings.remove_day(settings.exception_on(date(2026, 3, 14)), None, MONDAY_9AM)
    assert [(e.action, e.actor_id, e.actor_email) for e in _entries(db)] == [
        ("create", None, COMMAND_LINE), ("delete", None, COMMAND_LINE)]


@pytest.mark.parametrize("kind", [settings.DAY_OFF, settings.WORKING_DAY])
def test_a_day_that_already_has_an_exception_is_refused(db, world, admin, kind):
    settings.add_day(date(2026, 3, 3), settings.DAY_OFF, "Bão", admin, MONDAY_9AM)
    error = _refused(lambda: settings.add_day(date(2026, 3, 3), kind, "", admin, MONDAY_9AM),
                     "day")
    assert error == "This date already has an exception: remove it first."
    assert [(row.kind, row.note) for row in db.session.scalars(sa.select(CalendarDay))] == [
        ("day_off", "Bão")]
    assert len(_entries(db)) == 1


@pytest.mark.parametrize(("day", "kind", "note", "field"), [
    (date(2026, 3, 7), "day_off", "", "day"),       # a Saturday is already off
    (date(2026, 9, 2), "day_off", "", "day"),       # National Day is already off
    (date(2026, 3, 4), "working_day", "", "day"),   # a Wednesday is already worked
    (None, "day_off", "", "day"),
    (date(1999, 3, 3), "day_off", "", "day"), (date(2101, 3, 3), "day_off", "", "day"),
    (date(2026, 3, 4), "holiday", "", "kind"),
    (date(2026, 3, 4), "day_off", "x" * 201, "note"),
])
def test_pointless_or_malformed_days_are_refused(db, world, admin, day, kind, note, field):
    _refused(lambda: settings.add_day(day, kind, note, admin, MONDAY_9AM), field)
    assert db.session.scalar(sa.select(CalendarDay)) is None
    assert _entries(db) == []


def test_a_make_up_day_on_a_public_holiday_is_allowed(db, world, admin):
    # 30 April 2026 is a public holiday; a decision may make it a working day.
    settings.add_day(date(2026, 4, 30), settings.WORKING_DAY, "", admin, MONDAY_9AM)
    year = settings.year_calendar(2026, "en")
    assert (date(2026, 4, 30), "Liberation Day/Reunification Day") in year.public_holidays
    assert [d.day for d in year.exceptions] == [date(2026, 4, 30)]
    assert settings.year_calendar(2027).exceptions == []
    assert settings.clamp_year(1800, 2026) == 2026 and settings.clamp_year(2030, 2026) == 2030
    [entry] = [e for e in settings.year_entries(2026) if e.day == date(2026, 4, 30)]
    assert (entry.working, entry.holiday, entry.exception) == (
        True, "Ngày Chiến thắng", settings.WORKING_DAY)


def test_why_a_day_is_special(db, world, admin):
    settings.add_day(date(2026, 3, 14), settings.WORKING_DAY, "Làm bù", admin, MONDAY_9AM)
    days = [date(2026, 3, 14), date(2026, 9, 2), date(2026, 3, 4)]
    assert settings.day_reasons(days, "en") == {
        date(2026, 3, 14): ("working_day", "Làm bù"),
        date(2026, 9, 2): ("holiday", "National Day"),
        date(2026, 3, 4): ("", ""),
    }
    assert settings.holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert settings.day_reasons([]) == {}
