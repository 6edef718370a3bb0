"""/admin/api-keys: admins list, create (the key is shown once) and revoke Open311 keys."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.apikeys import bp
from app.apikeys.forms import ApiKeyForm
from app.extensions import db
from app.models import ApiKey, Role
from app.services import apikeys
from app.services.workflow import InvalidInput
from app.timeutil import utcnow


@bp.before_request
@login_required
def require_admin():
    """Only administrators manage API keys; every other role is refused."""
    if not current_user.has_role(Role.ADMIN):
        abort(403)


def _page(form: ApiKeyForm, status: int = 200, new_secret: str | None = None,
          new_key: ApiKey | None = None):
    response = current_app.make_response((
        render_template("apikeys/index.html", form=form, keys=apikeys.list_keys(),
                        new_secret=new_secret, new_key=new_key),
        status,
    ))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
def index():
    """Every key with when it was last used, and the form for a new one."""
    return _page(ApiKeyForm(formdata=None))


@bp.post("")
def create():
    """Create a key and show it once; it cannot be shown again."""
    form = ApiKeyForm()
    if form.validate_on_submit():
        try:
            key, secret = apikeys.create_key(form.name.data, utcnow(), created_by=current_user)
        except InvalidInput as err:
            db.session.rollback()
            form.name.errors.append(str(err.message))
        else:
            db.session.commit()
            return _page(ApiKeyForm(formdata=None), 201, new_secret=secret, new_key=key)
    return _page(form, 422)


@bp.post("/<int:key_id>/revoke")
def revoke(key_id: int):
    """Revoke a key: clients using it are refused from now on."""
    key = db.get_or_404(ApiKey, key_id)
    if apikeys.revoke_key(key, utcnow(), actor=current_user):
        db.session.commit()
        flash(_("The key “%(name)s” was revoked.", name=key.name), "success")
    else:
        flash(_("The key “%(name)s” was already revoked.", name=key.name), "info")
    return redirect(url_for("apikeys.index"), 303)
