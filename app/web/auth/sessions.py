"""Staff sessions that end: on sign-out, after a while without activity, and after a fixed lifetime.

Flask-Login keeps one identity string in the signed session cookie and, when the user
asks to be remembered, in the remember cookie: ``<user id>:<session token>:<signed in at>``.
The session token belongs to the account (``User.end_sessions`` rotates it), so a copy of
either cookie stops working once the user signs out or changes their password. The sign-in
time lets the loader refuse a remember cookie older than ``REMEMBER_COOKIE_DURATION``, even
when the browser kept it longer.

The session cookie also carries when this session started and when it was last used.
A session idle for ``STAFF_IDLE_MINUTES`` or older than ``STAFF_SESSION_HOURS`` ends
before the page is built; a valid remember cookie then starts a new session, otherwise
the user signs in again and is told why.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, flash, g, redirect, request, session
from flask_babel import gettext as _
from flask_login import login_url, logout_user, user_loaded_from_cookie, user_logged_in

from app.core.timeutil import utcnow
from app.extensions import db
from app.models import User
from app.web.htmx import is_htmx

STARTED = "session_started"
SEEN = "session_seen"
# Writing the cookie on every request would only add noise; a minute is precise enough.
SEEN_PRECISION_SECONDS = 60
# "_id" stays: without it, strong session protection would also void the remember cookie.
_FLASK_LOGIN_KEYS = ("_user_id", "_fresh")


def now_seconds() -> int:
    """The current instant in whole seconds since the epoch (what the cookies store)."""
    return int(utcnow().timestamp())


def identity(user: User, signed_in_at: int) -> str:
    """What Flask-Login keeps for a signed-in user: id, session token, time of sign-in."""
    return f"{user.get_id()}:{signed_in_at}"


def parse_identity(value: str) -> tuple[int, str, int] | None:
    """The user id, session token and sign-in time in an identity string, or None."""
    user_id, token, signed_in_at = (value.split(":") + ["", ""])[:3]
    if not (user_id.isdigit() and signed_in_at.isdigit()):
        return None
    return int(user_id), token, int(signed_in_at)


def sign_out(user: User) -> None:
    """End every session of the account (on every device) and this browser's sign-in."""
    user.end_sessions()
    db.session.commit()
    logout_user()


def not_activity(view: Callable) -> Callable:
    """Mark a view that the page calls by itself (polling): it does not keep a session alive."""
    view.not_activity = True
    return view


def _stamp(started: int) -> None:
    session[STARTED] = started
    session[SEEN] = started


def _on_sign_in(app: Flask, user: User, **extra) -> None:
    """A password sign-in: the identity gets its time, the session starts now."""
    now = now_seconds()
    session["_user_id"] = identity(user, now)
    _stamp(now)


def _on_remembered(app: Flask, user: User, **extra) -> None:
    """A remember cookie signed the user in again: a new session starts now."""
    _stamp(now_seconds())


def _expired(now: int) -> bool:
    started, seen = session.get(STARTED), session.get(SEEN)
    if not (isinstance(started, int) and isinstance(seen, int)):
        return True  # made before sessions were timed: it ends
    config = current_app.config
    return (
        now - seen >= config["STAFF_IDLE_MINUTES"] * 60
        or now - started >= config["STAFF_SESSION_HOURS"] * 3600
    )


def check_session_age() -> None:
    """End a staff session that was idle or lived too long; count this request as activity."""
    if "_user_id" not in session:
        return
    now = now_seconds()
    if _expired(now):
        for key in (*_FLASK_LOGIN_KEYS, STARTED, SEEN):
            session.pop(key, None)
        g.session_expired = True
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "not_activity", False):
        return
    if now - session[SEEN] >= SEEN_PRECISION_SECONDS:
        session[SEEN] = now


def remembered_sign_in_expired(signed_in_at: int) -> bool:
    """Whether a sign-in is older than any remember cookie may live."""
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds()
    return now_seconds() - signed_in_at >= lifetime


def ask_to_sign_in() -> Response:
    """The answer when a page needs a signed-in user: the login page, or for htmx a 401.

    htmx would swap a followed redirect (the whole login page) into a piece of the
    page; a 401 with ``HX-Redirect`` makes it load the login page instead.
    """
    if g.get("session_expired"):
        flash(_("Your session has expired. Sign in again to continue."), "info")
    else:
        flash(_("Sign in to see this page."), "info")
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if cookie in request.cookies:
        session["_remember"] = "clear"  # it did not sign anyone in: drop it
    target = login_url("auth.login", next_url=request.url)
    if is_htmx():
        response = Response(_("Sign in to see this page."), 401, mimetype="text/plain")
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def register(app: Flask) -> None:
    """Time every staff session and answer requests that need a sign-in."""
    from app.extensions import login_manager

    app.before_request(check_session_age)
    login_manager.unauthorized_handler(ask_to_sign_in)
    user_logged_in.connect(_on_sign_in, app)
    user_loaded_from_cookie.connect(_on_remembered, app)

