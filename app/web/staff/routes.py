"""The queue: search, filters and saved views, new arrivals, and bulk assignment."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import access, casework, cohandling, labels, queue
from app.core import errors
from app.core.timeutil import utcnow
from app.deadlines.sla import countdown, load_calendar
from app.extensions import db
from app.models import CaseStatus, Category
from app.web.auth.sessions import not_activity
from app.web.forms import parse_moment, show_on_form
from app.web.htmx import is_htmx
from app.web.input import page_number
from app.web.staff.blueprint import bp
from app.web.staff.forms import BulkAssignForm, QueueFilterForm


def require_queue_user() -> None:
    """403 for a signed-in user who has no case queue at all."""
    if not access.may_use_queue(current_user):
        abort(403)


def _filter_form() -> tuple[QueueFilterForm, list]:
    form = QueueFilterForm(request.args)
    unit_scope = access.is_unit_staff(current_user)
    officers = casework.unit_officers(current_user.unit_id) if unit_scope else []
    categories = db.session.scalars(sa.select(Category).order_by(Category.position, Category.id))
    form.set_choices(categories, officers, unit_scope, str(get_locale() or "vi"))
    form.validate()
    return form, officers


def _bulk_form(officers, formdata=None) -> BulkAssignForm | None:
    if not access.may_assign_in_bulk(current_user):
        return None
    form = BulkAssignForm(formdata=formdata)
    form.officer.choices = [("", _("Choose an officer"))] + [(o.id, o.name) for o in officers]
    return form


def _status_tabs() -> list[tuple[str, str]]:
    statuses = [(status.value, labels.STATUS[status]) for status in CaseStatus]
    return [(queue.STATUS_OPEN, _("Open"))] + statuses + [(queue.STATUS_ALL, _("All"))]


def _render_queue(form, officers, status: int = 200, **extra):
    """The queue page, or only its results for htmx."""
    filters = form.filters()
    now, calendar = utcnow(), load_calendar()
    page = queue.load_queue(
        current_user, filters, page_number(), current_app.config["CASES_PER_PAGE"], now, calendar
    )
    extra.setdefault("bulk_form", _bulk_form(officers))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [(case, countdown(case, now, calendar)) for case in page.items],
        # Co-handling: the asked unit's day, the lead's "phối hợp 1/2" (one statement).
        "cohandling_marks": cohandling.queue_marks(
            [case.id for case in page.items],
            current_user.unit_id if access.is_unit_staff(current_user) else None),
        "since": now,
        "views": queue.saved_views_for(current_user),
        "reviews_waiting": queue.reviews_waiting(current_user),
        "unit_scope": access.is_unit_staff(current_user),
        "checked": set(),
        "status_tabs": _status_tabs(),
        **extra,
    }
    if form.errors and status == 200:
        status = 422
    if is_htmx():
        return render_template("cases/_results.html", oob=True, **context), status
    return render_template("cases/queue.html", **context), status


@bp.get("", endpoint="queue")
@login_required
def queue_page():
    """The cases the user may work: search, filters, sort, pages, soonest due first."""
    require_queue_user()
    form, officers = _filter_form()
    return _render_queue(form, officers)


def _since() -> datetime:
    return parse_moment(request.args.get("since")) or utcnow()


@bp.get("/arrivals")
@not_activity
@login_required
def arrivals():
    """A notice the queue polls: how many cases arrived in this view since it was shown."""
    require_queue_user()
    form, _officers = _filter_form()
    filters, since = form.filters(), _since()
    count = queue.arrivals_since(current_user, filters, since, utcnow(), load_calendar())
    return render_template("cases/_arrivals.html", count=count, filters=filters, since=since)


@bp.post("/assign")
@login_required
def bulk_assign():
    """Assign the cases a unit head selected in the queue to one officer of the unit."""
    require_queue_user()
    if not access.may_assign_in_bulk(current_user):
        abort(403)
    form, officers = _filter_form()
    bulk = _bulk_form(officers, formdata=request.form)
    selection = bulk.selection(request.form.getlist("cases"))
    checked = {reference for reference, _version in selection}
    if not bulk.validate_on_submit():
        return _render_queue(form, officers, 422, bulk_form=bulk, checked=checked)
    try:
        outcome = casework.bulk_assign(current_user, bulk.officer.data, selection, utcnow())
        db.session.commit()
    except errors.InvalidInput as err:
        db.session.rollback()
        bulk_error = None if show_on_form(bulk, err) else str(err.message)
        return _render_queue(
            form, officers, 422, bulk_form=bulk, checked=checked, bulk_error=bulk_error
        )
    done = ngettext(
        "%(num)d case assigned to %(name)s.",
        "%(num)d cases assigned to %(name)s.",
        len(outcome.assigned),
        name=outcome.officer.name,
    )
    if not outcome.conflicts and not outcome.refused and not is_htmx():
        flash(done, "success")
        return redirect(url_for("cases.queue", **form.filters().to_args()), 303)
    status = 409 if outcome.conflicts else 200
    return _render_queue(
        form,
        officers,
        status,
        bulk_form=bulk,
        checked={case.reference for case in outcome.conflicts},
        outcome=outcome,
        bulk_notice=done,
    )
