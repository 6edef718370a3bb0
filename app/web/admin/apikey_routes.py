"""/admin/api-keys: admins list, create (the key is shown once) and revoke Open311 keys."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import apikeys
from app.core.errors import InvalidInput
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import ApiKey
from app.web.admin.apikey_forms import ApiKeyForm
from app.web.admin.blueprint import bp
from app.web.forms import show_on_form


def _page(form: ApiKeyForm, status: int = 200, new_secret: str | None = None,
          new_key: ApiKey | None = None):
    response = current_app.make_response((
        render_template("admin/api_keys.html", form=form, keys=apikeys.list_keys(),
                        new_secret=new_secret, new_key=new_key),
        status,
    ))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api-keys")
def api_keys():
    """Every key with when it was last used, and the form for a new one."""
    return _page(ApiKeyForm(formdata=None))


@bp.post("/api-keys")
def create_api_key():
    """Create a key and show it once; it cannot be shown again."""
    form = ApiKeyForm()
    if form.validate_on_submit():
        try:
            key, secret = apikeys.create_key(form.name.data, utcnow(), created_by=current_user)
        except InvalidInput as err:
            db.session.rollback()
            show_on_form(form, err, "name")
        else:
            db.session.commit()
            return _page(ApiKeyForm(formdata=None), 201, new_secret=secret, new_key=key)
    return _page(form, 422)


@bp.post("/api-keys/<int:key_id>/revoke")
def revoke_api_key(key_id: int):
    """Revoke a key: clients using it are refused from now on."""
    key = db.get_or_404(ApiKey, key_id)
    if apikeys.revoke_key(key, utcnow(), actor=current_user):
        db.session.commit()
        flash(_("The key “%(name)s” was revoked.", name=key.name), "success")
    else:
        flash(_("The key “%(name)s” was already revoked.", name=key.name), "info")
    return redirect(url_for("admin.api_keys"), 303)
