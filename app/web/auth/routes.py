"""Sign in and out, change one's password, set a password through a one-time link."""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.accounts import credentials, password_links
from app.accounts.credentials import landing_endpoint
from app.accounts.throttle import ThrottleRules
from app.core.errors import InvalidInput
from app.core.timeutil import utcnow
from app.extensions import db, limiter
from app.web.auth import sessions
from app.web.auth.blueprint import bp
from app.web.auth.forms import ChangePasswordForm, LoginForm, SetPasswordForm
from app.web.forms import show_on_form


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site is followed after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_limit() -> str:
    return f"{current_app.config['LOGINS_PER_MINUTE']}/minute"


def _lockout_response(form: LoginForm, until: datetime, now: datetime):
    """The sign-in page saying when to try again (429, with Retry-After)."""
    seconds = max(1, math.ceil((until - now).total_seconds()))
    retry_at = until + timedelta(seconds=59)  # "after 14:36" must not come too early
    message = _(
        "Too many failed sign-in attempts. For your security, signing in is paused: "
        "try again after %(time)s.",
        time=format_datetime(retry_at, "HH:mm"),
    )
    return (
        render_template("auth/login.html", form=form, lockout=message),
        429,
        {"Retry-After": str(seconds)},
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """The staff sign-in page; repeated failures lock the account and the address for a while."""
    if current_user.is_authenticated:
        return redirect(url_for(landing_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        now = utcnow()
        result = credentials.sign_in(
            form.email.data, form.password.data, request.remote_addr, now,
            ThrottleRules.from_config(current_app.config),
        )
        db.session.commit()
        if result.user is not None:
            login_user(result.user, remember=form.remember.data)
            return redirect(
                _safe_next(request.args.get("next")) or url_for(landing_endpoint(result.user)), 303
            )
        if result.locked_until is not None:
            return _lockout_response(form, result.locked_until, now)
        form.password.errors.append(_("Wrong email or password."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Sign out everywhere (POST only, so a link or image cannot sign anyone out).

    The account's session token changes, so copies of this session or remember cookie,
    and the account's sessions on other devices, no longer sign anyone in.
    """
    sessions.sign_out(current_user._get_current_object())
    flash(_("You have signed out."), "info")
    return redirect(url_for("public.home"), 303)


def _remember_cookie_present() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password. Other sessions end; this one stays signed in."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            credentials.change_password(
                user, form.current_password.data, form.new_password.data, utcnow()
            )
        except InvalidInput as err:
            db.session.rollback()
            show_on_form(form, err, "new_password")
        else:
            db.session.commit()
            # The session token changed: sign this browser in again with the new one.
            login_user(user, remember=_remember_cookie_present())
            flash(_("Your password has been changed. Your other sessions have ended."), "success")
            return redirect(url_for("auth.change_password"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def set_password(token: str):
    """Choose a password through a one-time link (a new account, or a reset)."""
    link = password_links.valid_link(token, utcnow())
    if link is None:
        return render_template("auth/link_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            password_links.redeem(token, form.new_password.data, utcnow())
        except InvalidInput as err:
            db.session.rollback()
            show_on_form(form, err, "new_password")
        except password_links.LinkNotValid:
            db.session.rollback()
            return render_template("auth/link_invalid.html"), 404
        else:
            db.session.commit()
            flash(_("Your password is set. Sign in with it now."), "success")
            return redirect(url_for("auth.login"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/set_password.html", form=form, account=link.user), status
