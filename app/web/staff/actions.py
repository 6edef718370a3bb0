"""The case page and its actions, each a small versioned form that updates the page in place."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError
from wtforms import TextAreaField

from app.cases import access, casework, extensions, kinds, lifecycle, queries, signoff
from app.cases.access import CaseAction
from app.core import errors
from app.core.timeutil import utcnow
from app.deadlines.sla import countdown, load_calendar
from app.extensions import db
from app.models import Case, CaseEvent
from app.web.forms import show_on_form
from app.web.htmx import is_htmx, render_page_or_partial
from app.web.staff import cohandling_view
from app.web.staff.blueprint import bp
from app.web.staff.file_forms import AnswerFilesForm
from app.web.staff.forms import CASE_FORMS, VersionedForm, prefill_answer_forms
from app.web.staff.routes import require_queue_user

Action = Callable[[Case, lifecycle.Actor, VersionedForm], object]


@dataclass
class Conflict:
    """What the second writer sees: the changes they missed, and their unsent text."""

    changes: list[CaseEvent]
    draft: str = ""
    form_shown: bool = True


def _case_or_404(reference: str) -> Case:
    """The case, if it exists and the current user may see it; 404 otherwise."""
    case = queries.case_by_reference(reference)
    if case is None or not access.may_view_case(current_user, case):
        abort(404)
    return case


def _set_choices(name: str, form: VersionedForm, case: Case, actions) -> None:
    if name == "transfer" and "transfer" in actions:
        form.unit.choices = cohandling_view.unit_choices(case)
    elif name == "assign" and "assign" in actions:
        form.officer.choices = [("", _("Choose an officer"))] + [
            (officer.id, officer.name) for officer in casework.unit_officers(case.unit_id)
        ]
    elif name == "reclassify" and form.kind.data is None:
        form.kind.data = case.kind  # the list opens on the kind the case has now


def _forms(case: Case, actions, active, keep_drafts: bool, fresh: str | None):
    """One form per action. Other forms keep what was typed in them (htmx sends it along)."""
    forms = {}
    seen = casework.latest_event_id(case)
    for name, form_class in CASE_FORMS.items():
        if active and name == active[0]:
            forms[name] = active[1]
        else:
            drafts = request.form if keep_drafts and name != fresh else None
            form = form_class(formdata=drafts)
            form.refresh_version(case.version, seen)
            forms[name] = form
        _set_choices(name, forms[name], case, actions)
    return forms


def _panel_context(
    case: Case, active=None, keep_drafts: bool = False, fresh: str | None = None, **extra
) -> dict:
    calendar = load_calendar()
    extension_view = extensions.view(case, current_user, calendar)
    actions = casework.available_actions(case, current_user, extension_view)
    review = signoff.view(case, current_user)
    forms = _forms(case, actions, active, keep_drafts, fresh)
    prefill_answer_forms(forms, review)
    return {
        "case": case,
        "actions": actions,
        "forms": forms,
        "signoff": review,
        "deadline": countdown(case, utcnow(), calendar),
        "may_see_contact": access.may_see_contact(current_user, case),
        "transferred_away": access.transferred_away(current_user, case),
        "files_form": AnswerFilesForm(formdata=None),
        "extensions": extension_view,
        "cohandling": cohandling_view.build(case, current_user, calendar,
                                            extra.pop("co_active", None),
                                            extra.pop("co_conflict", None)),
        **extra,
    }


def _render_panel(case: Case, status: int, **context):
    """The status panel (and the timeline, out of band) for htmx; the whole page otherwise."""
    return render_page_or_partial(
        "cases/detail.html", "cases/_panel_update.html", status, **_panel_context(case, **context)
    )


@bp.get("/<reference>")
@login_required
def detail(reference: str):
    """The case page: details, deadlines, actions and the full timeline."""
    require_queue_user()
    case = _case_or_404(reference)
    return render_template("cases/detail.html", **_panel_context(case))


def _draft(form: VersionedForm) -> str:
    return next((f.data or "" for f in form if isinstance(f, TextAreaField)), "")


def _conflict(case: Case, name: str, form: VersionedForm):
    """409: what changed since the form was shown; the typed text is kept, version refreshed."""
    changes = casework.changes_since(case, form.seen.data, current_user)
    actions = casework.available_actions(case, current_user)
    form.refresh_version(case.version, casework.latest_event_id(case))
    conflict = Conflict(changes, _draft(form), form_shown=name in actions)
    return _render_panel(case, 409, active=(name, form), keep_drafts=True, conflict=conflict)


def _is_stale(form: VersionedForm, case: Case) -> bool:
    return form.version.data is not None and form.version.data != case.version


def _perform(reference: str, name: str, action: Action, success: str | Callable[[object], str],
             permission: CaseAction | None = None):
    """Run one action from its versioned form; answer in place for htmx, 303 otherwise.

    Order: who may see (404), who may act (403; a stale form gets the conflict
    instead), what was typed (422), the version (409), the workflow's own rules.
    ``permission``: the access action, when it is not the form's name; ``success`` may
    depend on what the action returned.
    """
    require_queue_user()
    case = _case_or_404(reference)
    form = CASE_FORMS[name]()
    form.validate_on_submit()  # parses the fields; errors are looked at below
    if not access.may_act(current_user, case, permission or CaseAction(name)):
        if _is_stale(form, case):
            return _conflict(case, name, form)
        abort(403)
    if form.errors:
        return _render_panel(case, 422, active=(name, form), keep_drafts=True)
    try:
        if name != CaseAction.NOTE:  # a note overwrites nothing: it never conflicts
            lifecycle.check_version(case, form.version.data)
        result = action(case, lifecycle.Actor.staff(current_user), form)
        db.session.commit()
    except (errors.VersionConflict, StaleDataError):
        db.session.rollback()
        return _conflict(case, name, form)
    except (errors.InvalidInput, errors.IllegalMove) as err:
        db.session.rollback()
        show_on_form(form, err)
        error = None if err.status_code == 422 else str(err.message)
        return _render_panel(
            case, err.status_code, active=(name, form), keep_drafts=True, error=error
        )
    if callable(success):
        success = success(result)
    if is_htmx():
        return _render_panel(case, 200, keep_drafts=True, notice=success, fresh=name)
    flash(success, "success")
    return redirect(url_for("cases.detail", reference=case.reference), 303)


@bp.post("/<reference>/acknowledge")
@login_required
def acknowledge(reference: str):
    """Acknowledge the case for the unit."""
    return _perform(
        reference,
        "acknowledge",
        lambda case, actor, form: lifecycle.acknowledge(case, actor, utcnow()),
        _("Case acknowledged. The citizen can see it is being handled."),
    )


@bp.post("/<reference>/ask")
@login_required
def ask_citizen(reference: str):
    """Ask the citizen a question; the response clock pauses."""
    return _perform(
        reference,
        "ask_citizen",
        lambda case, actor, form: lifecycle.ask_citizen(case, actor, form.question.data, utcnow()),
        _("Question sent. The response clock is paused until the citizen answers."),
    )


@bp.post("/<reference>/resume")
@login_required
def resume(reference: str):
    """Go on without the citizen's answer; the response clock resumes."""
    return _perform(
        reference,
        "resume",
        lambda case, actor, form: lifecycle.resume(case, actor, utcnow()),
        _("Work resumed. The response clock runs again."),
    )


