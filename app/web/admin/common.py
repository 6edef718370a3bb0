"""Small helpers shared by the admin console's routes."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from app.models import User
from app.org.units import unit_choices
from app.web.admin.forms import NO_UNIT


def locale() -> str:
    """The reader's language code."""
    return str(get_locale() or "vi")


def acting_admin() -> User:
    """The signed-in administrator as a model object, for the services."""
    return current_user._get_current_object()


def done(message: str, endpoint: str, **values):
    """Post/redirect/get: a message for the next page and a 303 to it."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values), 303)


def confirmed() -> bool:
    """Whether the admin confirmed a change with consequences: the confirmation page's
    button sends ``confirmed=1``, and so does the page's own button through htmx once
    the browser's confirm dialog was accepted."""
    return request.form.get("confirmed") == "1"


def confirmation_page(question: str, consequence: str, action: str, cancel: str):
    """A page that asks before a change with consequences is made (no JavaScript needed)."""
    return render_template("admin/confirm.html", question=question, consequence=consequence,
                           action=action, cancel=cancel)


def optional_url(endpoint: str, **values) -> str | None:
    """A link to a page another part of the product provides, when it is installed."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def unit_options(none_label: str, include_inactive: bool = False) -> list[tuple[int, str]]:
    """Units for a select, in tree order, after a "none" choice."""
    return [(NO_UNIT, none_label), *unit_choices(locale(), include_inactive)]


def unit_id_or_none(value: int | None) -> int | None:
    """A unit id from a select, None for the "none" choice."""
    return None if value in (None, NO_UNIT) else value
