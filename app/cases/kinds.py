"""The legal kinds of a case: which need the sender's name, which keep it secret, reclassifying.

* Khiếu nại and tố cáo must carry the sender's name (Luật Khiếu nại 2011, Luật Tố cáo
  2018): one sent without it is not handled as such but taken as information (tin
  báo) — a phản ánh the unit may still check.
* A tố cáo keeps the reporter's identity confidential (who may see it: app/cases/access.py).
* An operator or the unit holding the case may reclassify it, with a reason; its deadlines
  then follow the new kind's regime, recounted from receipt.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.cases import access, lifecycle
from app.cases.access import CONFIDENTIAL_KINDS, CaseAction, is_confidential
from app.cases.lifecycle import Actor
from app.core.errors import IllegalMove, InvalidInput, NotPermitted
from app.deadlines.sla import load_calendar, set_due_times
from app.models import Case, CaseEvent, CaseKind, EventKind

# Kinds the law handles only when the sender gives their name.
NAMED_KINDS = frozenset({CaseKind.KHIEU_NAI, CaseKind.TO_CAO})
# Taken as information, an unnamed complaint or denunciation becomes this kind.
INFORMATION_KIND = CaseKind.PHAN_ANH
# CONFIDENTIAL_KINDS and is_confidential are defined with who may see what (access.py) and
# named here with the other kinds.
__all__ = ["CONFIDENTIAL_KINDS", "INFORMATION_KIND", "NAMED_KINDS", "intake_kind",
           "is_confidential", "parse_kind", "reclassify"]


def parse_kind(value: str | None, field: str = "kind") -> CaseKind:
    """A kind from a form or an API value; a clear error for anything else."""
    try:
        return CaseKind(value)
    except ValueError:
        raise InvalidInput(_l("Choose the kind of case from the list."), field) from None


def intake_kind(kind: CaseKind, named: bool) -> tuple[CaseKind, bool]:
    """(the kind the case is handled as, whether it was taken as information).

    A kind that needs a name, sent without one, is handled as information of kind
    phản ánh.
    """
    if kind in NAMED_KINDS and not named:
        return INFORMATION_KIND, True
    return kind, False


def reclassify(case: Case, actor: Actor, kind: str, reason: str, now: datetime,
               expected_version: int | None = None) -> CaseEvent:
    """Change the kind of an open case, with a reason on its timeline; recount its deadlines."""
    if actor.user is None or not access.may_act(actor.user, case, CaseAction.RECLASSIFY):
        raise NotPermitted(_l("You are not allowed to do this."))
    lifecycle.check_version(case, expected_version)
    if not case.is_open:
        raise IllegalMove(_l("This cannot be done while the case is in its current state."))
    new_kind = parse_kind(kind)
    reason = lifecycle.clean_text(reason, "reason", lifecycle.REASON_MAX,
                                  _l("Give the reason for the new kind."))
    if new_kind == case.kind:
        raise InvalidInput(_l("The case is already of this kind."), "kind")
    if new_kind in NAMED_KINDS and not case.citizen_name:
        raise InvalidInput(
            _l("A complaint or a denunciation needs the sender's name: this case has none."),
            "kind",
        )
    old_kind = case.kind
    case.kind = new_kind.value
    case.taken_as_information = False
    set_due_times(case, load_calendar())
    event = lifecycle.record_event(case, EventKind.RECLASSIFIED, actor, now, body=reason,
                                   is_public=False)
    event.from_status, event.to_status = old_kind, new_kind.value
    return event
