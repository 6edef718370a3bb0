"""Routing rules (category × ward → unit) and the "which unit would get this?" tester."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Category, RoutingRule
from app.org import routing_rules as rules
from app.org.units import unit_choices
from app.web.admin.blueprint import bp
from app.web.admin.common import acting_admin, done, locale
from app.web.admin.forms import RoutingRuleForm, RoutingTestForm, RuleUnitForm
from app.web.forms import show_on_form
from app.web.htmx import is_htmx, render_page_or_partial

CHOOSE = 0  # the "— Choose —" entry of a select


def _categories(offered_only: bool) -> list[tuple[int, str]]:
    stmt = sa.select(Category).order_by(Category.position, Category.code)
    if offered_only:
        stmt = stmt.where(Category.active.is_(True))
    return [(CHOOSE, _("— Choose —"))] + [
        (c.id, f"{c.display_name(locale())} ({c.code})") for c in db.session.scalars(stmt)
    ]


def _units() -> list[tuple[int, str]]:
    return [(CHOOSE, _("— Choose —")), *unit_choices(locale(), receiving=True)]


def _new_form(formdata=None) -> RoutingRuleForm:
    form = RoutingRuleForm(prefix="new", **({} if formdata is None else {"formdata": formdata}))
    form.category_id.choices = _categories(offered_only=True)
    form.unit_id.choices = _units()
    return form


def _test_form() -> RoutingTestForm:
    form = RoutingTestForm(request.args, prefix="try")
    form.category_id.choices = _categories(offered_only=False)
    return form


def _unit_form(rule: RoutingRule, **kwargs) -> RuleUnitForm:
    form = RuleUnitForm(prefix=f"rule{rule.id}", **kwargs)
    form.unit_id.choices = _units()
    return form


def _rules(form: RoutingRuleForm, status: int = 200, notice: str | None = None):
    """The rules with the add form: the section alone for htmx, else the whole page."""
    context = {"rules": rules.all_rules(), "form": form, "notice": notice}
    if is_htmx():
        return render_template("admin/_routing_rules.html", **context), status
    return render_template("admin/routing.html", test_form=_test_form(), choice=None,
                           **context), status


@bp.get("/routing")
def routing_page():
    """Every routing rule, a form to add one, and the tester."""
    return _rules(_new_form(formdata=None))


@bp.post("/routing")
def add_routing_rule():
    """Add a routing rule."""
    form = _new_form()
    if form.validate_on_submit():
        try:
            rule = rules.add_rule(form.category_id.data, form.ward.data, form.unit_id.data,
                                  acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "category_id")
        else:
            message = _("Routing rule added: %(category)s, %(ward)s → %(unit)s.",
                        category=rule.category.code, ward=rule.ward or _("any ward"),
                        unit=rule.unit.code)
            db.session.commit()
            if not is_htmx():
                return done(message, "admin.routing_page")
            return _rules(_new_form(formdata=None), notice=message)
    return _rules(form, 422)


@bp.get("/routing/test")
def test_routing():
    """Which unit a new case of a category in a ward would go to now, and why. Changes nothing."""
    form = _test_form()
    choice, status = None, 200
    if form.validate():
        try:
            choice = rules.try_routing(form.category_id.data, form.ward.data)
        except DomainError as err:
            show_on_form(form, err, "category_id")
    if form.errors:
        status = 422
    if is_htmx():
        return render_template("admin/_routing_test.html", test_form=form, choice=choice), status
    return render_template("admin/routing.html", rules=rules.all_rules(),
                           form=_new_form(formdata=None), notice=None,
                           test_form=form, choice=choice), status


def _edit(rule: RoutingRule, form: RuleUnitForm, status: int = 200):
    return render_page_or_partial("admin/routing_edit.html", "admin/_routing_edit.html", status,
                                  rule=rule, form=form)


@bp.get("/routing/<int:rule_id>/edit")
def edit_routing_rule(rule_id: int):
    """A rule's row as a form to choose another unit (in place with htmx, else a page)."""
    rule = db.get_or_404(RoutingRule, rule_id)
    return _edit(rule, _unit_form(rule, formdata=None, obj=rule))


@bp.get("/routing/<int:rule_id>/row")
def routing_rule_row(rule_id: int):
    """A rule's row as listed (htmx uses it to cancel an edit)."""
    rule = db.get_or_404(RoutingRule, rule_id)
    return render_template("admin/_routing_row.html", rule=rule)


@bp.post("/routing/<int:rule_id>")
def update_routing_rule(rule_id: int):
    """Send a rule's cases to another unit."""
    rule = db.get_or_404(RoutingRule, rule_id)
    form = _unit_form(rule)
    if form.validate_on_submit():
        try:
            rules.change_unit(rule, form.unit_id.data, acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "unit_id")
        else:
            db.session.commit()
            message = _("Routing rule saved: its cases go to %(unit)s.",
                        unit=rule.unit.display_name(locale()))
            if not is_htmx():
                return done(message, "admin.routing_page")
            return render_template("admin/_routing_row.html", rule=rule, notice=message)
    return _edit(rule, form, 422)


@bp.post("/routing/<int:rule_id>/delete")
def remove_routing_rule(rule_id: int):
    """Remove a rule; its cases fall back on the any-ward rule or the category's unit."""
    rule = db.get_or_404(RoutingRule, rule_id)
    rules.remove_rule(rule, acting_admin(), utcnow())
    db.session.commit()
    message = _("Routing rule removed.")
    if not is_htmx():
        return done(message, "admin.routing_page")
    return _rules(_new_form(formdata=None), notice=message)
