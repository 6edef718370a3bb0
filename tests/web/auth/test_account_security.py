"""Account security through the browser's eyes: lockout after failed sign-ins, sessions
that end on deactivation and password change, and one-time password links."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts import password_links
from app.core.timeutil import to_local, utcnow
from app.extensions import db
from app.models import LinkPurpose, User
from tests.conftest import Auth, csrf_token
from tests.factories import EMAILS, PASSWORD

NEW_PASSWORD = "a quiet morning in District 3"


class Clock:
    """The time the sign-in and password routes see; tests move it forward."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("app.web.auth.routes.utcnow", clock)
    return clock


def _login(client, email, password, remember=False, address=None):
    """Sign in (from another client address when given: the session then belongs to it)."""
    token = csrf_token(client, "/login")
    data = {"csrf_token": token, "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.post("/login", data=data, environ_base=environ)


def _signed_in(client) -> bool:
    return client.get("/cases").status_code == 200


def _user(app, email) -> User:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        db.session.expunge(user)
        return user


# Lockout ---------------------------------------------------------------------------------

def test_five_failures_lock_the_account_until_the_lockout_ends(app, client, world, clock):
    email = EMAILS["officer_thue"]
    for _ in range(4):
        assert _login(client, email, "wrong password").status_code == 422
    fifth = _login(client, email, "wrong password")
    assert fifth.status_code == 429
    # Even the right password is refused while locked, with the time to come back.
    locked = _login(client, email, PASSWORD)
    assert locked.status_code == 429
    text = locked.get_data(as_text=True)
    retry_at = to_local(clock.now + timedelta(minutes=15, seconds=59))
    assert retry_at.strftime("%H:%M") in text
    assert int(locked.headers["Retry-After"]) == 15 * 60
    assert not _signed_in(client)

    clock.now += timedelta(minutes=14, seconds=59)
    assert _login(client, email, PASSWORD).status_code == 429
    clock.now += timedelta(seconds=1)
    assert _login(client, email, PASSWORD).status_code == 303
    assert _signed_in(client)


def test_failures_outside_the_window_do_not_add_up(client, world, clock):
    email = EMAILS["officer_thue"]
    for _ in range(4):
        _login(client, email, "wrong password")
    clock.now += timedelta(minutes=16)
    for _ in range(4):
        assert _login(client, email, "wrong password").status_code == 422
    assert _login(client, email, PASSWORD).status_code == 303


def test_a_success_clears_the_account_counter(client, auth, world, clock):
    email = EMAILS["officer_thue"]
    for _ in range(4):
        _login(client, email, "wrong password")
    assert _login(client, email, PASSWORD).status_code == 303
    auth.logout()
    for _ in range(4):
        assert _login(client, email, "wrong password").status_code == 422


def test_an_unknown_email_gets_the_same_answers(client, world, clock):
    known = [_login(client, EMAILS["officer_thue"], "wrong password") for _ in range(5)]
    unknown = [_login(client, "nobody@test.vn", "wrong password", address="10.0.0.2") for _ in range(5)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [422] * 4 + [429]
    notice = re.compile(r'<p class="notice notice-error" role="alert">[^<]+</p>')
    assert notice.search(known[-1].get_data(as_text=True)).group(0) == \
        notice.search(unknown[-1].get_data(as_text=True)).group(0)
    wrong = re.compile(r'id="password-error">[^<]+<')
    assert wrong.search(known[0].get_data(as_text=True)).group(0) == \
        wrong.search(unknown[0].get_data(as_text=True)).group(0)


def test_many_failures_from_one_address_lock_that_address(app, client, world, clock):
    assert app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] == 20
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 6  # fewer slow password checks in the test
    for i in range(6):
        _login(client, f"guess{i}@test.vn", "wrong password", address="10.9.9.9")
    assert _login(client, EMAILS["officer_bhxh"], PASSWORD, address="10.9.9.9").status_code == 429
    # Another address is not affected, nor is that account.
    assert _login(client, EMAILS["officer_bhxh"], PASSWORD, address="10.1.1.1").status_code == 303


# Sessions --------------------------------------------------------------------------------

def test_deactivation_ends_the_users_sessions(app, world):
    officer, admin = app.test_client(), app.test_client()
    Auth(officer).login(EMAILS["officer_thue"])
    assert _signed_in(officer)
    Auth(admin).login(EMAILS["admin"])
    user = _user(app, EMAILS["officer_thue"])
    response = admin.post(f"/admin/users/{user.id}/deactivate",
                          data={"csrf_token": csrf_token(admin, "/admin"), "confirmed": "1"})
    assert response.status_code == 303
    assert officer.get("/cases").status_code == 302
    # Reactivation does not bring the old session back.
    admin.post(f"/admin/users/{user.id}/reactivate", data={"csrf_token": csrf_token(admin, "/admin")})
    assert officer.get("/cases").status_code == 302


def _change_password(client, current, new, confirm=None):
    return client.post("/account/password", data={
        "csrf_token": csrf_token(client, "/account/password"), "current_password": current,
        "new_password": new, "confirm": confirm if confirm is not None else new})


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, world):
    here, elsewhere, remembered = app.test_client(), app.test_client(), app.test_client()
    email = EMAILS["officer_thue"]
    for client in (here, elsewhere):
        Auth(client).login(email)
    assert _login(remembered, email, PASSWORD, remember=True).status_code == 303
    remembered.delete_cookie("session")
    assert _signed_in(remembered)  # the remember cookie alone signs in

    response = _change_password(here, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 303
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    remembered.delete_cookie("session")
    assert not _signed_in(remembered)  # the old remember cookie is void too
    assert _user(app, email).check_password(NEW_PASSWORD)


@pytest.mark.parametrize(("current", "new", "confirm", "field"), [
    ("wrong password", NEW_PASSWORD, None, "current_password"),
    (PASSWORD, "short", None, "new_password"),
    (PASSWORD, "123456789012345", None, "new_password"),
    (PASSWORD, EMAILS["officer_thue"], None, "new_password"),
    (PASSWORD, PASSWORD, None, "new_password"),
    (PASSWORD, NEW_PASSWORD, "something else entirely", "confirm"),
])
def test_a_refused_password_change_says_why_next_to_the_field(app, client, auth, world, current, new,
                                                              confirm, field):
    auth.login(EMAILS["officer_thue"])
    response = _change_password(client, current, new, confirm)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert _user(app, EMAILS["officer_thue"]).check_password(PASSWORD)
    assert _signed_in(client)


def test_every_role_can_change_their_password(client, auth, world):
    for key in ("operator", "committee", "admin"):
        auth.login(EMAILS[key])
        assert client.get("/account/password").status_code == 200
        auth.logout()
    assert client.get("/account/password").status_code == 302


# One-time links ----------------------------------------------------------------------------

def _link(app, email, purpose=LinkPurpose.RESET, now=None) -> str:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        token = password_links.issue(user, purpose, now or utcnow(), created_by=None)
        db.session.commit()
        return token


def _set(client, token, password, confirm=None):
    return client.post(f"/password/set/{token}", data={
        "csrf_token": csrf_token(client, "/login"), "new_password": password,
        "confirm": confirm if confirm is not None else password})


def test_a_link_sets_the_password_once(app, client, world):
    officer = app.test_client()
    Auth(officer).login(EMAILS["officer_thue"])
    token = _link(app, EMAILS["officer_thue"])
    page = client.get(f"/password/set/{token}")
    assert page.status_code == 200 and EMAILS["officer_thue"] in page.get_data(as_text=True)
    response = _set(client, token, NEW_PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert not _signed_in(officer)  # the reset ended the old sessions
    assert _login(client, EMAILS["officer_thue"], NEW_PASSWORD).status_code == 303
    # Used twice: refused, and the password stays the one set first.
    again = app.test_client()
    assert again.get(f"/password/set/{token}").status_code == 404
    assert _set(again, token, "another fine passphrase").status_code == 404
    assert _user(app, EMAILS["officer_thue"]).check_password(NEW_PASSWORD)


def test_a_weak_password_through_a_link_is_refused_and_the_link_still_works(app, client, world):
    token = _link(app, EMAILS["officer_thue"])
    response = _set(client, token, "0123456789012")
    assert response.status_code == 422
    assert 'id="new_password-error"' in response.get_data(as_text=True)
    assert _set(client, token, NEW_PASSWORD).status_code == 303


def test_an_expired_link_is_refused(app, client, world, clock):
    token = _link(app, EMAILS["officer_thue"], now=clock.now)
    clock.now += timedelta(hours=app.config["PASSWORD_LINK_HOURS"])
    assert client.get(f"/password/set/{token}").status_code == 404
    clock.now -= timedelta(seconds=1)
    assert client.get(f"/password/set/{token}").status_code == 200


def test_a_link_of_a_deactivated_account_is_refused(app, client, world):
    token = _link(app, EMAILS["officer_thue"])
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == EMAILS["officer_thue"]).values(active=False))
        db.session.commit()
    assert client.get(f"/password/set/{token}").status_code == 404
    assert client.get("/password/set/not-a-token").status_code == 404
