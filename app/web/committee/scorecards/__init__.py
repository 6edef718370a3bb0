"""Scorecards: ranked units, their components, charts and the public figures."""
from flask import Blueprint

bp = Blueprint("scorecards", __name__)

from app.web.committee.scorecards import routes  # noqa: E402,F401
