"""Home, the citizen's feedback form, and the tracking pages."""
from __future__ import annotations

import secrets

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from app.cases import queries
from app.cases.attachments import FileTooLarge
from app.core import errors
from app.core.timeutil import utcnow
from app.extensions import db, limiter
from app.intake import attributes as category_questions
from app.intake.open311_filing import ATTRIBUTE_FIELD, answers_from_form
from app.intake.submission import Submission, submit_once
from app.intake.tracking import normalise_tracking_code
from app.models import Channel
from app.web.attachments import uploads_of
from app.web.caching import private
from app.web.forms import show_on_form
from app.web.public.blueprint import bp
from app.web.public.followup import render_case_page
from app.web.public.forms import FeedbackForm, TrackForm
from app.web.public.oversized import text_fields_of_oversized_form


def _submission_limit() -> str:
    return f"{current_app.config['SUBMISSIONS_PER_MINUTE']}/minute"


def _lookup_limit() -> str:
    return f"{current_app.config['LOOKUPS_PER_MINUTE']}/minute"


@bp.get("/")
def home():
    """What Lắng Nghe is, and the two things a citizen comes to do."""
    return render_template("public/home.html", track_form=TrackForm(formdata=None))


def _feedback_form(formdata=None, **kwargs) -> tuple[FeedbackForm, dict]:
    """The feedback form with the active categories to choose from, and those categories."""
    locale = str(get_locale() or "vi")
    categories = {c.id: c for c in queries.active_categories()}
    form = FeedbackForm(formdata=formdata, **kwargs) if formdata is not None else FeedbackForm()
    form.category.choices = [("", _("— Choose a field —"))] + [
        (c.id, c.display_name(locale)) for c in categories.values()
    ]
    # With htmx, choosing a field brings its questions in at once.
    form.category.render_kw = {
        "hx-get": url_for("public.feedback_questions"), "hx-target": "#category-questions",
        "hx-swap": "outerHTML", "hx-trigger": "change",
    }
    return form, categories


def _questions(category_id) -> list:
    """The questions of an active category (none for an unknown one)."""
    if not isinstance(category_id, int):
        return []
    return category_questions.questions_of(category_id)


def _question_code(err: errors.InvalidInput) -> str | None:
    match = ATTRIBUTE_FIELD.match(err.field or "")
    return match.group(1) if match else None


def _chosen_file_names() -> list[str]:
    """The names of the files the citizen chose, which a form with errors cannot keep."""
    return [f.filename for f in request.files.getlist("attachments") if f.filename]


def _render_feedback_form(form: FeedbackForm, status: int, dropped_files: list[str] | None = None,
                          answers: dict | None = None, question_errors: dict | None = None):
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit:
        # The browser checks the files' total before sending (the text needs a little room).
        form.attachments.render_kw = {
            **(form.attachments.render_kw or {}), "data-max-total": str(max(limit - 65536, 0)),
        }
    return render_template(
        "public/feedback_new.html", form=form, dropped_files=dropped_files or [],
        max_total=limit, questions=_questions(form.category.data), answers=answers or {},
        question_errors=question_errors or {},
    ), status


@bp.route("/feedback/new", methods=["GET", "POST"])
@private
@limiter.limit(_submission_limit, methods=["POST"])
def feedback_new():
    """The citizen's feedback form; success answers 303 to the tracking page."""
    locale = str(get_locale() or "vi")
    form, categories = _feedback_form()
    if request.method == "GET":
        form.submission_token.data = secrets.token_urlsafe(24)
    status = 200
    answers = answers_from_form(list(request.form.items(multi=True)))
    question_errors: dict[str, str] = {}
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
            answers=answers,
        )
        try:
            case, _created = submit_once(submission, Channel.WEB, utcnow())
        except errors.InvalidInput as err:
            db.session.rollback()
            code = _question_code(err)
            if code:
                question_errors[code] = str(err.message)
            else:
                show_on_form(form, err, "title")
            status = 413 if isinstance(err, FileTooLarge) else 422
        else:
            db.session.commit()
            # A second send of the same form lands on the case the first one made.
            return redirect(url_for("public.track_case", code=case.tracking_code), 303)
    elif request.method == "POST":
        # The questions are checked too, by the same rule, so that their errors show at once.
        try:
            category_questions.check_answers(_questions(form.category.data), answers)
        except errors.InvalidInput as err:
            if code := _question_code(err):
                question_errors[code] = str(err.message)
    if (form.errors or question_errors) and status == 200:
        status = 422
    dropped = _chosen_file_names() if request.method == "POST" and status != 303 else []
    return _render_feedback_form(form, status, dropped, answers, question_errors)


@bp.get("/feedback/questions")
@private
@limiter.limit(_lookup_limit)
def feedback_questions():
    """The chosen field's questions, for the form (htmx swaps them in on a change of field)."""
    active = {c.id for c in queries.active_categories()}
    raw = request.args.get("category", "")
    category_id = int(raw) if raw.isdigit() and int(raw) in active else None
    return render_template("public/_category_questions.html", questions=_questions(category_id),
                           answers={}, question_errors={})


@bp.errorhandler(RequestEntityTooLarge)
def feedback_too_large(error: RequestEntityTooLarge):
    """A form too large to accept comes back with what the citizen typed, not a dead end.

    The body is read once more with its files thrown away; only the text fields are
    kept. Beyond what can be read (or on other pages) the ordinary 413 page answers.
    """
    from app.web.errors import render_error

    if request.endpoint != "public.feedback_new":
        return render_error(413)
    fields = text_fields_of_oversized_form()
    if fields is None:
        from app.web.errors import discard_request_body

        response = current_app.make_response(render_error(413))
        if not discard_request_body():
            response.headers["Connection"] = "close"
        return response
    limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 1048576
    try:
        form, _categories = _feedback_form(formdata=MultiDict(fields))
        form.attachments.errors = [_(
            "Your files together are larger than %(mb)s MB, so none were received. "
            "Choose fewer or smaller files and send again; what you typed is kept.",
            mb=str(round(limit_mb)),
        )]
        return _render_feedback_form(form, 413, answers=answers_from_form(fields))
    except SQLAlchemyError:
        # Without its categories the form cannot be shown: the plain 413 page still answers.
        db.session.rollback()
        return render_error(413)


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
