"""Sign in and sign out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import LoginForm
from app.extensions import db, limiter
from app.services.accounts import authenticate, landing_endpoint
from app.timeutil import utcnow


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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """The staff sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for(landing_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, utcnow())
        if user is not None:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for(landing_endpoint(user)), 303)
        form.password.errors.append(_("Wrong email or password."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Sign out (POST only, so a link or image cannot sign anyone out)."""
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("public.home"), 303)
