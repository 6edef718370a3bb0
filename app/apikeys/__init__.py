"""API keys for Open311 clients: the admin page /admin/api-keys and `flask apikeys ...`."""
from flask import Blueprint

bp = Blueprint("apikeys", __name__, url_prefix="/admin/api-keys", cli_group="apikeys")

from app.apikeys import cli, routes  # noqa: E402,F401
