"""Every admin page (and its in-place partials): strict CSP, unique ids, a label for every
input, headings in order, in Vietnamese and English."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.factories import EMAILS


class PageShape(HTMLParser):
    """Collects ids, labels, form controls and headings of a page."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.labelled: set[str] = set()
        self.controls: list[str] = []
        self.headings: list[int] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append(attrs.get("id", "<no id>"))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def _pages(world, officer_id: int) -> list[str]:
    return [
        "/admin", "/admin/units", f"/admin/units/{world.thue}/edit", "/admin/users",
        f"/admin/users/{officer_id}/edit", "/admin/categories", "/admin/categories/new",
        f"/admin/categories/{world.tax}/edit", "/admin/regimes", "/admin/regimes/1/edit",
        "/admin/calendar?year=2026", "/admin/audit", "/account/password",
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_admin_pages_are_well_formed(app, admin, world, lang):
    with app.app_context():
        officer_id = db.session.scalar(sa.select(User.id).where(User.email == EMAILS["officer_thue"]))
    admin.post(f"/admin/units/{world.bhxh}/deactivate", {"confirmed": "1"})  # some history for the audit page
    for path in _pages(world, officer_id):
        response = admin.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle=", text) and not re.search(r"\son[a-z]+=", text), path
        shape = PageShape()
        shape.feed(text)
        assert len(shape.ids) == len(set(shape.ids)), (path, sorted(shape.ids))
        unlabelled = [c for c in shape.controls if c not in shape.labelled]
        assert unlabelled == [], (path, unlabelled)
        assert shape.headings[0] == 1 and shape.headings.count(1) == 1, path
        assert all(b - a <= 1 for a, b in zip(shape.headings, shape.headings[1:])), (path, shape.headings)


def test_in_place_partials_carry_no_page_chrome(admin, world):
    for path in (f"/admin/units/{world.thue}/edit", f"/admin/units/{world.thue}/row",
                 "/admin/regimes/1/edit", "/admin/regimes/1/row", "/admin/calendar"):
        text = admin.get(path, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "<html" not in text and "<h1" not in text, path


def test_the_menu_reaches_every_part_an_admin_works_in(admin, world):
    menu = admin.get("/admin/units").get_data(as_text=True)
    menu = menu[menu.index('class="admin-nav"'):menu.index("</nav>", menu.index('class="admin-nav"'))]
    for path in ("/admin/units", "/admin/users", "/admin/regimes", "/admin/api-keys",
                 "/campaigns", "/admin/audit"):
        assert f'href="{path}"' in menu, path
    assert 'aria-current="page"' in menu


def test_long_lists_offer_their_add_form_at_the_top(admin, world):
    for path, anchor in (("/admin/units", "#new-unit"), ("/admin/users", "#new-account")):
        page = admin.get(path).get_data(as_text=True)
        assert page.index(f'href="{anchor}"') < page.index("<h2")
