"""The officers' workspace: the unit's queue and the case page."""
from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")

from app.cases import actions, deadline_routes, routes  # noqa: E402,F401
