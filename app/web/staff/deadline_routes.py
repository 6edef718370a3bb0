"""The explanation of a case's due times, for staff who may read the case."""
from __future__ import annotations

from flask import abort
from flask_babel import get_locale
from flask_login import current_user, login_required

from app.cases import access, queries
from app.core.timeutil import utcnow
from app.deadlines import settings
from app.deadlines.explanation import Step, explain_case
from app.deadlines.sla import load_calendar
from app.web.htmx import render_page_or_partial
from app.web.staff.blueprint import bp

OFF_STEPS = (Step.SKIPPED, Step.MOVED)


@bp.get("/<reference>/deadlines")
@login_required
def deadline_explanation(reference: str):
    """How both due times of the case were counted; the partial alone for htmx."""
    if not access.may_use_queue(current_user):
        abort(403)
    case = queries.case_by_reference(reference)
    if case is None or not access.may_view_case(current_user, case):
        abort(404)
    found = explain_case(case, load_calendar(), utcnow())
    counts = (found.acknowledgment, found.response)
    # The days worth a reason: calendar exceptions on the way, and the days a count of
    # days passed over or moved past (a holiday's name tells why).
    days = sorted({note.day for due in counts for note in due.notes}
                  | {d.day for due in counts for d in due.days if d.step in OFF_STEPS})
    context = {
        "case": case,
        "found": found,
        "reasons": settings.day_reasons(days, str(get_locale() or "vi")),
    }
    return render_page_or_partial("cases/sla_explain.html", "cases/_sla_explain.html", **context)