@bp.post("/<reference>/respond")
@login_required
def respond(reference: str):
    """Publish the unit's answer to the citizen, or send it for sign-off when it needs one."""
    def sent(result) -> str:
        if isinstance(result, CaseEvent):
            return _("Answer sent. The citizen can read it on their tracking page.")
        return _("Answer sent for sign-off. The citizen reads it once the unit's leader "
                 "approves it.")

    return _perform(
        reference,
        "respond",
        lambda case, actor, form: signoff.answer(
            case, actor, form.answer.data, utcnow(), doc_number=form.doc_number.data,
            doc_date=form.doc_date.data, doc_signer=form.doc_signer.data),
        sent,
    )


@bp.post("/<reference>/transfer")
@login_required
def transfer(reference: str):
    """Transfer the case to another unit, with the reason."""
    return _perform(
        reference,
        "transfer",
        lambda case, actor, form: casework.transfer_case(
            case, actor, form.unit.data, form.reason.data, utcnow()
        ),
        _("Case transferred. Your unit can still read it."),
    )


@bp.post("/<reference>/reject")
@login_required
def reject(reference: str):
    """Refuse the case; the citizen reads the reason."""
    return _perform(
        reference,
        "reject",
        lambda case, actor, form: lifecycle.reject(case, actor, form.reason.data, utcnow()),
        _("Case rejected. The citizen can read the reason."),
    )


@bp.post("/<reference>/assign")
@login_required
def assign(reference: str):
    """A unit head assigns the case to an officer of the unit."""
    return _perform(
        reference,
        "assign",
        lambda case, actor, form: casework.assign_case(case, actor, form.officer.data, utcnow()),
        _("Case assigned."),
    )


@bp.post("/<reference>/note")
@login_required
def note(reference: str):
    """Add an internal note, for staff only."""
    return _perform(
        reference,
        "note",
        lambda case, actor, form: lifecycle.add_note(case, actor, form.note.data, utcnow()),
        _("Note added. Only staff can see it."),
    )


@bp.post("/<reference>/guide")
@login_required
def guide(reference: str):
    """Not ours to settle: guide the citizen to the competent agency."""
    return _perform(
        reference,
        "guide",
        lambda case, actor, form: lifecycle.guide(case, actor, form.guided_to.data,
                                                  form.guidance.data, utcnow()),
        _("The citizen was guided to the competent agency. They can read the guidance on their "
          "tracking page."),
    )


@bp.post("/<reference>/extension")
@login_required
def request_extension(reference: str):
    """An officer asks the unit head to extend the answer deadline."""
    return _perform(
        reference,
        "request_extension",
        lambda case, actor, form: extensions.request_extension(
            case, actor, form.new_last_day.data, form.reason.data, utcnow()),
        _("Extension asked for. The unit head decides it."),
    )


@bp.post("/<reference>/extension/decide")
@login_required
def decide_extension(reference: str):
    """The unit head approves or refuses the pending extension."""
    def decide(case, actor, form):
        pending = extensions.pending_extension(case)
        if pending is None:
            raise errors.IllegalMove(_("No extension is awaiting a decision."))
        return extensions.decide_extension(pending, actor, not form.refuse.data, form.note.data,
                                           utcnow())

    return _perform(reference, "decide_extension", decide, _("Decision recorded."))


@bp.post("/<reference>/reclassify")
@login_required
def reclassify(reference: str):
    """Change the kind of the case, with the reason; its deadlines are recounted."""
    return _perform(
        reference,
        "reclassify",
        lambda case, actor, form: kinds.reclassify(case, actor, form.kind.data, form.reason.data,
                                                   utcnow()),
        _("Kind of case changed. Its deadlines now follow the new kind."),
    )
