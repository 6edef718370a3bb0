"""The admin console's Blueprint, for administrators only.

Apart from the package's __init__, which imports the views: the views import the
Blueprint from here, so no import goes round in a circle."""
from flask import Blueprint, abort, current_app, url_for
from flask_babel import lazy_gettext as _l
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


# The console's menu: its own pages, then the pages of other parts an admin works in
# (shown only when that part is installed).
MENU = (
    ("admin.index", _l("Overview")),
    ("admin.units_page", _l("Units")),
    ("admin.users_page", _l("Accounts")),
    ("admin.categories_page", _l("Categories")),
    ("admin.routing_page", _l("Routing rules")),
    ("admin.regimes_page", _l("Deadline regimes")),
    ("admin.calendar_page", _l("Working calendar")),
    ("admin.api_keys", _l("API keys")),
    ("campaigns.index", _l("Campaigns")),
    ("admin.audit_log", _l("Audit log")),
)


@bp.context_processor
def admin_menu():
    """The menu's entries as (endpoint, address, text), for templates/admin/_nav.html."""
    return {"admin_menu": [(endpoint, url_for(endpoint), text) for endpoint, text in MENU
                           if endpoint in current_app.view_functions]}
