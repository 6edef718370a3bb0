"""Campaigns: their fields and weights, the units' registered works, commendations."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

from app.web.committee.campaigns import routes  # noqa: E402,F401
