"""Accounts: create with an invitation link, edit role and unit in place, deactivate,
reset the password with a one-time link (shown once, or emailed)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.accounts.password_links import token_hash
from app.extensions import db
from app.models import PasswordToken, Role, User
from tests.factories import EMAILS
from tests.web.admin.conftest import audit_entries

LINK = re.compile(r'value="(http://localhost/password/set/([A-Za-z0-9_-]+))"')


def _user(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def _new(email="ngoc@thue.gov.vn", name="Lê Thị Ngọc", role="officer", unit=0) -> dict:
    return {"new-email": email, "new-name": name, "new-role": role, "new-unit_id": str(unit)}


def test_create_an_officer_shows_a_one_time_link_once(app, admin, client, world):
    response = admin.post("/admin/users", _new(email="Ngoc@Thue.gov.vn", unit=world.thue))
    assert response.status_code == 200
    url, token = LINK.search(response.get_data(as_text=True)).groups()
    user = _user(app, "ngoc@thue.gov.vn")
    assert user.role == Role.OFFICER and user.unit_id == world.thue and user.active
    with app.app_context():
        stored = db.session.scalar(sa.select(PasswordToken).where(PasswordToken.user_id == user.id))
        assert stored.token_hash == token_hash(token) and token not in stored.token_hash
        assert stored.purpose == "invite" and stored.used_at is None
    # The list does not show the link again.
    assert token not in admin.get("/admin/users").get_data(as_text=True)
    entries = audit_entries(app, "user")
    assert [e.action for e in entries] == ["create", "invite_link"]
    assert entries[0].after == {"email": "ngoc@thue.gov.vn", "name": "Lê Thị Ngọc",
                                "role": "officer", "active": True, "unit": "THUE"}
    assert entries[1].after == {"emailed": False}


def test_an_officer_needs_a_unit(app, admin, world):
    for role in ("officer", "unit_head"):
        response = admin.post("/admin/users", _new(role=role, unit=0))
        assert response.status_code == 422
        assert 'id="new-unit_id-error"' in response.get_data(as_text=True)
    assert _user(app, "ngoc@thue.gov.vn") is None
    # An operator does not.
    assert admin.post("/admin/users", _new(role="operator", unit=0)).status_code == 200


def test_duplicate_email_is_refused(app, admin, world):
    response = admin.post("/admin/users", _new(email=EMAILS["officer_thue"].upper(), unit=world.thue))
    assert response.status_code == 422
    assert 'id="new-email-error"' in response.get_data(as_text=True)
    assert audit_entries(app, "user") == []


def test_change_role_and_unit_in_place(app, admin, world):
    officer = _user(app, EMAILS["officer_bhxh"])
    prefix = f"user{officer.id}"
    form = admin.get(f"/admin/users/{officer.id}/edit", headers={"HX-Request": "true"})
    assert form.get_data(as_text=True).lstrip().startswith(f'<tbody id="user-{officer.id}"')
    response = admin.post(f"/admin/users/{officer.id}", {
        f"{prefix}-email": officer.email, f"{prefix}-name": officer.name,
        f"{prefix}-role": "unit_head", f"{prefix}-unit_id": str(world.thue)}, htmx=True)
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith(f'<tbody id="user-{officer.id}"')
    changed = _user(app, officer.email)
    assert changed.role == "unit_head" and changed.unit_id == world.thue
    entry = audit_entries(app, "user")[-1]
    assert entry.before == {"role": "officer", "unit": "BHXH"}
    assert entry.after == {"role": "unit_head", "unit": "THUE"}


def test_removing_the_unit_of_an_officer_is_refused(app, admin, world):
    officer = _user(app, EMAILS["officer_bhxh"])
    prefix = f"user{officer.id}"
    response = admin.post(f"/admin/users/{officer.id}", {
        f"{prefix}-email": officer.email, f"{prefix}-name": officer.name,
        f"{prefix}-role": "officer", f"{prefix}-unit_id": "0"}, htmx=True)
    assert response.status_code == 422
    assert f'id="{prefix}-unit_id-error"' in response.get_data(as_text=True)
    assert _user(app, officer.email).unit_id == world.bhxh


def test_an_admin_cannot_demote_or_deactivate_themselves(app, admin, world):
    me = _user(app, EMAILS["admin"])
    prefix = f"user{me.id}"
    response = admin.post(f"/admin/users/{me.id}", {
        f"{prefix}-email": me.email, f"{prefix}-name": me.name, f"{prefix}-role": "committee",
        f"{prefix}-unit_id": "0"})
    assert response.status_code == 422
    assert f'id="{prefix}-role-error"' in response.get_data(as_text=True)
    assert admin.post(f"/admin/users/{me.id}/deactivate", {"confirmed": "1"}).status_code == 409
    assert _user(app, me.email).active and _user(app, me.email).role == "admin"


def test_deactivate_and_reactivate(app, admin, world):
    officer = _user(app, EMAILS["officer_thue"])
    response = admin.post(f"/admin/users/{officer.id}/deactivate", {"confirmed": "1"}, htmx=True)
    assert response.status_code == 200 and "inactive" in response.get_data(as_text=True)
    assert not _user(app, officer.email).active
    assert admin.post(f"/admin/users/{officer.id}/reactivate").status_code == 303
    assert _user(app, officer.email).active
    assert [e.action for e in audit_entries(app, "user")] == ["deactivate", "reactivate"]


def test_reset_password_link_replaces_the_previous_one(app, admin, world):
    officer = _user(app, EMAILS["officer_thue"])
    first = admin.post(f"/admin/users/{officer.id}/reset-password", htmx=True)
    assert first.status_code == 200
    first_token = LINK.search(first.get_data(as_text=True)).group(2)
    second = admin.post(f"/admin/users/{officer.id}/reset-password")
    second_token = LINK.search(second.get_data(as_text=True)).group(2)
    assert first_token != second_token
    assert admin.get(f"/password/set/{first_token}").status_code == 404
    assert admin.get(f"/password/set/{second_token}").status_code == 200
    assert [e.action for e in audit_entries(app, "user")] == ["reset_link", "reset_link"]


def test_with_mail_configured_the_link_is_emailed_not_shown(mail_app, smtp_server, admin, world):
    response = admin.post("/admin/users", _new(unit=world.thue))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and LINK.search(text) is None
    assert "ngoc@thue.gov.vn" in text
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "ngoc@thue.gov.vn"
    token = re.search(r"/password/set/([A-Za-z0-9_-]+)", message.get_content()).group(1)
    assert admin.get(f"/password/set/{token}").status_code == 200
    assert audit_entries(mail_app, "user")[-1].after == {"emailed": True}


def test_filter_the_list(admin, world):
    text = admin.get("/admin/users?role=officer").get_data(as_text=True)
    assert EMAILS["officer_thue"] in text and EMAILS["officer_bhxh"] in text
    assert EMAILS["operator"] not in text
    text = admin.get(f"/admin/users?unit={world.bhxh}").get_data(as_text=True)
    assert EMAILS["officer_bhxh"] in text and EMAILS["officer_thue"] not in text
    text = admin.get("/admin/users?q=HEAD.THUE").get_data(as_text=True)
    assert EMAILS["head_thue"] in text and EMAILS["officer_thue"] not in text


def test_deactivating_an_account_asks_first(app, admin, world):
    officer = _user(app, EMAILS["officer_thue"])
    asked = admin.post(f"/admin/users/{officer.id}/deactivate")
    assert asked.status_code == 200 and _user(app, officer.email).active
    assert officer.email in asked.get_data(as_text=True)
    assert admin.post(f"/admin/users/{officer.id}/deactivate",
                      {"confirmed": "1"}).status_code == 303
    assert not _user(app, officer.email).active
