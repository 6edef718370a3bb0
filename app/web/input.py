"""Input no route can use, refused before any route sees it.

A NUL character is never meaningful in a form, a query string or an address, and
PostgreSQL cannot store or even compare it: every request holding one is a 400. A
number in an ``<int:...>`` part of an address that no database id can have is a 404,
as for any other id that does not exist.
"""
from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# The range of an INTEGER column (PostgreSQL's, and the ids of every table).
DATABASE_INT_MIN = -(2**31)
DATABASE_INT_MAX = 2**31 - 1


class NulInRequest(BadRequest):
    """A request carrying a NUL character somewhere."""

    description = _l("The request contains a NUL character.")


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` limited to what an id column can hold; beyond it the route does not match."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def holds_nul() -> bool:
    """Whether the path, the query string, the form or a file name has a NUL character."""
    if "\x00" in request.path:
        return True
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return True
    return any("\x00" in (upload.filename or "") for upload in request.files.values())


def refuse_nul() -> None:
    """Stop a request holding a NUL character with a 400 before it reaches a route."""
    if holds_nul():
        raise NulInRequest()


def register(app: Flask) -> None:
    """Bound ``<int:...>`` to the database's range and refuse NUL characters (before the blueprints)."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(refuse_nul)


# Far beyond any real list, and small enough that its offset fits every database.
MAX_PAGE = 100_000


def page_number() -> int:
    """The ``?page=`` of a list: 1 when missing or malformed, at most MAX_PAGE."""
    raw = request.args.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1
