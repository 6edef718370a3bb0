"""Case files for staff, files for the public answer, and possible duplicates."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import access, attachments, duplicates, queries
from app.core import errors
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Attachment, Case
from app.web.attachments import send_attachment, uploads_of
from app.web.forms import show_on_form
from app.web.htmx import is_htmx, render_page_or_partial
from app.web.staff.blueprint import bp
from app.web.staff.file_forms import AnswerFilesForm, RemoveDraftForm


def _case_or_404(reference: str) -> Case:
    """The case, if the signed-in user may see it; 404 otherwise."""
    case = queries.case_by_reference(reference)
    if case is None or not access.may_view_case(current_user, case):
        abort(404)
    return case


@bp.get("/<reference>/attachments/<int:attachment_id>")
@login_required
def attachment(reference: str, attachment_id: int):
    """One file of the case, for those access.may_see_attachment lets open it."""
    case = _case_or_404(reference)
    found = db.session.get(Attachment, attachment_id)
    if found is None or not access.may_see_attachment(current_user, case, found):
        abort(404)
    return send_attachment(found)


def _answer_files(case: Case, status: int = 200, form: AnswerFilesForm | None = None,
                  notice: str | None = None):
    form = form or AnswerFilesForm(formdata=None)
    if is_htmx():
        return render_template("cases/_answer_files.html", case=case, files_form=form,
                               files_notice=notice), status
    if status == 200:
        flash(notice, "success")
        return redirect(url_for("cases.detail", reference=case.reference), 303)
    return render_template("cases/answer_files.html", case=case, files_form=form), status


@bp.post("/<reference>/attachments")
@login_required
def add_answer_files(reference: str):
    """An officer adds files to the unit's public answer (drafts until it is sent)."""
    case = _case_or_404(reference)
    form = AnswerFilesForm()
    if not form.validate_on_submit():
        return _answer_files(case, 422, form)
    try:
        attachments.attach_to_answer(case, current_user, uploads_of(form.attachments), utcnow())
        db.session.commit()
    except (errors.InvalidInput, errors.IllegalMove) as err:
        db.session.rollback()
        show_on_form(form, err, "attachments")
        return _answer_files(case, 413 if isinstance(err, attachments.FileTooLarge)
                             else err.status_code, form)
    return _answer_files(case, notice=_("Files added to the answer."))


@bp.post("/<reference>/attachments/<int:attachment_id>/remove")
@login_required
def remove_draft(reference: str, attachment_id: int):
    """Take back a file that was not published with an answer yet."""
    case = _case_or_404(reference)
    if not RemoveDraftForm().validate_on_submit():
        abort(400)
    attachments.remove_draft(case, current_user, attachment_id)
    db.session.commit()
    return _answer_files(case, notice=_("File removed."))


@bp.get("/<reference>/duplicates")
@login_required
def possible_duplicates(reference: str):
    """Open cases of the same field and ward that read like this one."""
    case = _case_or_404(reference)
    found = duplicates.possible_duplicates(case, current_user)
    return render_page_or_partial("cases/duplicates.html", "cases/_duplicates_list.html",
                                  case=case, found=found)
