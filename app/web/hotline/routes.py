"""The hotline desk (/hotline/new) and the triage queue (/hotline/triage)."""
from __future__ import annotations

import secrets

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import access, queries
from app.core import errors
from app.core.phone import normalise_phone
from app.core.timeutil import utcnow
from app.extensions import db
from app.intake import attributes as category_questions
from app.intake import hotline
from app.intake.open311_filing import ATTRIBUTE_FIELD, answers_from_form
from app.intake.submission import Submission, submit_once
from app.models import Case, Channel
from app.org.units import grouped_choices
from app.web.forms import show_on_form
from app.web.hotline.blueprint import bp
from app.web.hotline.forms import CallForm, RouteForm
from app.web.htmx import is_htmx

SAVED_KEY = "hotline_saved_case"


def _require_operator() -> None:
    if not access.may_take_calls(current_user):
        abort(403)


def _desk(form: CallForm, status: int = 200, saved: Case | None = None,
          answers: dict | None = None, question_errors: dict | None = None):
    categories = hotline.find_categories(form.category_search.data)
    chosen = _chosen_category(form, categories)
    phone = normalise_phone(form.caller_phone.data)
    page = render_template(
        "hotline/new.html", form=form, saved=saved, categories=categories,
        chosen=chosen, earlier=hotline.earlier_cases(phone, current_user),
        phone_checked=phone is not None, caller_phone=phone,
        questions=_questions(chosen), answers=answers or {}, question_errors=question_errors or {},
    )
    return page, status


def _questions(category_id: int | None) -> list:
    """The chosen field's questions (none while no field is chosen)."""
    return category_questions.questions_of(category_id) if category_id is not None else []


def _question_errors(err: errors.InvalidInput) -> dict[str, str]:
    """{code: message} when the error is about one of the field's questions, else {}."""
    match = ATTRIBUTE_FIELD.match(err.field or "")
    return {match.group(1): str(err.message)} if match else {}


def _questions_checked(form: CallForm, answers: dict) -> dict[str, str]:
    """The questions' errors on a form that failed its own checks, so that all show at once."""
    chosen = _chosen_category(form, hotline.find_categories(form.category_search.data))
    try:
        category_questions.check_answers(_questions(chosen), answers)
    except errors.InvalidInput as err:
        return _question_errors(err)
    return {}


def _chosen_category(form: CallForm, categories) -> int | None:
    if form.category.data and any(c.id == form.category.data for c in categories):
        return form.category.data
    if len(categories) == 1 and (form.category_search.data or "").strip():
        return categories[0].id
    return None


def _last_saved() -> Case | None:
    """The case this operator just saved, shown once so they can read its codes out."""
    case_id = session.pop(SAVED_KEY, None)
    case = db.session.get(Case, case_id) if case_id else None
    if case is None or case.created_by_id != current_user.id:
        return None
    return case


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_call():
    """The desk: one form, keyboard only, ready for the next call once saved."""
    _require_operator()
    if request.method == "GET":
        form = CallForm(formdata=None)
        form.submission_token.data = secrets.token_urlsafe(24)
        return _desk(form, saved=_last_saved())
    form = CallForm()
    answers = answers_from_form(list(request.form.items(multi=True)))
    if not form.validate_on_submit():
        return _desk(form, 422, answers=answers, question_errors=_questions_checked(form, answers))
    try:
        category = hotline.resolve_category(form.category_search.data, form.category.data)
        submission = Submission(
            category=category,
            kind=form.kind.data,
            title=form.title.data or hotline.title_from(form.description.data),
            description=form.description.data,
            address=form.address.data or "",
            ward=form.ward.data or "",
            citizen_name=form.caller_name.data,
            citizen_phone=form.caller_phone.data,
            citizen_email=form.caller_email.data,
            contact_consent=form.contact_consent.data,
            notify_email=form.notify_email.data,
            priority=form.priority.data,
            locale=form.locale.data,
            submission_token=form.submission_token.data,
            answers=answers,
        )
        case, _created = submit_once(submission, Channel(form.channel.data), utcnow(),
                                     created_by=current_user)
    except errors.InvalidInput as err:
        db.session.rollback()
        question_errors = _question_errors(err)
        if not question_errors:
            show_on_form(form, err, "description")
            # The questions' own errors show at the same time as the form's.
            question_errors = _questions_checked(form, answers)
        return _desk(form, 422, answers=answers, question_errors=question_errors)
    db.session.commit()
    session[SAVED_KEY] = case.id
    return redirect(url_for("hotline.new_call"), 303)


