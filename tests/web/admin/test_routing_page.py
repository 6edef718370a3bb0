"""Routing rules page: list, add, change the unit, remove, and the "which unit would
get this?" tester — each without JavaScript (303 / full pages) and with htmx (partials)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.intake import routing
from app.models import Category, RoutingRule, Unit
from tests.web.admin.conftest import HTMX, audit_entries
from tests.web.admin.test_admin_pages import PageShape


@pytest.fixture(autouse=True)
def english(admin):
    """Read the pages in English (a cookie keeps the choice), so texts can be checked."""
    admin.client.set_cookie("lang", "en")


def _make_rule(app, category_id: int, ward: str, unit_id: int) -> int:
    with app.app_context():
        rule = routing.set_rule(db.session.get(Category, category_id), ward,
                                db.session.get(Unit, unit_id))
        db.session.commit()
        return rule.id


def _rules(app) -> list[tuple[int, str, int]]:
    with app.app_context():
        return [(r.category_id, r.ward, r.unit_id)
                for r in db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.id))]


def _deactivate(app, model, id_: int) -> None:
    with app.app_context():
        db.session.get(model, id_).active = False
        db.session.commit()


def _new(category, ward, unit) -> dict:
    return {"new-category_id": str(category), "new-ward": ward, "new-unit_id": str(unit)}


def test_the_page_lists_rules_and_the_console_links_to_it(app, admin, world):
    _make_rule(app, world.tax, "", world.bhxh)
    _make_rule(app, world.tax, "Phường Sài Gòn", world.root)
    page = admin.get("/admin/routing")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Phường Sài Gòn" in text and "Any ward" in text
    assert 'id="new-ward"' in text and 'id="try-ward"' in text
    index = admin.get("/admin").get_data(as_text=True)
    assert 'href="/admin/routing"' in index and 'href="/campaigns"' in index


@pytest.mark.parametrize("htmx", [False, True])
def test_add_a_rule(app, admin, world, htmx):
    response = admin.post("/admin/routing", _new(world.tax, "Phường Sài Gòn", world.bhxh), htmx=htmx)
    assert _rules(app) == [(world.tax, "Phường Sài Gòn", world.bhxh)]
    [entry] = audit_entries(app, "routing_rule")
    assert entry.action == "create" and entry.after["unit"] == "BHXH"
    if htmx:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert text.startswith('<div id="routing-rules"') or 'id="routing-rules"' in text[:200]
        assert "<html" not in text and "Routing rule added" in text and "Phường Sài Gòn" in text
    else:
        assert response.status_code == 303 and response.headers["Location"] == "/admin/routing"
        assert "Routing rule added" in admin.get("/admin/routing").get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("case", "field"),
    [("duplicate", "new-ward"), ("long_ward", "new-ward"), ("no_unit", "new-unit_id"),
     ("closed_unit", "new-unit_id"), ("unknown_category", "new-category_id"),
     ("withdrawn_category", "new-category_id")],
)
def test_bad_rules_are_refused_next_to_the_field(app, admin, world, htmx, case, field):
    _make_rule(app, world.tax, "Phường Sài Gòn", world.bhxh)
    data = _new(world.tax, "Xã Củ Chi", world.bhxh)
    if case == "duplicate":
        data["new-ward"] = "PHUONG SAI GON"
    elif case == "long_ward":
        data["new-ward"] = "x" * 101
    elif case == "no_unit":
        data["new-unit_id"] = "0"
    elif case == "closed_unit":
        _deactivate(app, Unit, world.root)
        data["new-unit_id"] = str(world.root)
    elif case == "unknown_category":
        data["new-category_id"] = "987654"
    else:
        _deactivate(app, Category, world.insurance)
        data["new-category_id"] = str(world.insurance)
    response = admin.post("/admin/routing", data, htmx=htmx)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'id="{field}-error"' in text
    assert ("<html" in text) is not htmx
    assert _rules(app) == [(world.tax, "Phường Sài Gòn", world.bhxh)]
    assert audit_entries(app, "routing_rule") == []


@pytest.mark.parametrize("htmx", [False, True])
def test_change_a_rules_unit(app, admin, world, htmx):
    rule_id = _make_rule(app, world.tax, "", world.bhxh)
    headers = HTMX if htmx else None
    form = admin.get(f"/admin/routing/{rule_id}/edit", headers=headers)
    assert form.status_code == 200
    assert f'id="rule{rule_id}-unit_id"' in form.get_data(as_text=True)
    assert ("<html" in form.get_data(as_text=True)) is not htmx

    response = admin.post(f"/admin/routing/{rule_id}", {f"rule{rule_id}-unit_id": str(world.root)},
                          htmx=htmx)
    assert _rules(app) == [(world.tax, "", world.root)]
    [entry] = audit_entries(app, "routing_rule")
    assert (entry.action, entry.before, entry.after) == ("update", {"unit": "BHXH"}, {"unit": "DUK"})
    if htmx:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert text.startswith(f'<tbody id="rule-{rule_id}"') and "Routing rule saved" in text
    else:
        assert response.status_code == 303 and response.headers["Location"] == "/admin/routing"


@pytest.mark.parametrize("htmx", [False, True])
def test_an_inactive_unit_is_refused_when_changing(app, admin, world, htmx):
    rule_id = _make_rule(app, world.tax, "", world.bhxh)
    _deactivate(app, Unit, world.root)
    response = admin.post(f"/admin/routing/{rule_id}", {f"rule{rule_id}-unit_id": str(world.root)},
                          htmx=htmx)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'id="rule{rule_id}-unit_id-error"' in text and ("<html" in text) is not htmx
    assert _rules(app) == [(world.tax, "", world.bhxh)]
    assert audit_entries(app, "routing_rule") == []


def test_cancelling_an_edit_gives_the_row_back(app, admin, world):
    rule_id = _make_rule(app, world.tax, "Xã Củ Chi", world.bhxh)
    row = admin.get(f"/admin/routing/{rule_id}/row", headers=HTMX)
    assert row.status_code == 200
    assert row.get_data(as_text=True).startswith(f'<tbody id="rule-{rule_id}"')
    assert admin.get("/admin/routing/987654/row").status_code == 404


@pytest.mark.parametrize("htmx", [False, True])
def test_remove_a_rule(app, admin, world, htmx):
    rule_id = _make_rule(app, world.tax, "Xã Củ Chi", world.bhxh)
    response = admin.post(f"/admin/routing/{rule_id}/delete", htmx=htmx)
    assert _rules(app) == []
    [entry] = audit_entries(app, "routing_rule")
    assert entry.action == "delete" and entry.before["ward"] == "Xã Củ Chi"
    if htmx:
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="routing-rules"' in text
        assert "Routing rule removed" in text and "Xã Củ Chi" not in text
    else:
        assert response.status_code == 303 and response.headers["Location"] == "/admin/routing"
    assert admin.post(f"/admin/routing/{rule_id}/delete", htmx=htmx).status_code == 404


@pytest.mark.parametrize("htmx", [False, True])
def test_the_tester_shows_the_unit_and_why(app, admin, world, htmx):
    _make_rule(app, world.tax, "Phường Sài Gòn", world.bhxh)
    _make_rule(app, world.tax, "", world.root)
    headers = HTMX if htmx else None
    expectations = [
        (world.tax, "phuong sai gon", "Bảo hiểm Xã hội TP HCM", "Decided by the rule for the ward"),
        (world.tax, "Phường Bến Thành", "Đảng ủy Khối", "rule for any ward"),
        (world.insurance, "", "Bảo hiểm Xã hội TP HCM", "default unit takes the case"),
        (world.other, "Xã Củ Chi", "Goes to triage", "triage queue"),
    ]
    for category, ward, unit, why in expectations:
        response = admin.get("/admin/routing/test", headers=headers,
                             query_string={"try-category_id": category, "try-ward": ward})
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        result = text[text.index('id="routing-test-result"'):]
        assert unit in result and why in result
        assert ("<html" in text) is not htmx
    assert audit_entries(app) == [] and len(_rules(app)) == 2


@pytest.mark.parametrize("htmx", [False, True])
def test_the_tester_refuses_bad_input_next_to_the_field(app, admin, world, htmx):
    headers = HTMX if htmx else None
    for query, field in (({"try-category_id": world.tax, "try-ward": "x" * 101}, "try-ward"),
                         ({"try-category_id": "0", "try-ward": ""}, "try-category_id"),
                         ({"try-category_id": "abc"}, "try-category_id")):
        response = admin.get("/admin/routing/test", headers=headers, query_string=query)
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert f'id="{field}-error"' in text and 'id="routing-test-result"' not in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_routing_pages_are_well_formed(app, admin, world, lang):
    rule_id = _make_rule(app, world.tax, "Phường Sài Gòn", world.bhxh)
    for path in ("/admin/routing", f"/admin/routing/{rule_id}/edit",
                 f"/admin/routing/test?try-category_id={world.tax}&try-ward=x",
                 "/admin/routing/test?try-category_id=0&try-ward="):
        response = admin.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response.status_code in (200, 422), path
        text = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle=", text) and not re.search(r"\son[a-z]+=", text), path
        shape = PageShape()
        shape.feed(text)
        assert len(shape.ids) == len(set(shape.ids)), (path, sorted(shape.ids))
        assert [c for c in shape.controls if c not in shape.labelled] == [], path
        assert shape.headings[0] == 1 and shape.headings.count(1) == 1, path
        assert all(b - a <= 1 for a, b in zip(shape.headings, shape.headings[1:])), (path, shape.headings)
    for path in (f"/admin/routing/{rule_id}/edit", f"/admin/routing/{rule_id}/row",
                 f"/admin/routing/test?try-category_id={world.tax}"):
        text = admin.get(path, headers=HTMX).get_data(as_text=True)
        assert "<html" not in text and "<h1" not in text, path
