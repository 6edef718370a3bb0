"""Open311 GeoReport v2 under /open311/v2: discovery, services, requests, tokens.

An API for other programs: no CSRF token (POST is authenticated by api_key),
no session, answers in JSON or XML as the spec says.
"""
from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)

from app.web.api import routes  # noqa: E402,F401
