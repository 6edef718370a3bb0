"""Which answers no browser or proxy may keep, and HTTPS pinned through HSTS.

Every answer to a signed-in staff member is ``no-store``: staff pages show citizens'
names, phones and complaints, and a shared computer's cache or back button must not
give them to the next person. Public pages that show a citizen's own case are marked
with ``@private`` for the same reason.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request, session


def private(view: Callable) -> Callable:
    """Mark a view whose answers carry personal data even for anonymous visitors."""
    view.private = True
    return view


def _is_private() -> bool:
    # "in" does not mark the session as read, so public answers gain no Vary: Cookie.
    if "_user_id" in session:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "private", False)


def add_headers(response: Response) -> None:
    """``Cache-Control: no-store`` on private answers; HSTS when ``HSTS_SECONDS`` is set."""
    if _is_private() and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    seconds = current_app.config.get("HSTS_SECONDS") or 0
    if seconds > 0:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={int(seconds)}")
