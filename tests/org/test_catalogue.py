"""Categories, deadline policies and calendar days as administrators change them
(app/org/categories.py, app/deadlines/policy_settings.py, calendar_settings.py)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.errors import InvalidInput
from app.deadlines import calendar_settings, policy_settings
from app.models import AuditEntry, CalendarDay, Category, DeadlinePolicy, Unit, User
from app.org import categories
from tests.factories import EMAILS, MONDAY_9AM, make_case


@pytest.fixture
def admin(db, world) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def _details(db, default_unit, **changes) -> categories.CategoryDetails:
    values = dict(name_vi="Đất đai", name_en="Land", policy_id=db.session.scalar(sa.select(DeadlinePolicy.id)),
                  default_unit=default_unit)
    values.update(changes)
    return categories.CategoryDetails(**values)


def test_a_category_needs_a_unit_or_triage_on_purpose(db, world, admin):
    with pytest.raises(InvalidInput) as err:
        categories.create_category("DATDAI", _details(db, None), admin, MONDAY_9AM)
    assert err.value.field == "default_unit"
    triage = categories.create_category("DATDAI", _details(db, categories.TRIAGE), admin, MONDAY_9AM)
    assert triage.default_unit is None
    assert make_case(triage).unit_id is None


def test_an_inactive_unit_cannot_become_a_default(db, world, admin):
    db.session.get(Unit, world.bhxh).active = False
    with pytest.raises(InvalidInput) as err:
        categories.create_category("DATDAI", _details(db, world.bhxh), admin, MONDAY_9AM)
    assert err.value.field == "default_unit"
    # A category already pointing at it can still be edited without choosing again.
    insurance = db.session.get(Category, world.insurance)
    categories.update_category(insurance, _details(db, world.bhxh, name_vi="BHXH"), admin, MONDAY_9AM)
    assert insurance.default_unit_id == world.bhxh


@pytest.mark.parametrize(("changes", "field"), [
    ({"policy_id": None}, "policy_id"), ({"policy_id": 999}, "policy_id"),
    ({"name_en": ""}, "name_en"), ({"position": -1}, "position"),
    ({"keywords": "x" * 300}, "keywords"),
])
def test_bad_category_details(db, world, admin, changes, field):
    with pytest.raises(InvalidInput) as err:
        categories.create_category("DATDAI", _details(db, world.thue, **changes), admin, MONDAY_9AM)
    assert err.value.field == field


def test_keywords_are_tidied():
    assert categories.clean_keywords(" Sổ Đỏ ;quy  hoạch,, sổ đỏ ") == "sổ đỏ, quy hoạch"


def _targets(**changes) -> policy_settings.Targets:
    values = dict(name="Tiêu chuẩn", ack_hours=8, response_days=10, urgent_ack_hours=2,
                  urgent_response_days=3)
    values.update(changes)
    return policy_settings.Targets(**values)


@pytest.mark.parametrize(("changes", "field"), [
    ({"ack_hours": 0}, "ack_hours"), ({"response_days": -1}, "response_days"),
    ({"urgent_ack_hours": None}, "urgent_ack_hours"), ({"urgent_response_days": True}, "urgent_response_days"),
    ({"response_days": 366}, "response_days"), ({"urgent_ack_hours": 9}, "urgent_ack_hours"),
])
def test_policy_targets_are_positive_and_urgent_is_not_slower(db, world, admin, changes, field):
    with pytest.raises(InvalidInput) as err:
        policy_settings.create_policy("NEW", _targets(**changes), admin, MONDAY_9AM)
    assert err.value.field == field


def test_a_policy_change_reports_the_cases_it_moved(db, world, admin):
    make_case(db.session.get(Category, world.tax))
    policy = db.session.scalar(sa.select(DeadlinePolicy))
    assert policy_settings.update_policy(policy, _targets(name="STD", response_days=5), admin, MONDAY_9AM) == 1
    assert policy_settings.update_policy(policy, _targets(name="STD", response_days=5), admin, MONDAY_9AM) == 0
    assert _count(db) == 1
    assert policy_settings.policies_with_usage() == [(policy, 3)]


def test_calendar_days_and_their_audit(db, world, admin):
    make_case(db.session.get(Category, world.tax))
    assert calendar_settings.add_day(date(2026, 3, 3), "day_off", " Bão ", admin, MONDAY_9AM) == 1
    entry = db.session.scalar(sa.select(CalendarDay))
    assert entry.note == "Bão"
    with pytest.raises(InvalidInput):
        calendar_settings.add_day(date(2026, 3, 3), "working_day", "", admin, MONDAY_9AM)
    with pytest.raises(InvalidInput) as err:
        calendar_settings.add_day(date(2026, 3, 4), "holiday", "", admin, MONDAY_9AM)
    assert err.value.field == "kind"
    assert calendar_settings.remove_day(entry, admin, MONDAY_9AM) == 1
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["create", "delete"]


def test_a_make_up_day_on_a_public_holiday_is_allowed(db, world, admin):
    # 30 April 2026 is a public holiday; a decision may make it a working day.
    calendar_settings.add_day(date(2026, 4, 30), "working_day", "", admin, MONDAY_9AM)
    year = calendar_settings.year_calendar(2026, "en")
    assert (date(2026, 4, 30), "Liberation Day/Reunification Day") in year.public_holidays
    assert [d.day for d in year.exceptions] == [date(2026, 4, 30)]
    assert calendar_settings.year_calendar(2027).exceptions == []
    assert calendar_settings.clamp_year(1800, 2026) == 2026
