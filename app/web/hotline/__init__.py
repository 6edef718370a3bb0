"""The hotline desk and the triage queue, for operators."""
from flask import Blueprint

bp = Blueprint("hotline", __name__, url_prefix="/hotline")

from app.web.hotline import routes  # noqa: E402,F401
