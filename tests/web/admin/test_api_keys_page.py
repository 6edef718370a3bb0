"""/admin/api-keys: only admins list, create (shown once) and revoke keys."""
from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ApiKey
from tests.conftest import csrf_token
from tests.factories import EMAILS


def _keys(app) -> list[ApiKey]:
    with app.app_context():
        keys = db.session.scalars(sa.select(ApiKey).order_by(ApiKey.id)).all()
        for key in keys:
            db.session.expunge(key)
        return keys


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/admin/api-keys")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["operator", "committee", "head_thue", "officer_thue"])
def test_every_other_role_is_refused(client, auth, world, role):
    auth.login(EMAILS[role])
    assert client.get("/admin/api-keys").status_code == 403
    assert client.post("/admin/api-keys", data={"name": "x"}).status_code in (400, 403)
    token = csrf_token(client, "/")
    assert client.post("/admin/api-keys", data={"name": "x", "csrf_token": token}).status_code == 403
    assert client.post("/admin/api-keys/1/revoke", data={"csrf_token": token}).status_code == 403
    assert "API keys" not in client.get("/?lang=en").get_data(as_text=True)


def test_admin_creates_a_key_shown_once_and_stored_hashed(app, client, auth, world):
    auth.login(EMAILS["admin"])
    page = client.get("/admin/api-keys?lang=en")
    assert page.status_code == 200 and "No keys yet." in page.get_data(as_text=True)
    assert 'href="/admin/api-keys"' in client.get("/").get_data(as_text=True)
    token = csrf_token(client, "/admin/api-keys")
    response = client.post("/admin/api-keys?lang=en",
                           data={"csrf_token": token, "name": "Chatbot phường Bến Thành"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    secret = re.search(r'id="new-key" type="text" class="secret" value="([^"]+)"', html).group(1)
    (key,) = _keys(app)
    assert key.name == "Chatbot phường Bến Thành" and key.created_by_id is not None
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    # Never shown again: the list shows only the prefix.
    again = client.get("/admin/api-keys").get_data(as_text=True)
    assert secret not in again and key.prefix in again
    # The key works for the API.
    filed = client.post("/open311/v2/requests.json", data={
        "api_key": secret, "service_code": "THUE", "address_string": "1 Lê Lợi",
        "description": "Thử khóa mới"})
    assert filed.status_code == 200


def test_a_name_is_required(app, client, auth, world):
    auth.login(EMAILS["admin"])
    token = csrf_token(client, "/admin/api-keys")
    response = client.post("/admin/api-keys?lang=en", data={"csrf_token": token, "name": " "})
    assert response.status_code == 422
    assert "Give the key a name" in response.get_data(as_text=True)
    assert _keys(app) == []


def test_admin_revokes_a_key(app, client, auth, world):
    auth.login(EMAILS["admin"])
    token = csrf_token(client, "/admin/api-keys")
    html = client.post("/admin/api-keys", data={"csrf_token": token, "name": "Cũ"}).get_data(
        as_text=True)
    secret = re.search(r'value="(ln311_[^"]+)"', html).group(1)
    (key,) = _keys(app)
    response = client.post(f"/admin/api-keys/{key.id}/revoke?lang=en", data={"csrf_token": token})
    assert response.status_code == 303
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "was revoked" in page and "Revoked on" in page
    assert _keys(app)[0].revoked_at is not None
    refused = client.post("/open311/v2/requests.json", data={
        "api_key": secret, "service_code": "THUE", "address_string": "1 Lê Lợi",
        "description": "Khóa đã thu hồi"})
    assert refused.status_code == 403
    assert client.post("/admin/api-keys/999/revoke", data={"csrf_token": token}).status_code == 404
