"""The unit tree: add, edit in place, move (never under itself), deactivate, reactivate."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Category, Unit
from tests.factories import make_case
from tests.web.admin.conftest import audit_entries


def _unit(app, code: str) -> Unit:
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
        db.session.expunge(unit)
        return unit


def _new(code: str, name: str, parent: int = 0, **extra) -> dict:
    form = {"new-code": code, "new-name": name, "new-name_en": extra.get("name_en", ""),
            "new-email": extra.get("email", ""), "new-parent_id": str(parent)}
    if extra.get("handles_cases", True):
        form["new-handles_cases"] = "y"  # a ticked checkbox; an unticked one is not sent
    return form


def test_the_tree_nests_units_under_their_parent(admin, world):
    text = admin.get("/admin/units").get_data(as_text=True)
    root = text.index('id="unit-%d"' % world.root)
    thue = text.index('id="unit-%d"' % world.thue)
    assert root < thue
    # THUE sits in a nested list under the root's item.
    assert re.search(r'id="unit-%d".*?<ul>.*?id="unit-%d"' % (world.root, world.thue), text, re.S)
    assert "Cục Thuế TP HCM" in text and "Bảo hiểm Xã hội TP HCM" in text


def test_add_a_unit_under_a_parent(app, admin, world):
    response = admin.post("/admin/units", _new("q1", "UBND Quận 1", world.root,
                                               name_en="District 1", email="Q1@Example.vn"))
    assert response.status_code == 303 and response.headers["Location"] == "/admin/units"
    unit = _unit(app, "Q1")
    assert unit.parent_id == world.root and unit.name_en == "District 1"
    assert unit.email == "q1@example.vn" and unit.active
    entry = audit_entries(app, "unit")[-1]
    assert entry.action == "create" and entry.entity_id == unit.id
    assert entry.after == {"code": "Q1", "name": "UBND Quận 1", "name_en": "District 1",
                           "email": "q1@example.vn", "active": True, "handles_cases": True,
                           "parent": "DUK"}
    assert entry.actor_email == "admin@test.vn"


def test_duplicate_code_is_refused_next_to_the_field(app, admin, world):
    response = admin.post("/admin/units", _new("thue", "Another tax office"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert re.search(r'id="new-code-error">[^<]*(đã được dùng|already used)', text)
    assert 'value="Another tax office"' in text  # nothing typed is lost
    assert audit_entries(app, "unit") == []


def test_a_code_with_accents_or_spaces_is_refused(admin, world):
    response = admin.post("/admin/units", _new("Quận 1", "UBND Quận 1"))
    assert response.status_code == 422
    assert 'id="new-code-error"' in response.get_data(as_text=True)


def test_edit_in_place_with_htmx(app, admin, world):
    form = admin.get(f"/admin/units/{world.thue}/edit", headers={"HX-Request": "true"})
    text = form.get_data(as_text=True)
    assert text.lstrip().startswith("<form") and "<html" not in text
    assert 'hx-target="this"' in text and 'value="Cục Thuế TP HCM"' in text
    prefix = f"unit{world.thue}"
    response = admin.post(f"/admin/units/{world.thue}", {
        f"{prefix}-handles_cases": "y", f"{prefix}-name": "Thuế TP HCM", f"{prefix}-name_en": "HCMC Tax",
        f"{prefix}-email": "", f"{prefix}-parent_id": str(world.root)}, htmx=True)
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<div class="admin-row" id="unit-{world.thue}"')
    assert "Thuế TP HCM" in row and "HX-Retarget" not in response.headers
    entry = audit_entries(app, "unit")[-1]
    assert entry.action == "update"
    assert entry.before == {"name": "Cục Thuế TP HCM", "name_en": "Cục Thuế TP HCM (en)"}
    assert entry.after == {"name": "Thuế TP HCM", "name_en": "HCMC Tax"}


def test_edit_without_javascript_redirects(app, admin, world):
    page = admin.get(f"/admin/units/{world.bhxh}/edit")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    prefix = f"unit{world.bhxh}"
    response = admin.post(f"/admin/units/{world.bhxh}", {
        f"{prefix}-handles_cases": "y", f"{prefix}-name": "BHXH TP HCM", f"{prefix}-parent_id": "0"})
    assert response.status_code == 303
    unit = _unit(app, "BHXH")
    assert unit.name == "BHXH TP HCM" and unit.parent_id is None


def test_moving_a_unit_redraws_the_tree(app, admin, world):
    prefix = f"unit{world.bhxh}"
    response = admin.post(f"/admin/units/{world.bhxh}", {
        f"{prefix}-handles_cases": "y", f"{prefix}-name": "Bảo hiểm Xã hội TP HCM",
        f"{prefix}-name_en": "Bảo hiểm Xã hội TP HCM (en)",
        f"{prefix}-parent_id": str(world.thue)},
        htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#unit-tree"
    assert response.get_data(as_text=True).lstrip().startswith('<div id="unit-tree">')
    assert _unit(app, "BHXH").parent_id == world.thue
    entry = audit_entries(app, "unit")[-1]
    assert entry.before == {"parent": "DUK"} and entry.after == {"parent": "THUE"}


def test_a_unit_cannot_move_under_its_own_child(app, admin, world):
    # THUE is a child of the root: putting the root under THUE would make a loop.
    prefix = f"unit{world.root}"
    for target in (world.thue, world.root):
        response = admin.post(f"/admin/units/{world.root}", {
            f"{prefix}-handles_cases": "y", f"{prefix}-name": "Đảng ủy Khối",
            f"{prefix}-parent_id": str(target)}, htmx=True)
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert f'id="{prefix}-parent_id-error"' in text
        assert "sub-units" in text or "đơn vị trực thuộc" in text
    assert _unit(app, "DUK").parent_id is None
    assert audit_entries(app, "unit") == []


def test_deeper_descendants_are_refused_too(app, admin, world):
    admin.post("/admin/units", _new("THUE-Q1", "Chi cục Thuế Quận 1", world.thue))
    grandchild = _unit(app, "THUE-Q1")
    prefix = f"unit{world.root}"
    response = admin.post(f"/admin/units/{world.root}", {
        f"{prefix}-handles_cases": "y", f"{prefix}-name": "Đảng ủy Khối",
        f"{prefix}-parent_id": str(grandchild.id)})
    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True)  # a full page without htmx


def test_deactivate_and_reactivate(app, admin, world):
    response = admin.post(f"/admin/units/{world.bhxh}/deactivate", {"confirmed": "1"}, htmx=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "inactive" in text and f"/admin/units/{world.bhxh}/reactivate" in text
    assert not _unit(app, "BHXH").active
    # An inactive unit is not offered as a parent for a new unit.
    page = admin.get("/admin/units").get_data(as_text=True)
    new_parent = page[page.index('id="new-parent_id"'):]
    assert f'value="{world.bhxh}"' not in new_parent[:new_parent.index("</select>")]
    assert admin.post(f"/admin/units/{world.bhxh}/reactivate").status_code == 303
    assert _unit(app, "BHXH").active
    actions = [e.action for e in audit_entries(app, "unit")]
    assert actions == ["deactivate", "reactivate"]


def test_no_unit_can_be_deleted(admin, world):
    text = admin.get("/admin/units").get_data(as_text=True)
    assert "/delete" not in text
    assert admin.post(f"/admin/units/{world.thue}/delete").status_code in (404, 405)


def test_a_unit_with_open_cases_keeps_handling_them(app, admin, world):
    with app.app_context():
        make_case(db.session.get(Category, world.insurance))
        db.session.commit()
    prefix = f"unit{world.bhxh}"
    response = admin.post(f"/admin/units/{world.bhxh}", {
        f"{prefix}-name": "Bảo hiểm xã hội Thành phố Hồ Chí Minh", f"{prefix}-parent_id": str(world.root)},
        htmx=True)  # the checkbox unticked
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'id="{prefix}-handles_cases-error"' in text and "1" in text
    assert _unit(app, "BHXH").handles_cases


def test_deactivating_asks_first_without_javascript(app, admin, world):
    """A plain POST (no confirmation) shows what deactivating does and changes nothing;
    the page's button confirms; the row's htmx button carries the browser's confirm."""
    asked = admin.post(f"/admin/units/{world.bhxh}/deactivate")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and _unit(app, "BHXH").active
    assert 'name="confirmed" value="1"' in page and "/admin/units" in page
    assert "Bảo hiểm Xã hội TP HCM" in page
    assert admin.post(f"/admin/units/{world.bhxh}/deactivate",
                      {"confirmed": "1"}).status_code == 303
    assert not _unit(app, "BHXH").active
    row = admin.get("/admin/units").get_data(as_text=True)
    assert 'hx-confirm="' in row and """hx-vals='{"confirmed": "1"}'""" in row