@bp.get("/categories")
@login_required
def categories():
    """The fields matching what the operator typed (htmx, while typing)."""
    _require_operator()
    form = CallForm(request.args, meta={"csrf": False})
    found = hotline.find_categories(form.category_search.data)
    chosen = _chosen_category(form, found)
    # The questions follow the list: those of the one field chosen already, else none.
    return render_template("hotline/_categories.html", form=form, categories=found, chosen=chosen,
                           questions=_questions(chosen), answers={}, question_errors={},
                           questions_oob=True)


@bp.get("/questions")
@login_required
def questions():
    """The chosen field's questions (htmx, when the operator picks a field)."""
    _require_operator()
    found = {c.id for c in hotline.find_categories(None)}
    raw = request.args.get("category", "")
    category_id = int(raw) if raw.isdigit() and int(raw) in found else None
    return render_template("public/_category_questions.html", questions=_questions(category_id),
                           answers={}, question_errors={})


@bp.get("/earlier")
@login_required
def earlier():
    """The caller's earlier cases, once the number typed is a valid one (htmx)."""
    _require_operator()
    phone = normalise_phone(request.args.get("caller_phone"))
    return render_template("hotline/_earlier.html", earlier=hotline.earlier_cases(phone, current_user),
                           phone_checked=phone is not None, caller_phone=phone)


@bp.post("/link/<reference>")
@login_required
def link_call(reference: str):
    """Add the call to the caller's earlier case instead of opening a new one.

    A case the call may not be added to is not found, as its page is not.
    """
    _require_operator()
    form = CallForm()
    case = queries.case_by_reference(reference)
    if case is None or not access.may_link_call(current_user, case, form.caller_phone.data):
        abort(404)
    if not form.validate_on_submit():
        return _desk(form, 422)
    try:
        hotline.link_call(case, current_user, form.caller_phone.data, form.description.data,
                          utcnow())
    except errors.InvalidInput as err:
        db.session.rollback()
        show_on_form(form, err, "description")
        return _desk(form, 422)
    db.session.commit()
    flash(_("The call was added to case %(ref)s.", ref=case.reference), "success")
    return redirect(url_for("hotline.new_call"), 303)


def _locale() -> str:
    return str(get_locale() or "vi")


def _route_form(case: Case, units, formdata=None) -> RouteForm:
    form = RouteForm(formdata=formdata, prefix=f"route-{case.id}")
    form.unit.choices = units  # grouped_choices, built once per page
    return form


def _triage_page(status: int = 200, kept: RouteForm | None = None,
                 kept_case_id: int | None = None, error: str | None = None):
    page = db.paginate(hotline.triage_queue(), per_page=current_app.config["CASES_PER_PAGE"],
                       error_out=False, count=True)
    units = grouped_choices(hotline.active_units(), _locale())
    rows = [
        (case, kept if case.id == kept_case_id else _route_form(case, units))
        for case in page.items
    ]
    return render_template("hotline/triage.html", page=page, rows=rows, error=error), status


@bp.get("/triage")
@login_required
def triage():
    """Cases that no rule could route, oldest first, each with its routing form."""
    if not access.may_triage(current_user):
        abort(403)
    return _triage_page()


@bp.post("/triage/<reference>/route")
@login_required
def route(reference: str):
    """Send one waiting case to the unit the operator chose."""
    if not access.may_triage(current_user):
        abort(403)
    case = queries.case_by_reference(reference)
    if case is None:
        abort(404)
    units = grouped_choices(hotline.active_units(), _locale())
    form = _route_form(case, units, request.form)
    status, notice = 200, None
    if not form.validate_on_submit():
        status = 422
    else:
        try:
            hotline.route_from_triage(case, current_user, form.unit.data, utcnow())
            db.session.commit()
            notice = _("%(ref)s sent to %(unit)s.", ref=case.reference,
                       unit=case.unit.display_name(_locale()))
        except (errors.InvalidInput, errors.IllegalMove) as err:
            db.session.rollback()
            show_on_form(form, err, "unit")
            status = err.status_code
    if is_htmx():
        return render_template("hotline/_triage_row.html", case=case, form=form,
                               notice=notice), status
    if notice:
        flash(notice, "success")
        return redirect(url_for("hotline.triage"), 303)
    return _triage_page(status, form, case.id, error=(form.unit.errors or [None])[0])
