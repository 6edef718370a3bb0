"""The admin console's Blueprint, for administrators only.

Apart from the package's __init__, which imports the views: the views import the
Blueprint from here, so no import goes round in a circle."""
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
