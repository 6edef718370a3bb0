"""Every page this feature adds keeps the strict CSP rules and has unique ids."""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from app.cases import lifecycle
from app.cases.lifecycle import Actor
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Category, User
from tests.factories import EMAILS, make_case


def _check(response) -> None:
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text)
    ids = Counter(re.findall(r'\sid="([^"]+)"', text))
    assert [i for i, n in ids.items() if n > 1] == []
    for match in re.finditer(r'<label[^>]*for="([^"]+)"', text):
        assert f'id="{match.group(1)}"' in text, match.group(1)


def test_pages_of_intake_are_clean(app, client, auth, world):
    with app.app_context():
        officer = Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"])))
        start = utcnow() - timedelta(hours=5)
        asked = make_case(db.session.get(Category, world.tax), now=start, citizen_phone="0901234567")
        lifecycle.acknowledge(asked, officer, start + timedelta(hours=1))
        lifecycle.ask_citizen(asked, officer, "Xin số hồ sơ?", start + timedelta(hours=2))
        answered = make_case(db.session.get(Category, world.tax), now=start, citizen_email="a@b.vn")
        lifecycle.acknowledge(answered, officer, start + timedelta(hours=1))
        lifecycle.respond(answered, officer, "Đã xử lý.", start + timedelta(hours=2), signed_off=True)
        make_case(db.session.get(Category, world.other), now=start)
        db.session.commit()
        codes = [asked.tracking_code, answered.tracking_code]
        references = [asked.reference, answered.reference]
    _check(client.get("/feedback/new"))
    for code in codes:
        _check(client.get(f"/track/{code}"))
        _check(client.get(f"/track/{code}/erase"))
    auth.login(EMAILS["operator"])
    _check(client.get("/hotline/new"))
    _check(client.get("/hotline/triage"))
    auth.logout()
    auth.login(EMAILS["officer_thue"])
    for reference in references:
        _check(client.get(f"/cases/{reference}"))
        _check(client.get(f"/cases/{reference}/duplicates"))
