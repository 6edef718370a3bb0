"""Site-wide pages: health checks and error pages."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from app.web.site import routes  # noqa: E402,F401
