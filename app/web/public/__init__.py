"""Citizens' pages: home, the feedback form, and case tracking."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from app.web.public import followup, routes  # noqa: E402,F401
