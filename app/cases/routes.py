"""The unit's queue and the case page with its actions."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.cases import bp
from app.cases.forms import AcknowledgeForm, RespondForm, VersionedForm
from app.extensions import db
from app.models import OPEN_STATUSES, Case, Category
from app.services import policy, queries, workflow
from app.services.sla import countdown, load_calendar
from app.timeutil import utcnow


def _require_queue_user() -> None:
    if not policy.may_use_queue(current_user):
        abort(403)


def _case_or_404(reference: str) -> Case:
    """The case, if it exists and the current user may see it; 404 otherwise."""
    case = queries.case_by_reference(reference)
    if case is None or not policy.may_view_case(current_user, case):
        abort(404)
    return case


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


@bp.get("")
@login_required
def queue():
    """The cases the user may work, soonest due first."""
    _require_queue_user()
    show_all = request.args.get("show") == "all"
    stmt = (
        sa.select(Case)
        .where(policy.visible_cases_filter(current_user))
        .options(
            joinedload(Case.category).joinedload(Category.policy),
            joinedload(Case.unit),
            joinedload(Case.assignee),
        )
        .order_by(Case.response_due_at, Case.id)
    )
    if not show_all:
        stmt = stmt.where(Case.status.in_([s.value for s in OPEN_STATUSES]))
    page = db.paginate(
        stmt, per_page=current_app.config["CASES_PER_PAGE"], error_out=False, count=True
    )
    now, calendar = utcnow(), load_calendar()
    rows = [(case, countdown(case, now, calendar)) for case in page.items]
    return render_template("cases/queue.html", page=page, rows=rows, show_all=show_all)


def _panel_context(case: Case, forms: dict[str, FlaskForm] | None = None, error: str | None = None):
    actor = workflow.Actor.staff(current_user)
    forms = forms or {}
    return {
        "case": case,
        "moves": workflow.allowed_moves(case, actor),
        "deadline": countdown(case, utcnow(), load_calendar()),
        "ack_form": forms.get("ack") or AcknowledgeForm(formdata=None, version=case.version),
        "respond_form": forms.get("respond")
        or RespondForm(formdata=None, version=case.version),
        "error": error,
        "may_see_contact": policy.may_see_contact(current_user, case),
    }


@bp.get("/<reference>")
@login_required
def detail(reference: str):
    """The case page: details, deadlines, actions and the full timeline."""
    _require_queue_user()
    case = _case_or_404(reference)
    return render_template("cases/detail.html", **_panel_context(case))


def _render_panel(case: Case, status: int, **context):
    if _is_htmx():
        return render_template("cases/_panel_update.html", **_panel_context(case, **context)), status
    return render_template("cases/detail.html", **_panel_context(case, **context)), status


def _perform(
    reference: str,
    form_name: str,
    form: VersionedForm,
    action: Callable[[Case, workflow.Actor, int], object],
    success: str,
):
    """Run one workflow action from a versioned form; answer in place for htmx."""
    _require_queue_user()
    case = _case_or_404(reference)
    if not form.validate_on_submit():
        return _render_panel(case, 422, forms={form_name: form})
    try:
        action(case, workflow.Actor.staff(current_user), form.version.data)
        db.session.commit()
    except workflow.NotPermitted:
        db.session.rollback()
        abort(403)
    except workflow.WorkflowError as err:
        db.session.rollback()
        if err.field and err.field in form:
            form[err.field].errors.append(str(err.message))
        form.refresh_version(case.version)  # what they typed is kept; a resend is deliberate
        return _render_panel(case, err.status_code, forms={form_name: form}, error=str(err.message))
    except StaleDataError:
        db.session.rollback()
        conflict = _("This case was changed by someone else while you were working on it.")
        form.refresh_version(case.version)
        return _render_panel(case, 409, forms={form_name: form}, error=conflict)
    if _is_htmx():
        return render_template(
            "cases/_panel_update.html", notice=success, **_panel_context(case)
        ), 200
    flash(success, "success")
    return redirect(url_for("cases.detail", reference=case.reference), 303)


@bp.post("/<reference>/acknowledge")
@login_required
def acknowledge(reference: str):
    """Acknowledge the case for the unit."""
    return _perform(
        reference,
        "ack",
        AcknowledgeForm(),
        lambda case, actor, version: workflow.acknowledge(case, actor, utcnow(), version),
        _("Case acknowledged. The citizen can see it is being handled."),
    )


@bp.post("/<reference>/respond")
@login_required
def respond(reference: str):
    """Publish the unit's answer to the citizen."""
    form = RespondForm()
    return _perform(
        reference,
        "respond",
        form,
        lambda case, actor, version: workflow.respond(case, actor, form.answer.data, utcnow(), version),
        _("Answer sent. The citizen can read it on their tracking page."),
    )
