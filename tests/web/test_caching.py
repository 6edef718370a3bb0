"""No cache keeps a staff page or a citizen's own case; HSTS when the deployment asks for it.

The staff routes are not listed by hand: every GET route of the app's url_map that sends
an anonymous visitor to the login page is one, so a new staff page is covered at once.
"""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import ProductionConfig, TestingConfig
from app.extensions import db as _db
from app.models import (
    Attachment,
    Campaign,
    Case,
    Category,
    DeadlineRegime,
    ExportJob,
    RoutingRule,
    Unit,
    User,
)
from tests.conftest import Auth, _empty_tables, csrf_token
from tests.factories import EMAILS, make_world
from tests.uploads import png
from tests.web.public.test_feedback_intake import _form
from tests.workspace import make_desk

ROLES = ("operator", "officer_thue", "head_thue", "officer_bhxh", "committee", "admin")
EXAMPLE = {"rule_id": RoutingRule, "unit_id": Unit, "user_id": User, "category_id": Category,
           "regime_id": DeadlineRegime, "campaign_id": Campaign, "job_id": ExportJob,
           "attachment_id": Attachment}

# A page that needs a question to answer.
QUERY = {"admin.test_routing": "?try-category_id={category_id}&try-ward=Ph%C6%B0%E1%BB%9Dng+S%C3%A0i+G%C3%B2n"}


def _first_id(model) -> int:
    return _db.session.scalar(sa.select(model.id).order_by(model.id))


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory):
    """One app with a case of every kind, a photo, a campaign, a rule and a finished export."""
    app = create_app(TestingConfig, instance_path=str(tmp_path_factory.mktemp("cache") / "instance"),
                     SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        world = make_world()
        desk = make_desk(world)
        _db.session.add(Campaign(name="Thi đua 2026", starts_on=date(2026, 1, 1),
                                 ends_on=date(2026, 12, 31)))
        _db.session.add(RoutingRule(category_id=world.tax, unit_id=world.bhxh))
        _db.session.commit()
    citizen = app.test_client()
    sent = citizen.post("/feedback/new", content_type="multipart/form-data",
                        data=_form(citizen, world, attachments=[(io.BytesIO(png()), "anh.png")]))
    assert sent.status_code == 303
    tracking = sent.headers["Location"].rsplit("/", 1)[1]
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        assert Auth(clients[role]).login(EMAILS[role]).status_code == 303
    committee = clients["committee"]
    started = committee.post("/exports", data={"csrf_token": csrf_token(committee, "/cases"),
                                                "kind": "cases", "file_format": "csv"})
    assert started.status_code == 303
    with app.app_context():
        photo_case = _db.session.scalar(sa.select(Case).where(Case.tracking_code == tracking))
        values = {name: _first_id(model) for name, model in EXAMPLE.items()}
        values["reference"] = photo_case.reference
        values["code"] = _db.session.get(Unit, world.thue).code
    yield app, clients, values, tracking, desk
    with app.app_context():
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


def _get_routes(app) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        paths.append(rule)
    return paths


def _staff_paths(app, values) -> list[str]:
    anonymous = app.test_client()
    paths = []
    for rule in _get_routes(app):
        if not set(rule.arguments) <= set(values):
            continue  # the Open311 API and the public tracking pages: no staff sign-in
        with app.test_request_context():
            path = app.url_map.bind("localhost").build(rule.endpoint, {k: values[k] for k in rule.arguments})
        path += QUERY.get(rule.endpoint, "").format(**values)
        answer = anonymous.get(path)
        if answer.status_code == 302 and answer.headers["Location"].startswith("/login"):
            paths.append(path)
    return paths


def test_every_staff_page_is_no_store_for_every_role(site):
    app, clients, values, _tracking, _desk = site
    paths = _staff_paths(app, values)
    # The walk found the staff pages of every audience.
    for prefix in ("/cases", "/admin", "/hotline", "/exports", "/scorecards", "/campaigns",
                   "/account/password"):
        assert any(path.startswith(prefix) for path in paths), prefix
    assert len(paths) >= 30
    not_shown = []
    for path in paths:
        statuses = {}
        for role, client in clients.items():
            answer = client.get(path)
            statuses[role] = answer.status_code
            assert "no-store" in answer.headers.get("Cache-Control", ""), (path, role, answer.status_code)
        if 200 not in statuses.values():
            not_shown.append((path, statuses))
    assert not not_shown, "every staff page was shown to some role"


def test_htmx_pieces_and_lookups_of_staff_are_no_store(site):
    _app, clients, values, _tracking, _desk = site
    lookups = ["/hotline/earlier?caller_phone=0901234567", "/hotline/categories?q=thue",
               "/cases?q=ngap", f"/exports/{values['job_id']}"]
    for path in lookups:
        answer = clients["operator" if "hotline" in path else "committee"].get(
            path, headers={"HX-Request": "true"})
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "no-store", path


def test_a_citizens_own_case_is_no_store_and_public_pages_may_be_cached(site):
    app, _clients, _values, tracking, _desk = site
    citizen = app.test_client()
    page = citizen.get(f"/track/{tracking}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    erase = citizen.get(f"/track/{tracking}/erase")
    assert erase.status_code == 200 and erase.headers["Cache-Control"] == "no-store"
    files = re.findall(rf"/track/{tracking}/files/(\d+)", page.get_data(as_text=True))
    assert files, "the citizen's photo is linked"
    photo = citizen.get(f"/track/{tracking}/files/{files[0]}")
    assert photo.status_code == 200 and "no-store" in photo.headers["Cache-Control"]
    for public in ("/", "/transparency", "/track"):
        assert "no-store" not in citizen.get(public).headers.get("Cache-Control", ""), public


def test_hsts_is_off_by_default_and_sent_when_configured(site):
    app, clients, _values, _tracking, _desk = site
    assert app.config["HSTS_SECONDS"] == 0
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers
    app.config["HSTS_SECONDS"] = 3600
    try:
        assert app.test_client().get("/").headers["Strict-Transport-Security"] == "max-age=3600"
        assert clients["officer_thue"].get("/cases").headers["Strict-Transport-Security"] == \
            "max-age=3600"
    finally:
        app.config["HSTS_SECONDS"] = 0


def test_the_production_configuration_sends_hsts_for_a_year(database_url, tmp_path):
    assert ProductionConfig.HSTS_SECONDS == 365 * 24 * 3600
    app = create_app(ProductionConfig, instance_path=str(tmp_path / "instance"),
                     SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="production-like-test-key",
                     RATELIMIT_STORAGE_URI="memory://", REDIS_URL=None)
    answer = app.test_client().get("/healthz", base_url="https://localhost")
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
    with app.app_context():
        _db.engine.dispose()
