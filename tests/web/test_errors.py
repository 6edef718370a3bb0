"""app/web/errors.py: a refusal of the domain that no route catches becomes an answer.

The status the error carries, its own message in the reader's language, as a page
or (for htmx) as a message for the page's message area; the transaction is rolled
back before anything renders.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import template_rendered
from flask_babel import lazy_gettext as _l

from app.core.errors import IllegalMove, InvalidInput, NotPermitted, VersionConflict
from app.extensions import db
from app.models import Unit, User
from tests.factories import EMAILS

HTMX = {"HX-Request": "true"}
REFUSALS = {
    "forbidden": NotPermitted(_l("You are not allowed to do this.")),
    "illegal": IllegalMove(_l("This case has already been routed.")),
    "stale": VersionConflict(_l("This case was changed by someone else while you were working on it.")),
    "invalid": InvalidInput(_l("Enter a code."), "code"),
}


@pytest.fixture
def refusing(app):
    """The app with a route that adds a unit, flushes it, then meets the refusal asked for."""

    @app.get("/refuse/<kind>")
    def refuse(kind: str):
        db.session.add(Unit(code="TAM", name="Đơn vị tạm", name_en="Temporary unit"))
        db.session.flush()
        raise REFUSALS[kind]

    return app


@pytest.mark.parametrize(
    ("kind", "status"), [("forbidden", 403), ("illegal", 409), ("stale", 409), ("invalid", 422)]
)
def test_the_answer_has_the_status_the_error_carries(refusing, kind, status):
    response = refusing.test_client().get(f"/refuse/{kind}")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("vi", "Xung đột dữ liệu", "Vụ việc này đã được chuyển đơn vị xử lý."),
        ("en", "Conflict", "This case has already been routed."),
    ],
)
def test_a_plain_request_gets_the_error_page_in_the_reader_s_language(refusing, lang, title, message):
    response = refusing.test_client().get(f"/refuse/illegal?lang={lang}")
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f'<html lang="{lang}">' in text and f"<h1>{title}</h1>" in text
    assert f"<p>{message}</p>" in text
    assert "HX-Retarget" not in response.headers


@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("vi", "Không được phép", "Tài khoản không có quyền thực hiện thao tác này."),
        ("en", "Not allowed", "You are not allowed to do this."),
    ],
)
def test_htmx_gets_a_message_for_the_message_area(refusing, lang, title, message):
    response = refusing.test_client().get(f"/refuse/forbidden?lang={lang}", headers=HTMX)
    text = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "<html" not in text and 'role="alert"' in text
    assert f"<strong>{title}.</strong> {message}" in text
    assert response.headers["HX-Retarget"] == "#messages"
    assert response.headers["HX-Reswap"] == "innerHTML"


@pytest.mark.parametrize("headers", [None, HTMX])
def test_the_transaction_is_rolled_back_before_the_answer_renders(refusing, headers):
    seen = []

    def count_units(sender, template, context, **extra):
        seen.append(db.session.scalar(sa.select(sa.func.count()).select_from(Unit)))

    with template_rendered.connected_to(count_units, refusing):
        response = refusing.test_client().get("/refuse/invalid", headers=headers)
    assert response.status_code == 422
    # The flushed unit is gone by the time the page renders: the page cannot write it.
    assert seen and set(seen) == {0}
    with refusing.app_context():
        assert db.session.scalar(sa.select(Unit).where(Unit.code == "TAM")) is None


@pytest.mark.parametrize(
    ("lang", "headers", "message"),
    [
        ("vi", None, "Không thể tự ngừng hoạt động tài khoản đang đăng nhập."),
        ("en", None, "You cannot deactivate your own account."),
        ("vi", HTMX, "Không thể tự ngừng hoạt động tài khoản đang đăng nhập."),
        ("en", HTMX, "You cannot deactivate your own account."),
    ],
)
def test_a_route_leaves_a_refusal_to_the_handler(app, client, auth, world, lang, headers, message):
    """An administrator cannot deactivate their own account: 409, with the domain's reason."""
    from tests.conftest import csrf_token

    auth.login(EMAILS["admin"])
    with app.app_context():
        me = db.session.scalar(sa.select(User.id).where(User.email == EMAILS["admin"]))
    token = csrf_token(client, "/admin")
    response = client.post(f"/admin/users/{me}/deactivate?lang={lang}", headers=headers,
                           data={"csrf_token": token, "confirmed": "1"})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and message in text
    assert ("<html" in text) is (headers is None)
    with app.app_context():
        assert db.session.get(User, me).active


def test_the_open311_api_keeps_its_own_error_answers(client, world):
    """The API's blueprint handler still wins there: the spec's error body, not a page."""
    response = client.get("/open311/v2/services/NO-SUCH.json")
    assert response.status_code == 404
    assert response.is_json and response.get_json()[0]["code"] == 404
