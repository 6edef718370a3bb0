"""Deadline policies and the working calendar. Changes move open cases' due times with them."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.errors import DomainError
from app.core.timeutil import to_local, utcnow
from app.deadlines import settings
from app.extensions import db
from app.models import CalendarDay, DeadlinePolicy
from app.web.admin.blueprint import bp
from app.web.admin.common import acting_admin, done, locale
from app.web.admin.forms import CalendarDayForm, NewPolicyForm, PolicyForm
from app.web.forms import show_on_form
from app.web.htmx import is_htmx, render_page_or_partial


def _targets(form: PolicyForm) -> settings.Targets:
    return settings.Targets(
        name=form.name.data, ack_hours=form.ack_hours.data, response_days=form.response_days.data,
        urgent_ack_hours=form.urgent_ack_hours.data,
        urgent_response_days=form.urgent_response_days.data,
    )


def _recomputed(count: int) -> str:
    return ngettext("%(num)d open case has new due times.", "%(num)d open cases have new due times.", count)


def _policies_page(form: NewPolicyForm, status: int = 200):
    return render_template(
        "admin/policies.html", rows=settings.policies_with_usage(), form=form
    ), status


@bp.get("/policies")
def policies_page():
    """Deadline policies, what follows them, and a form to add one."""
    return _policies_page(NewPolicyForm(prefix="new", formdata=None))


@bp.post("/policies")
def create_policy():
    """Add a deadline policy."""
    form = NewPolicyForm(prefix="new")
    if form.validate_on_submit():
        try:
            policy = settings.create_policy(form.code.data, _targets(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "name")
        else:
            db.session.commit()
            return done(_("Deadline policy %(code)s added.", code=policy.code), "admin.policies_page")
    return _policies_page(form, 422)


@bp.get("/policies/<int:policy_id>/edit")
def edit_policy(policy_id: int):
    """A policy's row as a form (in place with htmx, else a page of its own)."""
    policy = db.get_or_404(DeadlinePolicy, policy_id)
    form = PolicyForm(prefix=f"policy{policy.id}", formdata=None, obj=policy)
    return render_page_or_partial("admin/policy_edit.html", "admin/_policy_edit.html",
                                  deadline_policy=policy, form=form)


@bp.get("/policies/<int:policy_id>/row")
def policy_row(policy_id: int):
    """A policy's row as listed (htmx uses it to cancel an edit)."""
    policy = db.get_or_404(DeadlinePolicy, policy_id)
    usage = dict((p.id, n) for p, n in settings.policies_with_usage())
    return render_template("admin/_policy_row.html", deadline_policy=policy, used_by=usage.get(policy.id, 0))


@bp.post("/policies/<int:policy_id>")
def update_policy(policy_id: int):
    """Save a policy; open cases under it get new due times."""
    policy = db.get_or_404(DeadlinePolicy, policy_id)
    form = PolicyForm(prefix=f"policy{policy.id}")
    if form.validate_on_submit():
        try:
            count = settings.update_policy(policy, _targets(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "name")
        else:
            db.session.commit()
            message = _("Deadline policy %(code)s saved.", code=policy.code) + " " + _recomputed(count)
            if not is_htmx():
                return done(message, "admin.policies_page")
            usage = dict((p.id, n) for p, n in settings.policies_with_usage())
            return render_template("admin/_policy_row.html", deadline_policy=policy,
                                   used_by=usage.get(policy.id, 0), notice=message)
    return render_page_or_partial("admin/policy_edit.html", "admin/_policy_edit.html", 422,
                                  deadline_policy=policy, form=form)


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
