"""The admin console: units, accounts, categories, routing rules, deadline policies, the working
calendar, Open311 API keys and the audit log. Administrators only."""
from flask import Blueprint, abort
from flask_login import current_user

from app.cases import access
from app.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin():
    """Every admin page: anonymous visitors sign in first; other staff get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not access.may_administer(current_user):
        abort(403)
    return None


from app.web.admin import (  # noqa: E402,F401
    account_routes,
    apikey_routes,
    calendar_routes,
    category_routes,
    routes,
    routing_routes,
    unit_routes,
)
