"""app/web/templating.py: every page's filters and globals come from the app, not a blueprint.

The app is built here with blueprints switched off: the case page (extra questions,
files for the answer) renders without the Open311 API, and the score labels and chart
filters are there without the scorecards.
"""
from __future__ import annotations

import pytest
from flask import render_template_string

from app import create_app
from app import web as web_layer
from app.cases import lifecycle
from app.config import TestingConfig
from app.extensions import db as _db
from app.models import Case, Category, User
from tests.conftest import _empty_tables
from tests.factories import EMAILS, MONDAY_9AM, make_case


@pytest.fixture
def switched_off() -> set[str]:
    """The blueprints the app is built without."""
    return {"api", "scorecards"}


@pytest.fixture
def app(monkeypatch, database_url, tmp_path, switched_off):
    """The application without the blueprints switched off, on a clean database."""
    every_blueprint = web_layer.blueprints
    monkeypatch.setattr(
        web_layer, "blueprints", lambda: [bp for bp in every_blueprint() if bp.name not in switched_off]
    )
    built = create_app(TestingConfig, instance_path=str(tmp_path / "instance"),
                       SQLALCHEMY_DATABASE_URI=database_url)
    assert switched_off.isdisjoint(built.blueprints)
    yield built
    with built.app_context():
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


@pytest.mark.parametrize("switched_off", [{"api"}])
def test_the_case_page_needs_no_api(app, client, auth, world):
    with app.app_context():
        case = make_case(_db.session.get(Category, world.tax))
        officer = _db.session.scalar(_db.select(User).where(User.email == EMAILS["officer_thue"]))
        lifecycle.acknowledge(case, lifecycle.Actor.staff(officer), MONDAY_9AM)
        _db.session.commit()
        reference = case.reference
        assert _db.session.get(Case, case.id).status == "in_progress"
    auth.login(EMAILS["officer_thue"])
    response = client.get(f"/cases/{reference}")
    assert response.status_code == 200
    assert 'id="answer-files-attachments"' in response.get_data(as_text=True)


def test_score_labels_and_chart_filters_need_no_scorecards(app):
    with app.test_request_context("/?lang=en"):
        text = render_template_string(
            "{{ score_labels.COMPONENT['response'] }}: "
            "{{ [1, 2]|zip_with([3, None]|map('multiply_or_none', 100))|list }}"
        )
    assert text == "Answered on time: [(1, 300), (2, None)]"
