"""Deadline regimes and the working calendar; open cases' due times follow each change.

The case below is a phản ánh received on Monday 2 March 2026 at 09:00 (Ho Chi Minh City)
under the kind's base regime (first step in 8 working hours, the answer in 10 days):
first step due Tuesday 3 March 09:00, the answer's last day Thursday 12 March.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from app.deadlines.counting import end_of
from app.extensions import db
from app.models import CalendarDay, Case, Category, DeadlineRegime
from tests.factories import EMAILS, make_case, make_regime
from tests.web.admin.conftest import HTMX, audit_entries


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    """A March 2026 instant given in Ho Chi Minh City time (UTC+7), as UTC."""
    return datetime(2026, 3, day, hour - 7, minute, tzinfo=timezone.utc)


def last(day: int) -> datetime:
    """The due instant of a day count whose last day is ``day`` March 2026."""
    return end_of(date(2026, 3, day))


@pytest.fixture
def case_id(app, world) -> int:
    with app.app_context():
        case = make_case(db.session.get(Category, world.tax))
        db.session.commit()
        assert (case.ack_due_at, case.response_due_at) == (utc(3, 9), last(12))
        return case.id


def _due(app, case_id: int) -> tuple[datetime, datetime]:
    with app.app_context():
        case = db.session.get(Case, case_id)
        return case.ack_due_at, case.response_due_at


def _base_id(app, kind: str = "phan_anh") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(DeadlineRegime.id).where(
            DeadlineRegime.kind == kind, DeadlineRegime.category_id.is_(None),
            DeadlineRegime.priority.is_(None)))


def _terms(prefix: str, first="8", first_unit="working_hours", answer="10",
           answer_unit="calendar_days", extensions="1", extension="5",
           extension_unit="calendar_days", source="Quy chế", from_acceptance=False) -> dict:
    data = {f"{prefix}-first_step_amount": first, f"{prefix}-first_step_unit": first_unit,
            f"{prefix}-resolution_amount": answer, f"{prefix}-resolution_unit": answer_unit,
            f"{prefix}-max_extensions": extensions, f"{prefix}-extension_amount": extension,
            f"{prefix}-extension_unit": extension_unit, f"{prefix}-legal_source": source}
    if from_acceptance:
        data[f"{prefix}-resolution_from_first_step"] = "y"
    return data


def _scope(kind="phan_anh", category="0", priority="") -> dict:
    return {"new-kind": kind, "new-category_id": category, "new-priority": priority}


def test_the_page_lists_every_regime_with_the_laws_it_follows(admin, world):
    text = admin.get("/admin/regimes?lang=en").get_data(as_text=True)
    assert "<h1>Deadline regimes</h1>" in text and text.count(">Base regime<") == 5
    assert text.count('<p class="legal-source"><strong>Legal source:</strong>') == 5
    assert "Luật Khiếu nại 2011" in text
    assert "Luật Tố cáo 2018" in text
    # A base regime has no remove button; the seeded urgent ones do.
    assert text.count("/delete\"") == 2


@pytest.mark.parametrize("email", ["operator", "officer_thue", "head_thue", "committee"])
def test_only_admins_see_or_change_regimes(app, client, auth, world, email):
    auth.login(EMAILS[email])
    regime_id = _base_id(app)
    assert client.get("/admin/regimes").status_code == 403
    assert client.get(f"/admin/regimes/{regime_id}/edit").status_code == 403
    response = client.post(f"/admin/regimes/{regime_id}", data=_terms(f"regime{regime_id}", answer="5"))
    assert response.status_code in (400, 403)  # no CSRF token outside the console either way
    assert audit_entries(app) == []


def test_edit_a_regime_in_place_moves_open_due_times(app, admin, world, case_id):
    regime_id = _base_id(app)
    prefix = f"regime{regime_id}"
    row = admin.get(f"/admin/regimes/{regime_id}/edit", headers=HTMX)
    assert row.get_data(as_text=True).lstrip().startswith(f'<tbody id="regime-{regime_id}"')
    assert f'name="{prefix}-resolution_amount"' in row.get_data(as_text=True)
    response = admin.post(f"/admin/regimes/{regime_id}?lang=en",
                          _terms(prefix, first="4", answer="3", answer_unit="working_days"),
                          htmx=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.lstrip().startswith(f'<tbody id="regime-{regime_id}"')
    assert "Regime saved. 1 open case has new due times." in text
    # 4 working hours from Monday 09:00: 2.5 h to 11:30, then 13:00 + 1.5 h = 14:30; three
    # working days after Monday: Thursday 5 March.
    assert _due(app, case_id) == (utc(2, 14, 30), last(5))
    entry = audit_entries(app, "deadline_regime")[-1]
    assert (entry.action, entry.actor_email, entry.entity_label) == (
        "update", EMAILS["admin"], "phan_anh/*/*")
    assert entry.before["first_step_amount"] == 8 and entry.after["first_step_amount"] == 4
    assert entry.after["resolution_unit"] == "working_days"
    # Cancel shows the row again.
    cancel = admin.get(f"/admin/regimes/{regime_id}/row?lang=vi")
    assert "<td>3 ngày làm việc</td>" in cancel.get_data(as_text=True)


def test_edit_a_regime_without_javascript(app, admin, world, case_id):
    regime_id = _base_id(app)
    page = admin.get(f"/admin/regimes/{regime_id}/edit").get_data(as_text=True)
    assert "<html" in page and "<h1>" in page
    response = admin.post(f"/admin/regimes/{regime_id}?lang=en",
                          _terms(f"regime{regime_id}", answer="5", from_acceptance=True))
    assert response.status_code == 303
    follow = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Regime saved. 1 open case has new due times." in follow
    with app.app_context():
        assert db.session.get(DeadlineRegime, regime_id).resolution_from_first_step


@pytest.mark.parametrize(("changes", "field"), [
    ({"first": "0"}, "first_step_amount"),
    ({"answer": "-3"}, "resolution_amount"),
    ({"answer": "abc"}, "resolution_amount"),
    ({"first": ""}, "first_step_amount"),
    ({"answer": "1.5"}, "resolution_amount"),
    ({"first": "401"}, "first_step_amount"),
    ({"answer": "181"}, "resolution_amount"),
    ({"first_unit": "weeks"}, "first_step_unit"),
    ({"extensions": "4"}, "max_extensions"),
    ({"extension_unit": "working_hours"}, "extension_unit"),
    ({"extension": "0"}, "extension_amount"),
    ({"source": "x" * 401}, "legal_source"),
])
def test_bad_terms_are_shown_next_to_their_field(app, admin, world, case_id, changes, field):
    regime_id = _base_id(app)
    prefix = f"regime{regime_id}"
    response = admin.post(f"/admin/regimes/{regime_id}", _terms(prefix, **changes), htmx=True)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'id="{prefix}-{field}-error"' in text and "<html" not in text
    page = admin.post(f"/admin/regimes/{regime_id}", _terms(prefix, **changes))
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)
    assert f'id="{prefix}-{field}-error"' in page.get_data(as_text=True)
    assert _due(app, case_id) == (utc(3, 9), last(12))
    assert audit_entries(app) == []


def test_add_a_regime_for_a_field_and_remove_it(app, admin, world, case_id):
    response = admin.post("/admin/regimes?lang=en", {
        **_scope(category=str(world.tax)), **_terms("new", answer="3", answer_unit="working_days")})
    assert response.status_code == 303
    follow = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Regime added. 1 open case has new due times." in follow
    assert _due(app, case_id) == (utc(3, 9), last(5))
    with app.app_context():
        regime_id = db.session.scalar(sa.select(DeadlineRegime.id).where(
            DeadlineRegime.category_id == world.tax))
    listing = admin.get("/admin/regimes?lang=vi").get_data(as_text=True)
    assert f'id="regime-{regime_id}"' in listing and "Thuế · " in listing
    removed = admin.post(f"/admin/regimes/{regime_id}/delete?lang=en")
    assert removed.status_code == 303
    follow = admin.get(removed.headers["Location"]).get_data(as_text=True)
    assert "Regime removed. 1 open case has new due times." in follow
    assert _due(app, case_id) == (utc(3, 9), last(12))
    entries = audit_entries(app, "deadline_regime")
    assert [(e.action, e.entity_label) for e in entries] == [
        ("create", "phan_anh/THUE/*"), ("delete", "phan_anh/THUE/*")]


@pytest.mark.parametrize(("scope", "field"), [
    ({}, "category_id"),                               # neither a field nor a priority
    ({"priority": "urgent"}, "category_id"),           # the seeded urgent regime exists
    ({"kind": "gop_y", "priority": "urgent"}, "kind"),
    ({"category": "999"}, "category_id"),
    ({"category": "abc"}, "category_id"),
    ({"priority": "soon"}, "priority"),
])
def test_a_new_regime_needs_a_new_known_scope(app, admin, world, scope, field):
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(DeadlineRegime.id)))
    response = admin.post("/admin/regimes", {**_scope(**scope), **_terms("new")})
    assert response.status_code == 422
    assert f'id="new-{field}-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(DeadlineRegime.id))) == count
    assert audit_entries(app) == []


def test_a_base_regime_cannot_be_removed(app, admin, world):
    regime_id = _base_id(app, "khieu_nai")
    response = admin.post(f"/admin/regimes/{regime_id}/delete?lang=en")
    assert response.status_code == 422
    assert ('<div class="notice notice-error" role="alert">A kind&#39;s base regime cannot be '
            'removed; change it instead.</div>') in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DeadlineRegime, regime_id) is not None
    assert audit_entries(app) == []
    assert admin.post("/admin/regimes/99999/delete").status_code == 404
    assert admin.get("/admin/regimes/99999/edit").status_code == 404


def test_calendar_shows_public_holidays_read_only(admin, world):
    text = admin.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "02/09/2026" in text and "17/02/2026" in text  # National Day, Tết
    assert "Quốc khánh" in text


def test_an_extra_day_off_moves_open_due_times_and_removing_it_moves_them_back(app, admin, world, case_id):
    response = admin.post("/admin/calendar?year=2026", {
        "day": "2026-03-03", "kind": "day_off", "note": "Nghỉ bù theo quyết định"}, htmx=True)
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith('<div id="calendar-days"')
    # Tuesday is off: the 1.5 h left after Monday run on Wednesday; the answer, counted in
    # days, keeps its last day (a Thursday, worked).
    assert _due(app, case_id) == (utc(4, 9), last(12))
    with app.app_context():
        day_id = db.session.scalar(sa.select(CalendarDay.id))
    assert admin.post(f"/admin/calendar/{day_id}/delete").status_code == 303
    assert _due(app, case_id) == (utc(3, 9), last(12))
    entries = audit_entries(app, "calendar_day")
    assert [e.action for e in entries] == ["create", "delete"]
    assert entries[0].after == {"day": "2026-03-03", "kind": "day_off", "note": "Nghỉ bù theo quyết định"}
    assert entries[1].before == entries[0].after and entries[1].after is None


def test_a_make_up_saturday_shortens_a_count_of_working_days(app, admin, world, case_id):
    with app.app_context():
        make_regime(resolution=(10, "working_days"))
        db.session.commit()
    admin.post("/admin/calendar", {"day": "2026-03-07", "kind": "working_day", "note": ""})
    # Ten working days after Monday 2 March end on Monday 16; Saturday 7 now counts: Friday 13.
    assert _due(app, case_id) == (utc(3, 9), last(13))


def test_a_make_up_saturday_is_a_last_day_that_no_longer_moves(app, admin, world, case_id):
    regime_id = _base_id(app)
    admin.post(f"/admin/regimes/{regime_id}", _terms(f"regime{regime_id}", answer="5"))
    # Five days after Monday 2 March end on Saturday 7, a day off: moved to Monday 9.
    assert _due(app, case_id) == (utc(3, 9), last(9))
    admin.post("/admin/calendar", {"day": "2026-03-07", "kind": "working_day", "note": ""})
    assert _due(app, case_id) == (utc(3, 9), last(7))


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
