"""The staff workspace: the unit's queue, the case page and its actions, case files and
possible duplicates, and the explanation of due times."""
from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")

from app.web.staff import actions, deadline_routes, files, routes  # noqa: E402,F401
