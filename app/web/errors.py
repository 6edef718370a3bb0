"""Error pages in the user's language; htmx requests get a message in the page instead.

A refusal of the domain (``DomainError``) that a route does not show on its own form
becomes such an answer here, with the status it carries and its own message.
"""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import ClientDisconnected, HTTPException, InternalServerError
from werkzeug.wsgi import LimitedStream

from app.core.errors import DomainError
from app.extensions import db
from app.web.htmx import is_htmx

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
# An oversized body is read and thrown away up to this many times MAX_CONTENT_LENGTH, so
# that the client gets the 413 page instead of a reset connection; beyond, we just close.
DRAIN_FACTOR = 4
CSRF_MESSAGE = _l("Your form has expired or was sent from elsewhere. Reload the page and try again.")


def render_error(code: int, detail: str | None = None):
    """The error page (or, for htmx, a message for the page's message area)."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    if is_htmx():
        response = render_template(
            "errors/_message.html", code=code, title=title, message=detail or message
        )
        return response, code, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def discard_request_body() -> bool:
    """Read the unread request body to its end (bounded); whether it was all read.

    A server that closes a socket with unread data in it resets the connection
    (gunicorn does), and the browser shows a network error instead of our page.
    """
    length = request.content_length or 0
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) * DRAIN_FACTOR
    if not length or length > limit:
        return False
    # The form parser may have read part of the body already: go on from where it stopped.
    stream = request.__dict__.get("stream")
    if not isinstance(stream, LimitedStream) or stream.is_max:
        stream = LimitedStream(request.environ["wsgi.input"], length)
    try:
        while not stream.is_exhausted and stream.read(64 * 1024):
            pass
    except (ClientDisconnected, OSError):
        return False
    return stream.is_exhausted


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
        if code == 413 and not discard_request_body():
            response = current_app.make_response(render_error(code))
            response.headers["Connection"] = "close"
            return response
        return render_error(code)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        # Undo the refused change before anything renders: the page must not flush it.
        db.session.rollback()
        return render_error(error.status_code, str(error.message))

    @app.errorhandler(InternalServerError)
    def unexpected(error: InternalServerError):
        # Flask logs the original exception; the transaction must not leak into the page.
        db.session.rollback()
        return render_error(500)
