"""The citizen's follow-up on /track/<code>: answer a question, rate, reopen, erase, files.

Whoever holds the tracking code is the citizen. Every POST is CSRF-protected and
rate-limited; an invalid form comes back with 422 and the errors next to the
fields, a move the case's state no longer allows with 409.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from app.cases import attachments, lifecycle, privacy, queries
from app.cases.attachments import FileTooLarge
from app.core import errors
from app.core.timeutil import utcnow
from app.deadlines.sla import countdown, load_calendar
from app.extensions import db, limiter
from app.intake import followup
from app.intake.tracking import normalise_tracking_code
from app.models import Attachment, Case
from app.web.attachments import send_attachment, uploads_of
from app.web.caching import private
from app.web.forms import show_on_form
from app.web.public.blueprint import bp
from app.web.public.forms import EraseContactForm, RateForm, ReopenForm, ReplyForm


def _reply_limit() -> str:
    return f"{current_app.config['REPLIES_PER_MINUTE']}/minute"


def _lookup_limit() -> str:
    return f"{current_app.config['LOOKUPS_PER_MINUTE']}/minute"


def case_or_404(code: str) -> Case:
    """The case this tracking code opens, or 404 (saying nothing about other codes)."""
    normalised = normalise_tracking_code(code)
    case = queries.case_by_tracking_code(normalised) if normalised else None
    if case is None or normalised != code:
        abort(404)
    return case


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def render_case_page(case: Case, status: int = 200, forms: dict[str, FlaskForm] | None = None,
                     error: str | None = None):
    """The citizen's view of their case, with the follow-up forms its state allows."""
    forms = forms or {}
    now, window, calendar = utcnow(), current_app.config["REOPEN_WINDOW_DAYS"], load_calendar()
    context = {
        "case": case,
        "events": [e for e in case.events if e.is_public],
        "deadline": countdown(case, now, calendar),
        "question": followup.pending_question(case),
        "files": attachments.for_citizen(case),
        "may_rate": followup.may_rate(case, now, window, calendar),
        "may_reopen": followup.may_reopen(case, now, window, calendar),
        "reopen_until": followup.last_day_to_reopen(case, window, calendar),
        "rating_given": followup.rating_given(case),
        "has_contact": privacy.has_contact(case),
        "reply_form": forms.get("reply") or ReplyForm(formdata=None),
        "rate_form": forms.get("rate") or RateForm(formdata=None),
        "reopen_form": forms.get("reopen") or ReopenForm(formdata=None),
        "error": error,
    }
    response = current_app.make_response(render_template("public/track_case.html", **context))
    response.status_code = status
    return _no_store(response)


def _follow_up(code: str, name: str, form: FlaskForm, action: Callable[[Case], object],
               success: str):
    """Run one citizen action from a form; 303 back to the tracking page when it worked."""
    case = case_or_404(code)
    if not form.validate_on_submit():
        return render_case_page(case, 422, {name: form})
    try:
        action(case)
        db.session.commit()
    except errors.DomainError as err:
        db.session.rollback()
        show_on_form(form, err)
        status = 413 if isinstance(err, FileTooLarge) else err.status_code
        return render_case_page(case, status, {name: form}, error=str(err.message))
    except StaleDataError:
        db.session.rollback()
        conflict = _("Your case changed while you were writing. Check it and send again.")
        return render_case_page(case, 409, {name: form}, error=conflict)
    flash(success, "success")
    return redirect(url_for("public.track_case", code=case.tracking_code), 303)


@bp.post("/track/<code>/reply")
@private
@limiter.limit(_reply_limit)
def reply(code: str):
    """The citizen answers the unit's question, with files if they like."""
    form = ReplyForm()
    return _follow_up(
        code, "reply", form,
        lambda case: followup.answer_question(
            case, form.message.data, uploads_of(form.attachments), utcnow()),
        _("Thank you. Your answer was sent to the unit, which now continues with your case."),
    )


@bp.post("/track/<code>/rate")
@private
@limiter.limit(_reply_limit)
def rate(code: str):
    """The citizen rates the answer from 1 to 5."""
    form = RateForm()
    return _follow_up(
        code, "rate", form,
        lambda case: lifecycle.rate_answer(
            case, followup.parse_rating(form.rating.data), form.comment.data or "", utcnow(),
            current_app.config["REOPEN_WINDOW_DAYS"]),
        _("Thank you for your rating."),
    )


@bp.post("/track/<code>/reopen")
@private
@limiter.limit(_reply_limit)
def reopen(code: str):
    """The citizen says the problem is not solved: the case goes back to the unit."""
    form = ReopenForm()
    return _follow_up(
        code, "reopen", form,
        lambda case: lifecycle.reopen(
            case, form.reason.data, utcnow(), current_app.config["REOPEN_WINDOW_DAYS"]),
        _("Your case was reopened. The unit will answer again."),
    )


@bp.route("/track/<code>/erase", methods=["GET", "POST"])
@private
@limiter.limit(_lookup_limit, methods=["GET"])
@limiter.limit(_reply_limit, methods=["POST"])
def erase_contact(code: str):
    """Ask, then erase the citizen's contact details at once; the case itself stays."""
    case = case_or_404(code)
    form = EraseContactForm()
    if form.validate_on_submit():
        privacy.erase_contact(case, utcnow())
        db.session.commit()
        flash(_("Your contact details were erased. Your case goes on without them."), "success")
        return redirect(url_for("public.track_case", code=case.tracking_code), 303)
    status = 422 if form.errors else 200
    page = render_template("public/erase_contact.html", case=case, form=form,
                           has_contact=privacy.has_contact(case))
    return _no_store(current_app.make_response((page, status)))


@bp.get("/track/<code>/files/<int:attachment_id>")
@private
@limiter.limit(_lookup_limit)
def attachment(code: str, attachment_id: int):
    """One file of the case, if the citizen may see it (their own, or the unit's answer)."""
    case = case_or_404(code)
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.case_id != case.id or found not in attachments.for_citizen(case):
        abort(404)
    return send_attachment(found)

