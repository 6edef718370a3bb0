"""Categories: add and edit with names, keywords, routing (a unit, or triage on purpose),
flags and order; withdraw and offer again."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Category
from tests.web.admin.conftest import audit_entries


def _category(app, code: str) -> Category | None:
    with app.app_context():
        category = db.session.scalar(sa.select(Category).where(Category.code == code))
        if category is not None:
            db.session.expunge(category)
        return category


def _form(app, default_unit: str, **overrides) -> dict:
    data = {"code": "DATDAI", "name_vi": "Đất đai", "name_en": "Land",
            "keywords": "Sổ đỏ,  quy hoạch ; sổ đỏ", "default_unit": default_unit,
            "asks_location": "y", "active": "y",
            "position": "3"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_add_a_category_routed_to_a_unit(app, admin, world):
    response = admin.post("/admin/categories/new", _form(app, str(world.thue)))
    assert response.status_code == 303
    category = _category(app, "DATDAI")
    assert category.default_unit_id == world.thue and category.asks_location
    assert category.keywords == "sổ đỏ, quy hoạch" and category.position == 3
    entry = audit_entries(app, "category")[-1]
    assert entry.action == "create"
    assert entry.after["default_unit"] == "THUE" and "policy" not in entry.after
    listing = admin.get("/admin/categories").get_data(as_text=True)
    assert "Đất đai" in listing


def test_a_category_without_a_choice_of_unit_is_refused(app, admin, world):
    response = admin.post("/admin/categories/new", _form(app, ""))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert re.search(r'id="default_unit-error">[^<]+', text)
    assert _category(app, "DATDAI") is None and audit_entries(app) == []


def test_triage_must_be_chosen_explicitly_and_is_shown(app, admin, world):
    response = admin.post("/admin/categories/new", _form(app, "triage"))
    assert response.status_code == 303
    assert _category(app, "DATDAI").default_unit_id is None
    row = admin.get("/admin/categories").get_data(as_text=True)
    row = row[row.index(f'id="category-{_category(app, "DATDAI").id}"'):]
    assert "badge deadline-due_soon" in row[:row.index("</tbody>")]


def test_duplicate_code_is_refused(app, admin, world):
    response = admin.post("/admin/categories/new", _form(app, str(world.thue), code="thue"))
    assert response.status_code == 422
    assert 'id="code-error"' in response.get_data(as_text=True)


def test_missing_names_and_bad_order_are_refused(app, admin, world):
    response = admin.post("/admin/categories/new", _form(app, str(world.thue), name_en="",
                                                         position="abc"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'id="name_en-error"' in text and 'id="position-error"' in text


def test_edit_a_category_moves_it_to_triage_and_records_it(app, admin, world):
    page = admin.get(f"/admin/categories/{world.tax}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{world.thue}">', page)
    response = admin.post(f"/admin/categories/{world.tax}/edit",
                          _form(app, "triage", code=None, name_vi="Thuế", name_en="Tax",
                                keywords="", asks_location=None, position="0"))
    assert response.status_code == 303
    category = _category(app, "THUE")
    assert category.default_unit_id is None and category.code == "THUE"
    entry = audit_entries(app, "category")[-1]
    assert entry.before == {"default_unit": "THUE"} and entry.after == {"default_unit": None}


def test_withdraw_and_offer_again(app, admin, client, world):
    response = admin.post(f"/admin/categories/{world.insurance}/deactivate", htmx=True)
    assert response.status_code == 200
    assert f"/admin/categories/{world.insurance}/reactivate" in response.get_data(as_text=True)
    assert "Bảo hiểm xã hội" not in client.get("/feedback/new").get_data(as_text=True)
    admin.post(f"/admin/categories/{world.insurance}/reactivate")
    assert "Bảo hiểm xã hội" in client.get("/feedback/new").get_data(as_text=True)
    assert [e.action for e in audit_entries(app, "category")] == ["deactivate", "reactivate"]
