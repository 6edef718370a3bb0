"""Deadline policies and the working calendar; open cases' due times follow each change.

The case below is received on Monday 2 March 2026 at 09:00 (Ho Chi Minh City) under
the world's policy (8 working hours to acknowledge, 10 working days to answer):
acknowledgment due Tuesday 3 March 09:00, answer due Monday 16 March 09:00.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CalendarDay, Case, Category, DeadlinePolicy
from tests.factories import make_case
from tests.web.admin.conftest import audit_entries


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    """A March 2026 instant given in Ho Chi Minh City time (UTC+7), as UTC."""
    return datetime(2026, 3, day, hour - 7, minute, tzinfo=timezone.utc)


@pytest.fixture
def case_id(app, world) -> int:
    with app.app_context():
        case = make_case(db.session.get(Category, world.tax))
        db.session.commit()
        assert (case.ack_due_at, case.response_due_at) == (utc(3, 9), utc(16, 9))
        return case.id


def _due(app, case_id: int) -> tuple[datetime, datetime]:
    with app.app_context():
        case = db.session.get(Case, case_id)
        return case.ack_due_at, case.response_due_at


def _policy(app) -> DeadlinePolicy:
    with app.app_context():
        policy = db.session.scalar(sa.select(DeadlinePolicy))
        db.session.expunge(policy)
        return policy


def _targets(prefix: str, name="STD", ack="8", days="10", urgent_ack="2", urgent_days="3"):
    return {f"{prefix}-name": name, f"{prefix}-ack_hours": ack, f"{prefix}-response_days": days,
            f"{prefix}-urgent_ack_hours": urgent_ack, f"{prefix}-urgent_response_days": urgent_days}


def test_add_a_policy(app, admin, world):
    response = admin.post("/admin/policies", {"new-code": "fast", **_targets("new", "Rút gọn", "4", "5", "1", "2")})
    assert response.status_code == 303
    with app.app_context():
        policy = db.session.scalar(sa.select(DeadlinePolicy).where(DeadlinePolicy.code == "FAST"))
        assert (policy.ack_hours, policy.response_days, policy.urgent_ack_hours,
                policy.urgent_response_days) == (4, 5, 1, 2)
    assert audit_entries(app, "deadline_policy")[-1].action == "create"


@pytest.mark.parametrize(("field", "value"), [
    ("ack_hours", "0"), ("response_days", "-3"), ("urgent_ack_hours", "abc"),
    ("urgent_response_days", ""), ("response_days", "1.5"), ("ack_hours", "100000"),
])
def test_targets_must_be_positive_whole_numbers(app, admin, world, field, value):
    data = {"new-code": "BAD", **_targets("new")}
    data[f"new-{field}"] = value
    response = admin.post("/admin/policies", data)
    assert response.status_code == 422
    assert f'id="new-{field}-error"' in response.get_data(as_text=True)
    assert audit_entries(app) == []


def test_urgent_targets_cannot_be_longer_than_normal_ones(app, admin, world):
    response = admin.post("/admin/policies", {"new-code": "ODD", **_targets("new", urgent_days="12")})
    assert response.status_code == 422
    assert 'id="new-urgent_response_days-error"' in response.get_data(as_text=True)


def test_changing_a_policy_moves_open_due_times(app, admin, world, case_id):
    policy = _policy(app)
    prefix = f"policy{policy.id}"
    row = admin.get(f"/admin/policies/{policy.id}/edit", headers={"HX-Request": "true"})
    assert row.get_data(as_text=True).lstrip().startswith(f'<tbody id="policy-{policy.id}"')
    response = admin.post(f"/admin/policies/{policy.id}", _targets(prefix, ack="4", days="5"), htmx=True)
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith(f'<tbody id="policy-{policy.id}"')
    # 4 working hours from Monday 09:00: 2.5 h to 11:30, then 13:00 + 1.5 h = 14:30.
    assert _due(app, case_id) == (utc(2, 14, 30), utc(9, 9))
    entry = audit_entries(app, "deadline_policy")[-1]
    assert entry.before == {"ack_hours": 8, "response_days": 10}
    assert entry.after == {"ack_hours": 4, "response_days": 5}


def test_a_refused_policy_change_leaves_due_times_alone(app, admin, world, case_id):
    policy = _policy(app)
    response = admin.post(f"/admin/policies/{policy.id}", _targets(f"policy{policy.id}", ack="0"))
    assert response.status_code == 422 and "<html" in response.get_data(as_text=True)
    assert _due(app, case_id) == (utc(3, 9), utc(16, 9))


def test_calendar_shows_public_holidays_read_only(admin, world):
    text = admin.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "02/09/2026" in text and "17/02/2026" in text  # National Day, Tết
    assert "Quốc khánh" in text


def test_an_extra_day_off_moves_open_due_times_and_removing_it_moves_them_back(app, admin, world, case_id):
    response = admin.post("/admin/calendar?year=2026", {
        "day": "2026-03-03", "kind": "day_off", "note": "Nghỉ bù theo quyết định"}, htmx=True)
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith('<div id="calendar-days"')
    # Tuesday is off: the 1.5 h left after Monday run on Wednesday; the answer a day later.
    assert _due(app, case_id) == (utc(4, 9), utc(17, 9))
    with app.app_context():
        day_id = db.session.scalar(sa.select(CalendarDay.id))
    assert admin.post(f"/admin/calendar/{day_id}/delete").status_code == 303
    assert _due(app, case_id) == (utc(3, 9), utc(16, 9))
    entries = audit_entries(app, "calendar_day")
    assert [e.action for e in entries] == ["create", "delete"]
    assert entries[0].after == {"day": "2026-03-03", "kind": "day_off", "note": "Nghỉ bù theo quyết định"}
    assert entries[1].before == entries[0].after and entries[1].after is None


def test_a_make_up_saturday_shortens_the_wait(app, admin, world, case_id):
    admin.post("/admin/calendar", {"day": "2026-03-07", "kind": "working_day", "note": ""})
    # Saturday 7 March now counts: the answer falls one working day earlier.
    assert _due(app, case_id) == (utc(3, 9), utc(13, 9))


@pytest.mark.parametrize(("day", "kind"), [
    ("2026-03-07", "day_off"),      # a Saturday is already off
    ("2026-09-02", "day_off"),      # National Day is already off
    ("2026-03-04", "working_day"),  # a Wednesday is already worked
    ("", "day_off"),
    ("03/04/2026", "day_off"),
])
def test_pointless_or_malformed_days_are_refused(app, admin, world, day, kind):
    response = admin.post("/admin/calendar", {"day": day, "kind": kind, "note": ""})
    assert response.status_code == 422
    assert 'id="day-error"' in response.get_data(as_text=True)
    assert audit_entries(app) == []


def test_the_same_day_twice_is_refused(app, admin, world):
    admin.post("/admin/calendar", {"day": "2026-03-03", "kind": "day_off", "note": ""})
    response = admin.post("/admin/calendar", {"day": "2026-03-03", "kind": "day_off", "note": ""})
    assert response.status_code == 422
    assert len(audit_entries(app, "calendar_day")) == 1


def test_calendar_names_its_source_and_the_package_swaps(admin, world):
    text = admin.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "0.109" in text and "official list" not in text
    assert "22/08/2026" in text and "31/08/2026" in text  # the swap the package lists, both halves
