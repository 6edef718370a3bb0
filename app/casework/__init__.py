"""The officer's side of intake on the case page: files, the answer's files, possible duplicates."""
from flask import Blueprint

bp = Blueprint("casework", __name__)

from app.casework import routes  # noqa: E402,F401
