"""Co-handling on the case page: the lead asks units for input, they answer or decline.

Each form carries the case version it was shown with; htmx swaps the section in place
(with the status panel and the timeline, whose versions moved too); without JavaScript
the page is posted and redirected (303), or shown again with the error (409, 422).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from app.cases import access, casework, cohandling, lifecycle
from app.cases.access import CaseAction
from app.core import errors
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Case, CoHandlingRequest, Unit
from app.web.attachments import uploads_of
from app.web.forms import show_on_form
from app.web.htmx import is_htmx, render_page_or_partial
from app.web.staff.actions import _case_or_404, _panel_context
from app.web.staff.blueprint import bp
from app.web.staff.cohandling_forms import COHANDLING_FORMS, VersionedForm
from app.web.staff.routes import require_queue_user

Work = Callable[[Case, CoHandlingRequest | None, lifecycle.Actor, VersionedForm], object]


def _render(case: Case, status: int, **context):
    """The section (with the status panel and the timeline out of band) for htmx; the page
    otherwise."""
    return render_page_or_partial("cases/detail.html", "cases/_cohandling_update.html", status,
                                  **_panel_context(case, **context))


def _request_or_404(case: Case, request_id: int | None) -> CoHandlingRequest | None:
    if request_id is None:
        return None
    found = next((r for r in case.cohandling_requests if r.id == request_id), None)
    if found is None or not access.may_see_request(current_user, found):
        abort(404)
    return found


def _permitted(name: str, case: Case, request: CoHandlingRequest | None) -> bool:
    if name in ("ask", "withdraw"):
        return access.may_act(current_user, case, CaseAction.ASK_COHANDLING)
    # An asked unit's staff: a request answered meanwhile is a conflict, not a refusal.
    return access.is_unit_staff(current_user) and request.unit_id == current_user.unit_id


def _perform(reference: str, name: str, request_id: int | None, work: Work, success: str):
    """Run one co-handling form: 404, 403, 422 (what was typed), 409 (the version), the rules."""
    require_queue_user()
    case = _case_or_404(reference)
    request = _request_or_404(case, request_id)
    form = COHANDLING_FORMS[name]()
    if name == "ask":
        form.unit.choices = []  # any id: the domain checks the unit
    form.validate_on_submit()
    if not _permitted(name, case, request):
        abort(403)
    if form.errors:
        return _render(case, 422, co_active=(name, form))
    try:
        lifecycle.check_version(case, form.version.data)
        work(case, request, lifecycle.Actor.staff(current_user), form)
        db.session.commit()
    except (errors.VersionConflict, StaleDataError):
        db.session.rollback()
        changes = casework.changes_since(case, form.seen.data, current_user)
        return _render(case, 409, co_active=(name, form), co_conflict=changes or [None])
    except (errors.InvalidInput, errors.IllegalMove) as err:
        db.session.rollback()
        shown = show_on_form(form, err)
        error = None if shown else str(err.message)
        return _render(case, err.status_code, co_active=(name, form), co_error=error)
    if is_htmx():
        return _render(case, 200, co_notice=success)
    flash(success, "success")
    return redirect(url_for("cases.detail", reference=case.reference, _anchor="cohandling"), 303)


def _ask(case, _request, actor, form):
    unit = db.session.get(Unit, form.unit.data) if form.unit.data else None
    share = bool(form.share_contact.data) if "share_contact" in form else False
    return cohandling.ask(case, actor, unit, form.question.data, form.last_day.data, share,
                          utcnow())


@bp.post("/<reference>/cohandling")
@login_required
def ask_cohandling(reference: str):
    """The lead unit asks another unit for its input on the case, by a last day."""
    return _perform(reference, "ask", None, _ask,
                    _("Input asked for. The unit sees the request in its list."))


@bp.post("/<reference>/cohandling/<int:request_id>/contribute")
@login_required
def contribute(reference: str, request_id: int):
    """The asked unit sends its input, with files for the lead unit."""
    return _perform(
        reference, "contribute", request_id,
        lambda case, request, actor, form: cohandling.contribute(
            request, actor, form.text.data, utcnow(), uploads_of(form.files)),
        _("Input sent. The lead unit reads it on the case."))


@bp.post("/<reference>/cohandling/<int:request_id>/decline")
@login_required
def decline(reference: str, request_id: int):
    """The asked unit declines to give input, with the reason."""
    return _perform(
        reference, "decline", request_id,
        lambda case, request, actor, form: cohandling.decline(
            request, actor, form.reason.data, utcnow()),
        _("Request declined. The lead unit reads your reason."))


@bp.post("/<reference>/cohandling/<int:request_id>/withdraw")
@login_required
def withdraw(reference: str, request_id: int):
    """The lead unit no longer needs the unit's input."""
    return _perform(
        reference, "withdraw", request_id,
        lambda case, request, actor, form: cohandling.withdraw(request, actor, utcnow()),
        _("Request withdrawn."))
