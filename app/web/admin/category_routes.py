"""Categories: list, add, edit, offer or withdraw. A category names its unit or goes to triage."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Category
from app.org import categories
from app.org.units import unit_choices
from app.web.admin.blueprint import bp
from app.web.admin.common import acting_admin, done, locale
from app.web.admin.forms import CategoryForm, NewCategoryForm
from app.web.forms import show_on_form
from app.web.htmx import is_htmx


def _prepare(form: CategoryForm) -> CategoryForm:
    form.default_unit.choices = [
        ("", _("— Choose —")),
        (categories.TRIAGE, _("No unit: send every case to triage")),
    ] + [(str(unit_id), name)
         for unit_id, name in unit_choices(locale(), include_inactive=True, receiving=True)]
    return form


def _details(form: CategoryForm) -> categories.CategoryDetails:
    raw = form.default_unit.data or ""
    default_unit = categories.TRIAGE if raw == categories.TRIAGE else (int(raw) if raw.isdigit() else None)
    return categories.CategoryDetails(
        name_vi=form.name_vi.data, name_en=form.name_en.data, keywords=form.keywords.data or "",
        default_unit=default_unit,
        asks_location=form.asks_location.data, active=form.active.data,
        position=form.position.data or 0,
    )


@bp.get("/categories")
def categories_page():
    """Every category with where its cases go."""
    return render_template("admin/categories.html", categories=categories.all_categories())


@bp.route("/categories/new", methods=["GET", "POST"])
def new_category():
    """Add a category."""
    form = _prepare(NewCategoryForm())
    if form.validate_on_submit():
        try:
            category = categories.create_category(form.code.data, _details(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "name_vi")
        else:
            db.session.commit()
            return done(_("Category %(code)s added.", code=category.code), "admin.categories_page")
    status = 422 if form.errors else 200
    return render_template("admin/category_form.html", form=form, category=None), status


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
def edit_category(category_id: int):
    """Change a category."""
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if not form.is_submitted():
        form.default_unit.data = str(category.default_unit_id or categories.TRIAGE)
    _prepare(form)
    if form.validate_on_submit():
        try:
            categories.update_category(category, _details(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "name_vi")
        else:
            db.session.commit()
            return done(_("Category %(code)s saved.", code=category.code), "admin.categories_page")
    status = 422 if form.errors else 200
    return render_template("admin/category_form.html", form=form, category=category), status


def _set_active(category_id: int, active: bool, message: str):
    category = db.get_or_404(Category, category_id)
    categories.set_category_active(category, active, acting_admin(), utcnow())
    db.session.commit()
    if is_htmx():
        return render_template("admin/_category_row.html", category=category, notice=message)
    return done(message, "admin.categories_page")


@bp.post("/categories/<int:category_id>/deactivate")
def deactivate_category(category_id: int):
    """Stop offering a category to citizens (its cases stay as they are)."""
    return _set_active(category_id, False, _("Category withdrawn from the feedback form."))


@bp.post("/categories/<int:category_id>/reactivate")
def reactivate_category(category_id: int):
    """Offer a category to citizens again."""
    return _set_active(category_id, True, _("Category offered on the feedback form again."))
