"""Categories as administrators change them (app/org/categories.py).

Deadline regimes and calendar days are tested in tests/deadlines/test_settings.py."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.core.errors import InvalidInput
from app.models import Category, Unit, User
from app.org import categories
from tests.factories import EMAILS, MONDAY_9AM, make_case


@pytest.fixture
def admin(db, world) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))


def _details(db, default_unit, **changes) -> categories.CategoryDetails:
    values = dict(name_vi="Đất đai", name_en="Land", default_unit=default_unit)
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
    ({"name_en": ""}, "name_en"), ({"position": -1}, "position"),
    ({"keywords": "x" * 300}, "keywords"),
])
def test_bad_category_details(db, world, admin, changes, field):
    with pytest.raises(InvalidInput) as err:
        categories.create_category("DATDAI", _details(db, world.thue, **changes), admin, MONDAY_9AM)
    assert err.value.field == field


def test_keywords_are_tidied():
    assert categories.clean_keywords(" Sổ Đỏ ;quy  hoạch,, sổ đỏ ") == "sổ đỏ, quy hoạch"


def test_a_campaign_only_unit_cannot_become_a_default(db, world, admin):
    db.session.get(Unit, world.bhxh).handles_cases = False
    with pytest.raises(InvalidInput) as err:
        categories.create_category("DATDAI", _details(db, world.bhxh), admin, MONDAY_9AM)
    assert err.value.field == "default_unit"
