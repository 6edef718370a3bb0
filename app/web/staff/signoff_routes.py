"""The unit leader's sign-off on the case page (approve, return) and the unit's settings page."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import access, signoff
from app.cases.access import CaseAction
from app.core import errors
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Unit
from app.web.forms import database_int
from app.web.staff.actions import _perform
from app.web.staff.blueprint import bp
from app.web.staff.forms import SignoffSettingsForm


@bp.post("/<reference>/signoff/approve")
@login_required
def approve_answer(reference: str):
    """The unit's leader approves the draft in review (as corrected): it is published."""
    return _perform(
        reference,
        "approve_answer",
        lambda case, actor, form: signoff.approve(
            case, actor, utcnow(), body=form.answer.data, doc_number=form.doc_number.data,
            doc_date=form.doc_date.data, doc_signer=form.doc_signer.data, note=form.note.data),
        _("Answer approved and published. The citizen can read it on their tracking page."),
        permission=CaseAction.SIGN_OFF,
    )


@bp.post("/<reference>/signoff/return")
@login_required
def return_answer(reference: str):
    """The unit's leader returns the draft in review to its writer with a comment."""
    return _perform(
        reference,
        "return_answer",
        lambda case, actor, form: signoff.return_draft(case, actor, form.comment.data, utcnow()),
        _("Answer returned to its writer with your comment."),
        permission=CaseAction.SIGN_OFF,
    )


def _settings_unit() -> Unit | None:
    """The unit whose settings are asked for: the head's own, or ?unit= for admins (None:
    an admin who chose none yet). 403 for anyone else, 404 for a unit that does not exist."""
    if access.may_administer(current_user):
        raw = request.values.get("unit", "")
        if not raw:
            return None
        try:
            unit = db.session.get(Unit, database_int(raw))
        except ValueError:
            unit = None
        if unit is None:
            abort(404)
        return unit
    if not access.may_manage_signoff(current_user, current_user.unit):
        abort(403)
    return current_user.unit


def _render_settings(unit: Unit | None, form: SignoffSettingsForm, status: int = 200):
    settings = signoff.unit_settings(unit) if unit is not None else None
    units = [] if unit is not None else list(db.session.scalars(
        sa.select(Unit).where(Unit.active).order_by(Unit.name, Unit.id)))
    return render_template("cases/signoff_settings.html", unit=unit, settings=settings,
                           form=form, units=units), status


@bp.get("/unit/signoff")
@login_required
def signoff_settings():
    """The unit head's page: which kinds of case need sign-off, and who signs off for the head."""
    unit = _settings_unit()
    form = SignoffSettingsForm(formdata=None)
    if unit is not None:
        settings = signoff.unit_settings(unit)
        form.kinds.data = [kind for kind, needed in settings.required.items() if needed]
        form.deputies.data = [str(user.id) for user in settings.officers if user.signs_off]
    return _render_settings(unit, form)


@bp.post("/unit/signoff")
@login_required
def save_signoff_settings():
    """Save the unit's sign-off settings (audited); 303 back to the page."""
    unit = _settings_unit()
    if unit is None:
        abort(404)
    form = SignoffSettingsForm()
    if not form.validate_on_submit():
        return _render_settings(unit, form, 422)
    deputies = {int(value) for value in form.deputies.data if value.isdigit()}
    try:
        changes = signoff.save_settings(unit, set(form.kinds.data), deputies, current_user,
                                        utcnow())
        db.session.commit()
    except errors.InvalidInput as err:
        db.session.rollback()
        form.form_errors.append(str(err.message))
        return _render_settings(unit, form, 422)
    flash(_("Sign-off settings saved.") if changes else _("Nothing changed."), "success")
    args = {"unit": unit.id} if access.may_administer(current_user) else {}
    return redirect(url_for("cases.signoff_settings", **args), 303)
