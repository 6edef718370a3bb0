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
    assert "Hạn nhận xử lý: 03/03/2026 09:00" in fragment
    # Phản ánh: answered within 10 days, counted as dates from the day after receipt; the
    # 2 h 30 min awaiting the citizen make less than half a working day: nothing given back.
    assert "Hạn trả lời: 12/03/2026" in fragment
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
    assert "Take up by: 03/03/2026 09:00" in html and "Answer by 12/03/2026" in html
    assert '<dd id="sla-regime">Feedback · every field · any priority</dd>' in html
    assert "first step within 8 working hours; answer within 10 days, counted from receipt" in html
    assert "Tổng đài 1022" in html  # the legal source of the regime
    assert "The day of receipt is not counted; the deadline ends with its last day." in html
    answer = re.search(r'<table class="cases days-counted" id="sla-days-answer">.*?</table>', html,
                       re.S).group(0)
    rows = re.findall(r"<td>(\w{3} \d\d/\d\d/2026)</td>\s*<td>([^<]+)</td>", answer)
    assert rows[0] == ("Tue 03/03/2026", "counted, day 1")
    assert rows[-1] == ("Thu 12/03/2026", "counted, day 10") and len(rows) == 10
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


def test_a_denunciation_is_counted_day_by_day_with_weekends_skipped_and_moved(client, auth, app,
                                                                              world):
    """Tố cáo received Wed 25/2/2026: first step 7 working days (Sat 28/2 and Sun 1/3 not
    counted: last day Fri 6/3); the answer 30 days from there ends on Sun 5/4, a day off,
    so it moves on to Mon 6/4."""
    with app.app_context():
        case = make_case(db.session.get(Category, world.tax), kind="to_cao",
                         citizen_name="Trần Văn An", now=datetime(2026, 2, 25, 9, tzinfo=VN))
        db.session.commit()
        reference = case.reference
    auth.login(EMAILS["officer_thue"])
    html = client.get(f"/cases/{reference}/deadlines?lang=en",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<dd id="sla-regime">Denunciation · every field · any priority</dd>' in html
    assert "counted from acceptance" in html

    def table(id_):
        found = re.search(rf'<table class="cases days-counted" id="{id_}">.*?</table>', html, re.S)
        return re.findall(r"<td>(\w{3} \d\d/\d\d/2026)</td>\s*<td>([^<]+)</td>", found.group(0))

    ack = table("sla-days-ack")
    assert ack[:4] == [("Thu 26/02/2026", "counted, day 1"), ("Fri 27/02/2026", "counted, day 2"),
                       ("Sat 28/02/2026", "not counted — weekend or holiday"),
                       ("Sun 01/03/2026", "not counted — weekend or holiday")]
    assert ack[-1] == ("Fri 06/03/2026", "counted, day 7")
    assert "Register and assess by: 06/03/2026" in html
    answer = table("sla-days-answer")
    assert answer[0] == ("Sat 07/03/2026", "counted, day 1")
    assert answer[-2:] == [("Sun 05/04/2026", "counted, day 30"),
                           ("Mon 06/04/2026", "moved on — the last day was a day off")]
    assert "Answer by 06/04/2026" in html
    assert "both due times are the ones shown on the case" in html
