"""Deadline regimes and the working calendar. Changes move open cases' due times with them."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.errors import DomainError
from app.core.timeutil import to_local, utcnow
from app.deadlines import settings
from app.extensions import db
from app.models import CalendarDay
from app.web.admin.blueprint import bp
from app.web.admin.common import acting_admin, done, locale
from app.web.admin.forms import CalendarDayForm
from app.web.forms import show_on_form
from app.web.htmx import is_htmx, render_page_or_partial


def _recomputed(count: int) -> str:
    return ngettext("%(num)d open case has new due times.", "%(num)d open cases have new due times.", count)


@bp.get("/regimes")
def regimes_page():
    """The deadline regimes of every kind of case, with their legal sources."""
    return render_template("admin/regimes.html", regimes=settings.list_regimes())


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
