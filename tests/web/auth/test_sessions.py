"""Staff sessions that end: sign-out voids copied cookies, idle and absolute limits,
remember cookies that expire on the server's clock, and htmx told to sign in again."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.timeutil import utcnow
from app.extensions import db
from app.web.auth import sessions
from tests.conftest import Auth, csrf_token
from tests.factories import EMAILS, PASSWORD, make_world
from tests.workspace import case_by_ref, make_desk

CITIZEN_EMAIL = "binh.tran@example.vn"
EXPIRED_VI = "Phiên làm việc đã hết hạn"
REMEMBER = "remember_token"


class Clock:
    """The time the session checks see; tests move it forward."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(sessions, "utcnow", clock)
    return clock


@pytest.fixture
def case_ref(app):
    """The reference of Cục Thuế's case, whose page shows the citizen's email."""
    with app.app_context():
        desk = make_desk(make_world())
        case_by_ref(desk.thue).citizen_email = CITIZEN_EMAIL
        db.session.commit()
        return desk.thue


def _login(client, email=EMAILS["officer_thue"], remember=False):
    data = {"csrf_token": csrf_token(client, "/login"), "email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 303
    return response


def _expect_login_page(response) -> None:
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert CITIZEN_EMAIL not in response.get_data(as_text=True)


def _copy_cookies(source, target, names) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        target.set_cookie(name, cookie.value)


# Sign-out --------------------------------------------------------------------------------

@pytest.mark.parametrize("copied", [("session",), (REMEMBER,), ("session", REMEMBER)])
def test_cookies_copied_before_sign_out_open_nothing_after_it(app, case_ref, copied):
    browser = app.test_client()
    _login(browser, remember=True)
    page = browser.get(f"/cases/{case_ref}")
    assert page.status_code == 200 and CITIZEN_EMAIL in page.get_data(as_text=True)
    thief = app.test_client()
    _copy_cookies(browser, thief, copied)
    assert thief.get(f"/cases/{case_ref}").status_code == 200  # the copy works while signed in

    assert Auth(browser).logout().status_code == 303

    replay = app.test_client()
    _copy_cookies(thief, replay, copied)
    _expect_login_page(replay.get(f"/cases/{case_ref}"))
    _expect_login_page(replay.get("/cases"))
    followed = replay.get(f"/cases/{case_ref}", follow_redirects=True)
    assert CITIZEN_EMAIL not in followed.get_data(as_text=True)


def test_sign_out_ends_the_accounts_sessions_on_other_devices(app, case_ref):
    desk, phone = app.test_client(), app.test_client()
    _login(desk)
    _login(phone)
    Auth(desk).logout()
    _expect_login_page(phone.get("/cases"))
    _login(desk)  # signing in again works, with a new token
    assert desk.get("/cases").status_code == 200


# Idle timeout and absolute lifetime ------------------------------------------------------

def test_a_session_idle_too_long_ends_with_a_message_in_the_users_language(app, client, case_ref,
                                                                          clock):
    assert app.config["STAFF_IDLE_MINUTES"] == 30
    _login(client)
    clock.advance(minutes=29)
    assert client.get("/cases").status_code == 200  # activity: the idle time starts again
    clock.advance(minutes=29)
    assert client.get(f"/cases/{case_ref}").status_code == 200
    clock.advance(minutes=30)
    _expect_login_page(client.get(f"/cases/{case_ref}"))
    login_page = client.get("/login")
    assert EXPIRED_VI in login_page.get_data(as_text=True)
    # Signed out for real: going back does not bring the session back.
    _expect_login_page(client.get("/cases"))


def test_the_message_is_in_english_for_an_english_speaker(app, client, case_ref, clock):
    _login(client)
    clock.advance(minutes=31)
    english = {"Accept-Language": "en"}
    _expect_login_page(client.get("/cases", headers=english))
    page = client.get("/login", headers=english).get_data(as_text=True)
    assert "Your session has expired. Sign in again to continue." in page


def test_a_busy_session_still_ends_after_its_absolute_lifetime(app, client, case_ref, clock):
    assert app.config["STAFF_SESSION_HOURS"] == 12
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    _login(client)
    for _ in range(12 * 3 - 1):
        clock.advance(minutes=20)
        assert client.get("/cases").status_code == 200
    clock.advance(minutes=20)
    _expect_login_page(client.get("/cases"))


def test_the_limits_come_from_the_configuration(app, client, case_ref, clock):
    app.config.update(STAFF_IDLE_MINUTES=5, STAFF_SESSION_HOURS=1)
    _login(client)
    clock.advance(minutes=4)
    assert client.get("/cases").status_code == 200
    clock.advance(minutes=5)
    _expect_login_page(client.get("/cases"))


def test_polling_for_new_arrivals_does_not_keep_a_session_alive(app, client, case_ref, clock):
    _login(client)
    for _ in range(29):
        clock.advance(minutes=1)
        assert client.get("/cases/arrivals", headers={"HX-Request": "true"}).status_code == 200
    clock.advance(minutes=1)
    answer = client.get("/cases/arrivals", headers={"HX-Request": "true"})
    assert answer.status_code == 401


def test_an_expired_session_tells_htmx_to_load_the_login_page(app, client, case_ref, clock):
    _login(client)
    clock.advance(hours=1)
    answer = client.get("/cases?q=ngap", headers={"HX-Request": "true"})
    assert answer.status_code == 401
    assert answer.headers["HX-Redirect"].startswith("/login?next=")
    assert "<html" not in answer.get_data(as_text=True)
    assert EXPIRED_VI in client.get("/login").get_data(as_text=True)


def test_an_anonymous_htmx_request_gets_401_not_the_login_page(client, world):
    answer = client.get("/cases/arrivals", headers={"HX-Request": "true"})
    assert answer.status_code == 401
    assert answer.headers["HX-Redirect"].startswith("/login")
    plain = client.get("/cases")
    assert plain.status_code == 302 and plain.headers["Location"].startswith("/login")


# Remember cookies ------------------------------------------------------------------------

def _remembered_only(app, source):
    """A browser holding only the remember cookie (as after a restart)."""
    browser = app.test_client()
    _copy_cookies(source, browser, (REMEMBER,))
    return browser


def test_a_remember_cookie_starts_a_new_session_after_the_old_one_expired(app, client, case_ref,
                                                                          clock):
    _login(client, remember=True)
    clock.advance(hours=13)
    assert client.get("/cases").status_code == 200
    clock.advance(minutes=20)
    assert client.get("/cases").status_code == 200  # the new session is timed from its start
    assert _remembered_only(app, client).get("/cases").status_code == 200


def test_a_remember_cookie_older_than_remember_days_is_refused(app, client, case_ref, clock):
    days = app.config["REMEMBER_COOKIE_DURATION"].days
    assert days == 14
    _login(client, remember=True)
    clock.advance(days=days, seconds=-60)
    assert _remembered_only(app, client).get("/cases").status_code == 200
    clock.advance(seconds=60)
    # The browser kept the cookie longer than it was told to: the server still refuses it.
    stale = _remembered_only(app, client)
    _expect_login_page(stale.get("/cases"))
    assert stale.get_cookie(REMEMBER) is None  # and tells the browser to drop it
    _expect_login_page(client.get("/cases"))  # nor does a session renewed from it survive


def test_a_session_made_without_a_sign_in_time_is_refused(app, client, case_ref):
    _login(client)
    with client.session_transaction() as stored:
        user_id, token, _signed_in_at = stored["_user_id"].split(":")
        stored["_user_id"] = f"{user_id}:{token}"
    _expect_login_page(client.get("/cases"))
