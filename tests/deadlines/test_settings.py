"""Deadline regimes and the working calendar's exceptions as the console and the
command line change them (app/deadlines/settings.py): one set of rules, every change
audited, open cases' due times counted again.

The base regime of phản ánh (seeded from the law): first step in 8 working hours, the
answer in 10 days, one extension of at most 5 days.
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
from app.deadlines.counting import last_day_of
from app.models import AuditEntry, CalendarDay, Case, Category, DeadlineRegime, User
from tests.factories import EMAILS, MONDAY_9AM, make_case


@pytest.fixture
def admin(db, world) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))


@pytest.fixture
def base(db, world) -> DeadlineRegime:
    """The base regime of phản ánh."""
    return db.session.scalar(sa.select(DeadlineRegime).where(
        DeadlineRegime.kind == "phan_anh", DeadlineRegime.category_id.is_(None),
        DeadlineRegime.priority.is_(None)))


def _entries(db) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def _terms(**changes) -> settings.Terms:
    values = dict(first_step_amount=8, first_step_unit="working_hours", resolution_amount=10,
                  resolution_unit="calendar_days", resolution_from_first_step=False,
                  max_extensions=1, extension_amount=5, extension_unit="calendar_days",
                  legal_source="Quy chế thử")
    values.update(changes)
    return settings.Terms(**values)


def _last_day(db, case: Case) -> date:
    """The last day of a case's answer, as stored now."""
    db.session.refresh(case)
    return last_day_of(case.response_due_at)


def _refused(call, field: str) -> str:
    """The refusal's message in English, after checking the field it names."""
    with pytest.raises(InvalidInput) as err:
        call()
    assert err.value.field == field
    with force_locale("en"):
        return str(err.value.message)


# Deadline regimes ---------------------------------------------------------------------

@pytest.mark.parametrize(("unit", "most"), [
    ("working_hours", 400), ("working_days", 120), ("calendar_days", 180)])
def test_each_unit_has_its_limit(db, world, admin, base, unit, most):
    settings.update_regime(base, _terms(first_step_amount=most, first_step_unit=unit,
                                        resolution_amount=most, resolution_unit=unit),
                           admin, MONDAY_9AM)
    assert (base.first_step_amount, base.first_step_unit) == (most, unit)
    error = _refused(lambda: settings.update_regime(
        base, _terms(resolution_amount=most + 1, resolution_unit=unit), admin, MONDAY_9AM),
        "resolution_amount")
    assert error == f"Enter a whole number from 1 to {most}."


def test_at_most_three_extensions_counted_in_days(db, world, admin, base):
    settings.update_regime(base, _terms(max_extensions=3, extension_amount=120,
                                        extension_unit="working_days"), admin, MONDAY_9AM)
    assert (base.max_extensions, base.extension_amount, base.extension_unit) == (
        3, 120, "working_days")
    assert _refused(lambda: settings.update_regime(base, _terms(max_extensions=4), admin,
                                                   MONDAY_9AM),
                    "max_extensions") == "Enter a whole number from 0 to 3."
    assert _refused(lambda: settings.update_regime(
        base, _terms(extension_unit="working_hours", extension_amount=8), admin, MONDAY_9AM),
        "extension_unit") == "An extension is counted in working days or in days."
    # No extension allowed: the length typed (even none) does not matter.
    settings.update_regime(base, _terms(max_extensions=0, extension_amount=None), admin,
                           MONDAY_9AM)
    assert (base.max_extensions, base.extension_amount) == (0, 0)


@pytest.mark.parametrize(("changes", "field"), [
    ({"first_step_amount": 0}, "first_step_amount"),
    ({"resolution_amount": -1}, "resolution_amount"),
    ({"first_step_amount": None}, "first_step_amount"),
    ({"resolution_amount": True}, "resolution_amount"),
    ({"resolution_amount": "3"}, "resolution_amount"),
    ({"first_step_amount": 1.5}, "first_step_amount"),
    ({"extension_amount": 0}, "extension_amount"),
    ({"max_extensions": -1}, "max_extensions"),
    ({"max_extensions": None}, "max_extensions"),
    ({"first_step_unit": "weeks"}, "first_step_unit"),
    ({"resolution_unit": ""}, "resolution_unit"),
    ({"extension_unit": "months"}, "extension_unit"),
    ({"legal_source": "x" * 401}, "legal_source"),
])
def test_bad_terms_are_refused_and_nothing_is_set(db, world, admin, base, changes, field):
    before = settings.terms_of(base)
    _refused(lambda: settings.update_regime(base, _terms(**changes), admin, MONDAY_9AM), field)
    assert settings.terms_of(base) == before
    assert _entries(db) == []


