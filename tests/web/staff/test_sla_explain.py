"""The case page explains its due times: a partial loaded by htmx, a full page without JS."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.extensions import db
from app.models import Category, User
from tests.factories import EMAILS, make_case

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def reference(app, world) -> str:
    """A tax case received Mon 2/3/2026 09:00 that awaited the citizen 10:00-14:00."""
    with app.app_context():
        case = make_case(db.session.get(Category, world.tax),
                         now=datetime(2026, 3, 2, 9, tzinfo=VN))
        officer = lifecycle.Actor.staff(
            db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"])))
        lifecycle.acknowledge(case, officer, datetime(2026, 3, 2, 9, 30, tzinfo=VN))
        lifecycle.ask_citizen(case, officer, "Xin số hồ sơ.", datetime(2026, 3, 2, 10, tzinfo=VN))
        lifecycle.citizen_reply(case, "123", datetime(2026, 3, 2, 14, tzinfo=VN))
        db.session.commit()
        return case.reference


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_case_page_links_to_the_explanation(client, auth, reference):
    auth.login(EMAILS["officer_thue"])
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    url = f"/cases/{reference}/deadlines"
    assert f'<a href="{url}" hx-get="{url}" hx-target="closest p" hx-swap="outerHTML">' in page
    assert "Thời hạn được tính như thế nào?" in page


def test_htmx_gets_the_partial(client, auth, reference):
    auth.login(EMAILS["officer_thue"])
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    response = client.get(f"/cases/{reference}/deadlines", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith("<section")
    assert '<h2 id="sla-explain-heading">Cách tính thời hạn</h2>' in fragment
    assert "Hạn tiếp nhận: 03/03/2026 09:00" in fragment
    assert "Hạn trả lời: 16/03/2026 11:30" in fragment
    assert ("Chờ người dân bổ sung từ 02/03/2026 10:00 đến 02/03/2026 14:00: 2 giờ 30 phút"
            in fragment)
    assert "Cục Thuế TP HCM" in fragment
    assert "trùng khớp đến từng phút" in fragment
    ids = _ids(page) + _ids(fragment)
    assert len(ids) == len(set(ids))  # swapped into the page, every id stays unique
    assert not re.search(r"\sstyle=|<script|\son[a-z]+=", fragment)


def test_without_javascript_the_link_opens_a_full_page(client, auth, reference):
    auth.login(EMAILS["officer_thue"])
    response = client.get(f"/cases/{reference}/deadlines?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert "<h1>" in html.replace('<h1><span class="reference">', "<h1>")
    assert "Acknowledge by 03/03/2026 09:00" in html and "Answer by 16/03/2026 11:30" in html
    assert html.index("<h1") < html.index("<h2 id=\"sla-explain-heading\"")


def test_only_those_who_may_read_the_case_see_it(client, auth, reference):
    url = f"/cases/{reference}/deadlines"
    assert client.get(url).status_code == 302  # to the login page
    auth.login(EMAILS["officer_bhxh"])
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(EMAILS["committee"])
    assert client.get(url).status_code == 200
    assert client.get("/cases/2026-999999/deadlines").status_code == 404
