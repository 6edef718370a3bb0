"""Open311 GeoReport v2 under /open311/v2: discovery, services, requests, tokens.

An API for other programs: no CSRF token (POST is authenticated by api_key),
no session, answers in JSON or XML as the spec says.
"""
from app.web.api import routes  # noqa: F401 - views register on bp
from app.web.api.blueprint import bp

__all__ = ["bp"]
