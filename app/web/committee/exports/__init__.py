"""Exports to CSV and Excel: start (POST), follow the progress, download."""
from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")

from app.web.committee.exports import routes  # noqa: E402,F401
