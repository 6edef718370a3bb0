"""Deadline regimes and the working calendar. Changes move open cases' due times with them."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from app.cases import labels
from app.core.errors import DomainError
from app.core.timeutil import to_local, utcnow
from app.deadlines import settings
from app.extensions import db
from app.models import CalendarDay, CaseKind, DeadlineRegime, Priority
from app.org import categories
from app.web.admin.blueprint import bp
from app.web.admin.common import acting_admin, done, locale
from app.web.admin.forms import CalendarDayForm, NewRegimeForm, RegimeForm
from app.web.forms import show_on_form
from app.web.htmx import is_htmx, render_page_or_partial


def _recomputed(count: int) -> str:
    return ngettext("%(num)d open case has new due times.", "%(num)d open cases have new due times.", count)


ANY = 0  # the "any field" choice of the category list


def _terms(form: RegimeForm) -> settings.Terms:
    return settings.Terms(
        first_step_amount=form.first_step_amount.data, first_step_unit=form.first_step_unit.data,
        resolution_amount=form.resolution_amount.data, resolution_unit=form.resolution_unit.data,
        resolution_from_first_step=form.resolution_from_first_step.data,
        max_extensions=form.max_extensions.data, extension_amount=form.extension_amount.data,
        extension_unit=form.extension_unit.data, legal_source=form.legal_source.data or "",
    )


def _new_form(formdata: bool = True) -> NewRegimeForm:
    form = NewRegimeForm(prefix="new") if formdata else NewRegimeForm(
        prefix="new", formdata=None, max_extensions=0, extension_unit="calendar_days")
    form.kind.choices = [(kind.value, labels.KIND[kind]) for kind in CaseKind]
    form.category_id.choices = [(ANY, _("Every field"))] + [
        (category.id, category.display_name(locale())) for category in categories.all_categories()]
    form.priority.choices = [("", _("Every priority"))] + [
        (priority.value, labels.PRIORITY[priority]) for priority in Priority]
    return form


def _edit_form(regime: DeadlineRegime, formdata: bool = True) -> RegimeForm:
    prefix = f"regime{regime.id}"
    return RegimeForm(prefix=prefix) if formdata else RegimeForm(prefix=prefix, formdata=None,
                                                                 obj=regime)


def _regimes(form: NewRegimeForm, status: int = 200, error: str | None = None):
    return render_template("admin/regimes.html", regimes=settings.list_regimes(), form=form,
                           is_base=settings.is_base, error=error), status


@bp.get("/regimes")
def regimes_page():
    """The deadline regimes of every kind of case, with their legal sources, and a form to add one."""
    return _regimes(_new_form(formdata=False))


@bp.post("/regimes")
def create_regime():
    """Add a regime for a kind and a field, a priority or both."""
    form = _new_form()
    if form.validate_on_submit():
        try:
            regime, count = settings.create_regime(
                form.kind.data, form.category_id.data or None, form.priority.data or None,
                _terms(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "category_id")
        else:
            db.session.commit()
            message = _("Regime added.") + " " + _recomputed(count)
            return done(message, "admin.regimes_page", _anchor=f"regime-{regime.id}")
    return _regimes(form, 422)


@bp.get("/regimes/<int:regime_id>/edit")
def edit_regime(regime_id: int):
    """A regime's row as a form (in place with htmx, else a page of its own)."""
    regime = db.get_or_404(DeadlineRegime, regime_id)
    return render_page_or_partial("admin/regime_edit.html", "admin/_regime_edit.html",
                                  regime=regime, form=_edit_form(regime, formdata=False))


@bp.get("/regimes/<int:regime_id>/row")
def regime_row(regime_id: int):
    """A regime's row as listed (htmx uses it to cancel an edit)."""
    regime = db.get_or_404(DeadlineRegime, regime_id)
    return render_template("admin/_regime_row.html", regime=regime, is_base=settings.is_base)


@bp.post("/regimes/<int:regime_id>")
def update_regime(regime_id: int):
    """Save a regime's terms; the open cases of its kind get new due times."""
    regime = db.get_or_404(DeadlineRegime, regime_id)
    form = _edit_form(regime)
    if form.validate_on_submit():
        try:
            count = settings.update_regime(regime, _terms(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "first_step_amount")
        else:
            db.session.commit()
            message = _("Regime saved.") + " " + _recomputed(count)
            if not is_htmx():
                return done(message, "admin.regimes_page", _anchor=f"regime-{regime.id}")
            return render_template("admin/_regime_row.html", regime=regime,
                                   is_base=settings.is_base, notice=message)
    return render_page_or_partial("admin/regime_edit.html", "admin/_regime_edit.html", 422,
                                  regime=regime, form=form)


@bp.post("/regimes/<int:regime_id>/delete")
def delete_regime(regime_id: int):
    """Remove a field's or a priority's regime; its cases follow the next regime that applies."""
    regime = db.get_or_404(DeadlineRegime, regime_id)
    try:
        count = settings.delete_regime(regime, acting_admin(), utcnow())
    except DomainError as err:
        db.session.rollback()
        return _regimes(_new_form(formdata=False), 422, error=str(err.message))
    db.session.commit()
    return done(_("Regime removed.") + " " + _recomputed(count), "admin.regimes_page")


def _year() -> int:
    return settings.clamp_year(request.args.get("year", type=int), to_local(utcnow()).year)


def _calendar(year: int, form: CalendarDayForm, status: int = 200, notice: str | None = None):
    return render_page_or_partial(
        "admin/calendar.html", "admin/_calendar_days.html", status,
        cal=settings.year_calendar(year, locale()), form=form, notice=notice,
    )


@bp.get("/calendar")
def calendar_page():
    """A year's public holidays (read-only) and its extra days off and make-up working days."""
    return _calendar(_year(), CalendarDayForm(formdata=None))


@bp.post("/calendar")
def add_calendar_day():
    """Add an extra day off or a make-up working day."""
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            count = settings.add_day(form.day.data, form.kind.data, form.note.data or "",
                                     acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "day")
        else:
            db.session.commit()
            message = _("Calendar updated.") + " " + _recomputed(count)
            if not is_htmx():
                return done(message, "admin.calendar_page", year=form.day.data.year)
            return _calendar(form.day.data.year, CalendarDayForm(formdata=None), notice=message)
    return _calendar(_year(), form, 422)


@bp.post("/calendar/<int:day_id>/delete")
def remove_calendar_day(day_id: int):
    """Remove an exception from the calendar."""
    entry = db.get_or_404(CalendarDay, day_id)
    year = entry.day.year
    count = settings.remove_day(entry, acting_admin(), utcnow())
    db.session.commit()
    message = _("Calendar updated.") + " " + _recomputed(count)
    if not is_htmx():
        return done(message, "admin.calendar_page", year=year)
    return _calendar(year, CalendarDayForm(formdata=None), notice=message)
