"""Home, the citizen's feedback form, and the tracking pages."""
from __future__ import annotations

import secrets

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.cases import queries
from app.cases.attachments import FileTooLarge
from app.core import errors
from app.core.timeutil import utcnow
from app.extensions import db, limiter
from app.intake.submission import Submission, submit_once
from app.intake.tracking import normalise_tracking_code
from app.models import Channel
from app.web.attachments import uploads_of
from app.web.caching import private
from app.web.forms import show_on_form
from app.web.public.blueprint import bp
from app.web.public.followup import render_case_page
from app.web.public.forms import FeedbackForm, TrackForm


def _submission_limit() -> str:
    return f"{current_app.config['SUBMISSIONS_PER_MINUTE']}/minute"


def _lookup_limit() -> str:
    return f"{current_app.config['LOOKUPS_PER_MINUTE']}/minute"


@bp.get("/")
def home():
    """What Lắng Nghe is, and the two things a citizen comes to do."""
    return render_template("public/home.html", track_form=TrackForm(formdata=None))


@bp.route("/feedback/new", methods=["GET", "POST"])
@private
@limiter.limit(_submission_limit, methods=["POST"])
def feedback_new():
    """The citizen's feedback form; success answers 303 to the tracking page."""
    locale = str(get_locale() or "vi")
    categories = {c.id: c for c in queries.active_categories()}
    form = FeedbackForm()
    form.category.choices = [("", _("— Choose a field —"))] + [
        (c.id, c.display_name(locale)) for c in categories.values()
    ]
    if request.method == "GET":
        form.submission_token.data = secrets.token_urlsafe(24)
    status = 200
    if form.validate_on_submit():
        submission = Submission(
            category=categories[form.category.data],
            kind=form.kind.data,
            title=form.title.data,
            description=form.description.data,
            address=form.address.data or "",
            ward=form.ward.data or "",
            citizen_name=form.citizen_name.data,
            citizen_phone=form.citizen_phone.data,
            citizen_email=form.citizen_email.data,
            anonymous=form.anonymous.data,
            contact_consent=form.contact_consent.data,
            public_consent=form.public_consent.data,
            notify_email=form.notify_email.data,
            locale=locale,
            submission_token=form.submission_token.data,
            attachments=uploads_of(form.attachments),
        )
        try:
            case, _created = submit_once(submission, Channel.WEB, utcnow())
        except errors.InvalidInput as err:
            db.session.rollback()
            show_on_form(form, err, "title")
            status = 413 if isinstance(err, FileTooLarge) else 422
        else:
            db.session.commit()
            # A second send of the same form lands on the case the first one made.
            return redirect(url_for("public.track_case", code=case.tracking_code), 303)
    if form.errors and status == 200:
        status = 422
    return render_template("public/feedback_new.html", form=form), status


@bp.get("/track")
@limiter.limit(_lookup_limit)
def track():
    """Look a case up by tracking code."""
    form = TrackForm(request.args)
    if "code" not in request.args:
        return render_template("public/track.html", form=TrackForm(formdata=None))
    if form.validate():
        code = normalise_tracking_code(form.code.data)
        if code and queries.case_by_tracking_code(code) is not None:
            return redirect(url_for("public.track_case", code=code), 303)
        form.code.errors.append(_("No case has this tracking code. Check it and try again."))
        return render_template("public/track.html", form=form), 404
    return render_template("public/track.html", form=form), 422


@bp.get("/track/<code>")
@private
@limiter.limit(_lookup_limit)
def track_case(code: str):
    """The citizen's view of their case: status, unit, answer and public timeline."""
    normalised = normalise_tracking_code(code)
    case = queries.case_by_tracking_code(normalised) if normalised else None
    if case is None:
        abort(404)
    if normalised != code:
        return redirect(url_for("public.track_case", code=normalised), 301)
    return render_case_page(case)