def test_a_change_recounts_the_open_cases_of_its_kind_only(db, world, admin, base):
    feedback = make_case(db.session.get(Category, world.tax))
    question = make_case(db.session.get(Category, world.tax), kind="hoi_dap")
    before = question.response_due_at
    assert _last_day(db, feedback) == date(2026, 3, 12)
    changed = settings.update_regime(base, _terms(resolution_amount=5, legal_source=" Mới "),
                                     admin, MONDAY_9AM)
    assert changed == 1
    # Five days from Monday 2 March: the last day is Saturday 7, moved to Monday 9 March.
    assert _last_day(db, feedback) == date(2026, 3, 9)
    db.session.refresh(question)
    assert question.response_due_at == before
    [entry] = _entries(db)
    assert (entry.action, entry.entity_type, entry.entity_label, entry.actor_id) == (
        "update", "deadline_regime", "phan_anh/*/*", admin.id)
    assert entry.after == {"resolution_amount": 5, "legal_source": "Mới"}
    assert entry.before["resolution_amount"] == 10
    # The same terms again change nothing: no case moves, no entry is written.
    assert settings.update_regime(base, _terms(resolution_amount=5, legal_source="Mới"),
                                  admin, MONDAY_9AM) == 0
    assert len(_entries(db)) == 1


def test_a_change_from_the_command_line_is_audited_without_a_user(db, world, base):
    make_case(db.session.get(Category, world.tax))
    terms = replace(settings.terms_of(base), resolution_amount=5)
    assert settings.update_regime(base, terms, None, MONDAY_9AM) == 1
    [entry] = _entries(db)
    assert (entry.actor_id, entry.actor_email) == (None, COMMAND_LINE)
    assert (entry.before, entry.after) == ({"resolution_amount": 10}, {"resolution_amount": 5})


def test_a_regime_for_a_field_governs_its_cases_and_is_audited(db, world, admin):
    tax_case = make_case(db.session.get(Category, world.tax))
    other_case = make_case(db.session.get(Category, world.insurance))
    other_due = other_case.response_due_at
    regime, changed = settings.create_regime(
        "phan_anh", world.tax, None, _terms(resolution_amount=3, resolution_unit="working_days"),
        admin, MONDAY_9AM)
    assert changed == 1
    assert (regime.kind, regime.category_id, regime.priority) == ("phan_anh", world.tax, None)
    # Three working days after Monday 2 March: Thursday 5 March.
    assert _last_day(db, tax_case) == date(2026, 3, 5)
    db.session.refresh(other_case)
    assert other_case.response_due_at == other_due
    [entry] = _entries(db)
    assert (entry.action, entry.entity_label) == ("create", "phan_anh/THUE/*")
    assert entry.after["category_id"] == world.tax and entry.after["resolution_amount"] == 3
    # Removing it: the base regime governs the case again.
    assert settings.delete_regime(regime, admin, MONDAY_9AM) == 1
    assert _last_day(db, tax_case) == date(2026, 3, 12)
    assert [(e.action, e.after) for e in _entries(db)][-1] == ("delete", None)
    assert _entries(db)[-1].before == entry.after


def test_a_regime_for_a_priority_only(db, world, admin):
    regime, changed = settings.create_regime("khieu_nai", None, "urgent", _terms(), admin,
                                             MONDAY_9AM)
    assert (regime.category_id, regime.priority, changed) == (None, "urgent", 0)
    assert settings.regime_label(regime) == "khieu_nai/*/urgent"


@pytest.mark.parametrize(("kind", "category", "priority", "field"), [
    ("phan_anh", None, None, "category_id"),      # the base regime exists already
    ("phan_anh", None, "urgent", "category_id"),  # seeded with the law's defaults
    ("gop_y", None, "urgent", "kind"),
    ("phan_anh", 999, None, "category_id"),
    ("phan_anh", None, "soon", "priority"),
])
def test_a_scope_must_be_new_and_known(db, world, admin, kind, category, priority, field):
    count = db.session.scalar(sa.select(sa.func.count(DeadlineRegime.id)))
    _refused(lambda: settings.create_regime(kind, category, priority, _terms(), admin,
                                            MONDAY_9AM), field)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(DeadlineRegime.id))) == count
    assert _entries(db) == []


def test_the_same_field_and_priority_twice_is_refused(db, world, admin):
    settings.create_regime("to_cao", world.tax, "normal", _terms(), admin, MONDAY_9AM)
    error = _refused(lambda: settings.create_regime("to_cao", world.tax, "normal", _terms(),
                                                    admin, MONDAY_9AM), "category_id")
    assert error == "A regime for this kind, field and priority exists already."
    # Another kind, or the field alone, is another scope.
    settings.create_regime("khieu_nai", world.tax, "normal", _terms(), admin, MONDAY_9AM)
    settings.create_regime("to_cao", world.tax, None, _terms(), admin, MONDAY_9AM)


def test_a_base_regime_cannot_be_removed(db, world, admin, base):
    make_case(db.session.get(Category, world.tax))
    error = _refused(lambda: settings.delete_regime(base, admin, MONDAY_9AM), "regime")
    assert error == "A kind's base regime cannot be removed; change it instead."
    assert settings.is_base(base)
    assert db.session.get(DeadlineRegime, base.id) is base and _entries(db) == []


def test_regimes_are_listed_by_kind_base_first(db, world, admin):
    settings.create_regime("phan_anh", world.tax, None, _terms(), admin, MONDAY_9AM)
    scopes = [settings.regime_label(r) for r in settings.list_regimes()]
    assert scopes[:3] == ["phan_anh/*/*", "phan_anh/*/urgent", "phan_anh/THUE/*"]
    assert scopes[-1] == "hoi_dap/*/*" and len(scopes) == 8
    assert settings.category_by_code(" thue ").id == world.tax
    _refused(lambda: settings.category_by_code("NOPE"), "category_id")


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
