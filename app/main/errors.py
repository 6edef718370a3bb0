"""Error pages in the user's language; htmx requests get a message in the page instead."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page or do this.")),
    404: (_l("Not found"), _l("There is nothing at this address, or you cannot see it.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this while you were working on it.")),
    413: (_l("Too large"), _l("What you sent is too large. Send smaller files.")),
    422: (_l("Check what you entered"), _l("Some of what you entered is not valid.")),
    429: (_l("Too many requests"), _l("You have sent too many requests. Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. Nothing you sent was lost; try again in a moment.")),
    503: (_l("Unavailable"), _l("The service is briefly unavailable. Try again in a moment.")),
}
CSRF_MESSAGE = _l("Your form has expired or was sent from elsewhere. Reload the page and try again.")


def render_error(code: int, detail: str | None = None):
    """The error page (or, for htmx, a message for the page's message area)."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.headers.get("HX-Request"):
        response = render_template(
            "errors/_message.html", code=code, title=title, message=detail or message
        )
        return response, code, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register(app: Flask) -> None:
    """Install one handler for every HTTP error and for unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in MESSAGES:
            return error
        return render_error(code)

    @app.errorhandler(InternalServerError)
    def unexpected(error: InternalServerError):
        # Flask logs the original exception; the transaction must not leak into the page.
        db.session.rollback()
        return render_error(500)
