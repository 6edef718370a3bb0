"""What the case page's "Phối hợp" section shows the signed-in user, and its forms."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import g
from flask_babel import get_locale

from app.cases import access, casework, cohandling
from app.cases.access import CaseAction
from app.core.timeutil import utcnow
from app.deadlines import counting
from app.deadlines.calendar import WorkingCalendar
from app.deadlines.sla import Countdown
from app.models import Attachment, Case, CoHandlingRequest, User
from app.org.units import grouped_choices, unit_tree
from app.web.staff.cohandling_forms import COHANDLING_FORMS, VersionedForm


@dataclass
class RequestRow:
    """One request as the section lists it."""

    request: CoHandlingRequest
    countdown: Countdown | None
    files: list[Attachment]
    may_withdraw: bool


@dataclass
class CohandlingView:
    """The section: the requests the user may see, the user's unit's open request, the forms."""

    rows: list[RequestRow]
    mine: RequestRow | None
    may_ask: bool
    forms: dict[str, VersionedForm]
    conflict: list = field(default_factory=list)
    # The answer's last day while it is still ahead: no request may run past it.
    answer_last_day: date | None = None

    @property
    def shown(self) -> bool:
        return bool(self.rows or self.mine or self.may_ask)


def unit_targets(case: Case) -> list[casework.UnitChoice]:
    """The units the case may be sent to or asked (the same list), looked up once a request."""
    cache = g.setdefault("_unit_targets", {})
    key = (case.id, case.unit_id)
    if key not in cache:
        cache[key] = cohandling.askable_units(case)
    return cache[key]


def unit_choices(case: Case) -> dict[str, list[tuple[int, str]]]:
    """The units a transfer may go to or that may be asked for input (the same list),
    grouped under their parent unit in the tree's order; the tree is read once a request."""
    if "_unit_tree" not in g:
        g._unit_tree = unit_tree(counts=False)
    return grouped_choices(unit_targets(case), str(get_locale() or "vi"), g._unit_tree)


def _forms(case: Case, may_ask: bool, active, now: datetime, calendar: WorkingCalendar):
    seen = casework.latest_event_id(case)
    forms = {}
    for name, form_class in COHANDLING_FORMS.items():
        if active and active[0] == name:
            form = active[1]
        else:
            form = form_class(formdata=None)
            if name == "ask" and may_ask:
                form.last_day.data = cohandling.default_last_day(case, now, calendar)
        form.refresh_version(case.version, seen)
        forms[name] = form
    if may_ask:
        forms["ask"].unit.choices = unit_choices(case)
        if access.is_confidential(case):
            del forms["ask"]["share_contact"]  # never shared: no box to tick
    return forms


def build(case: Case, user: User, calendar: WorkingCalendar, active=None,
          conflict=None) -> CohandlingView:
    """The section for the user: ``active`` is (name, form) of a form just sent back."""
    now = utcnow()
    files = cohandling.files_of(case)
    lead = access.may_act(user, case, CaseAction.ASK_COHANDLING) and case.is_open
    may_ask = cohandling.may_ask(case, user)
    rows, mine = [], None
    for request in case.cohandling_requests:
        if not access.may_see_request(user, request):
            continue
        row = RequestRow(request, cohandling.countdown(request, now, calendar)
                         if request.is_open else None, files.get(request.id, []),
                         lead and request.is_open)
        if (request.is_open and request.unit_id == user.unit_id
                and access.may_act(user, case, CaseAction.CONTRIBUTE)):
            mine = row
        else:
            rows.append(row)
    return CohandlingView(rows, mine, may_ask, _forms(case, may_ask, active, now, calendar),
                          conflict or [],
                          cohandling.answer_last_day(case, counting.local_day(now)))
