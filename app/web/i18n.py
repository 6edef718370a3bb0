"""Language choice: Vietnamese first; ``?lang=en`` or the browser picks English; a cookie keeps it."""
from __future__ import annotations

from flask import current_app, has_request_context, request

COOKIE = "lang"
ONE_YEAR = 365 * 24 * 3600


def _supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The locale for this request: ?lang=, then the cookie, then Accept-Language, then vi."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang", "")
    if asked in _supported():
        return asked
    stored = request.cookies.get(COOKIE, "")
    if stored in _supported():
        return stored
    return request.accept_languages.best_match(
        _supported(), default=current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    """Every user sees Ho Chi Minh City time."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def remember_locale(response) -> None:
    """Keep an explicit ``?lang=`` choice in a cookie."""
    asked = request.args.get("lang", "")
    if request.blueprint == "api":  # the Open311 API keeps no state in cookies
        return
    if asked in _supported() and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=ONE_YEAR,
            samesite="Lax",
            httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
