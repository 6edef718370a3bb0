"""What htmx asked for, decided in one place: a piece of the page, or the whole page."""
from __future__ import annotations

from flask import Response, make_response, render_template, request


def is_htmx() -> bool:
    """Whether htmx sent the request and wants only a piece of the page back.

    When htmx restores a page missing from its history cache it sends ``HX-Request``
    too, but swaps the answer in as the whole page: that request gets the page.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(page: str, partial: str, status: int = 200, /, **context) -> Response:
    """The partial for htmx, the page otherwise; the answer says it varies on HX-Request.

    The template names and the status are positional only, so that the context may
    hold any name (a list's ``page``, say).
    """
    response = make_response(render_template(partial if is_htmx() else page, **context), status)
    response.vary.add("HX-Request")
    return response
