"""Units: the tree, add, rename, set the email, move, deactivate and reactivate."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Unit
from app.org import units
from app.web.admin.blueprint import bp
from app.web.admin.common import (
    acting_admin,
    confirmation_page,
    confirmed,
    done,
    locale,
    unit_id_or_none,
    unit_options,
)
from app.web.admin.forms import NewUnitForm, UnitForm
from app.web.forms import show_on_form
from app.web.htmx import is_htmx, render_page_or_partial


def _new_form() -> NewUnitForm:
    form = NewUnitForm(prefix="new")
    form.parent_id.choices = unit_options(_("— None (top of the tree) —"))
    return form


def _edit_form(unit: Unit, from_request: bool = True) -> UnitForm:
    if from_request:
        form = UnitForm(prefix=f"unit{unit.id}")
    else:
        form = UnitForm(formdata=None, obj=unit, prefix=f"unit{unit.id}")
        form.parent_id.data = unit.parent_id or 0
    form.parent_id.choices = unit_options(_("— None (top of the tree) —"), include_inactive=True)
    return form


def _details(form: UnitForm) -> units.UnitDetails:
    return units.UnitDetails(
        name=form.name.data,
        name_en=form.name_en.data,
        email=form.email.data,
        parent_id=unit_id_or_none(form.parent_id.data),
        handles_cases=bool(form.handles_cases.data),
    )


def _node(unit: Unit) -> units.UnitNode:
    return next(n for n in units.flatten(units.unit_tree()) if n.unit.id == unit.id)


def _page(form: NewUnitForm, status: int = 200):
    return render_template("admin/units.html", tree=units.unit_tree(), form=form), status


@bp.get("/units")
def units_page():
    """The unit tree, with a form to add a unit."""
    return _page(_new_form())


@bp.post("/units")
def create_unit():
    """Add a unit."""
    form = _new_form()
    if form.validate_on_submit():
        try:
            unit = units.create_unit(form.code.data, _details(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "name")
        else:
            db.session.commit()
            return done(_("Unit %(code)s added.", code=unit.code), "admin.units_page")
    return _page(form, 422)


@bp.get("/units/<int:unit_id>/edit")
def edit_unit(unit_id: int):
    """A unit's row as a form (in place with htmx, else a page of its own)."""
    unit = db.get_or_404(Unit, unit_id)
    form = _edit_form(unit, from_request=False)
    return render_page_or_partial("admin/unit_edit.html", "admin/_unit_edit.html",
                                  unit=unit, form=form)


@bp.get("/units/<int:unit_id>/row")
def unit_row(unit_id: int):
    """A unit's row as shown in the tree (htmx uses it to cancel an edit)."""
    unit = db.get_or_404(Unit, unit_id)
    return render_template("admin/_unit_row.html", node=_node(unit))


@bp.post("/units/<int:unit_id>")
def update_unit(unit_id: int):
    """Save a unit's names, email and parent; a move re-draws the whole tree."""
    unit = db.get_or_404(Unit, unit_id)
    form = _edit_form(unit)
    if form.validate_on_submit():
        try:
            moved = units.update_unit(unit, _details(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "name")
        else:
            db.session.commit()
            message = _("Unit %(code)s saved.", code=unit.code)
            if not is_htmx():
                return done(message, "admin.units_page")
            if moved:
                return (
                    render_template("admin/_unit_tree.html", tree=units.unit_tree(), notice=message),
                    200,
                    {"HX-Retarget": "#unit-tree", "HX-Reswap": "outerHTML"},
                )
            return render_template("admin/_unit_row.html", node=_node(unit), notice=message)
    return render_page_or_partial("admin/unit_edit.html", "admin/_unit_edit.html", 422,
                                  unit=unit, form=form)


def _set_active(unit_id: int, active: bool, message: str):
    unit = db.get_or_404(Unit, unit_id)
    units.set_unit_active(unit, active, acting_admin(), utcnow())
    db.session.commit()
    if is_htmx():
        return render_template("admin/_unit_row.html", node=_node(unit), notice=message)
    return done(message, "admin.units_page")


@bp.post("/units/<int:unit_id>/deactivate")
def deactivate_unit(unit_id: int):
    """Take a unit out of routing and out of the lists (it is never deleted), once the
    admin confirmed it."""
    if not confirmed():
        unit = db.get_or_404(Unit, unit_id)
        return confirmation_page(
            _("Deactivate %(unit)s?", unit=unit.display_name(locale())),
            _("New cases of its categories will wait in triage, and it will no longer be offered "
              "for transfers. Its cases and their history stay; it can be reactivated."),
            url_for("admin.deactivate_unit", unit_id=unit_id), url_for("admin.units_page"))
    return _set_active(unit_id, False, _("Unit deactivated. New cases of its categories go to triage."))


@bp.post("/units/<int:unit_id>/reactivate")
def reactivate_unit(unit_id: int):
    """Bring a deactivated unit back."""
    return _set_active(unit_id, True, _("Unit reactivated."))
