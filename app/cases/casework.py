"""Working cases from the case page and the queue.

What a staff member can do to a case now, what changed since they last looked,
transfers and assignments chosen from lists, and assignment of many cases at
once. The rules themselves stay in ``lifecycle`` and ``access``; nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.cases import access, extensions, lifecycle, signoff
from app.cases.access import CaseAction
from app.core import errors
from app.extensions import db
from app.models import Case, CaseEvent, Unit, User
from app.org.units import receiving_units


def available_actions(case: Case, user: User,
                      extension_view: extensions.ExtensionView | None = None) -> frozenset[str]:
    """The actions the user can take on the case now (its state and access agree).

    ``extension_view``: the page's look at the case's extensions, when it has one already.
    """
    moves = lifecycle.allowed_moves(case, lifecycle.Actor.staff(user))
    # A staff member's moves are exactly those whose rule names an action.
    actions = {lifecycle.RULES[move].action.value for move in moves}
    if access.may_act(user, case, CaseAction.NOTE):
        actions.add(CaseAction.NOTE.value)
    if case.is_open and access.may_act(user, case, CaseAction.ASSIGN):
        actions.add(CaseAction.ASSIGN.value)
    extension_view = extension_view or extensions.view(case, user)
    if extension_view.may_request:
        actions.add(CaseAction.REQUEST_EXTENSION.value)
    if extension_view.may_decide:
        actions.add(CaseAction.DECIDE_EXTENSION.value)
    if case.is_open and access.may_act(user, case, CaseAction.RECLASSIFY):
        actions.add(CaseAction.RECLASSIFY.value)
    # While a draft waits for sign-off, the answer is the reviewers' to approve or return.
    if signoff.draft_in_review(case) is not None:
        actions.discard(CaseAction.RESPOND.value)
        if signoff.may_decide(case, user):
            actions |= {"approve_answer", "return_answer"}
    return frozenset(actions)


def latest_event_id(case: Case) -> int:
    """The id of the newest timeline entry (0 for an empty timeline)."""
    return max((event.id for event in case.events), default=0)


def changes_since(case: Case, seen_event_id: int | None, user: User | None = None) -> list[CaseEvent]:
    """Timeline entries newer than the newest one the user had on screen (of those the
    user may read, when ``user`` is given)."""
    seen = seen_event_id or 0
    events = case.events if user is None else access.visible_events(user, case)
    return [event for event in events if event.id > seen]


@dataclass(frozen=True)
class UnitChoice:
    """A unit as the transfer and co-handling lists show it: plain values, no ORM object
    (a city has hundreds of units; building entities for each one on every case page
    cost more than the rest of the page)."""

    id: int
    code: str
    name: str
    name_en: str | None = None
    parent: UnitChoice | None = None

    def display_name(self, locale: str = "vi") -> str:
        """The unit's name in the reader's language, Vietnamese when no translation exists."""
        if locale == "en" and self.name_en:
            return self.name_en
        return self.name


def transfer_targets(case: Case) -> list[UnitChoice]:
    """Units the case may be transferred to or asked for input (active, handling cases), by
    name, with their parent unit (the lists group them by it); one statement."""
    parent = sa.orm.aliased(Unit)
    rows = db.session.execute(
        sa.select(Unit.id, Unit.code, Unit.name, Unit.name_en,
                  parent.id, parent.code, parent.name, parent.name_en)
        .outerjoin(parent, parent.id == Unit.parent_id)
        .where(receiving_units(), Unit.id != case.unit_id)
        .order_by(Unit.name, Unit.id)
    )
    parents: dict[int, UnitChoice] = {}
    targets = []
    for uid, code, name, name_en, pid, pcode, pname, pname_en in rows:
        above = None
        if pid is not None:
            above = parents.get(pid)
            if above is None:
                above = parents[pid] = UnitChoice(pid, pcode, pname, pname_en)
        targets.append(UnitChoice(uid, code, name, name_en, above))
    return targets


def unit_officers(unit_id: int | None) -> list[User]:
    """Active officers and heads of a unit, by name: who a case can be assigned to."""
    if unit_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .where(access.assignable_filter(unit_id))
            .order_by(User.name, User.id)
        )
    )


def transfer_case(
    case: Case,
    actor: lifecycle.Actor,
    unit_id: int | None,
    reason: str,
    now: datetime,
    expected_version: int | None = None,
) -> CaseEvent:
    """Transfer the case to the unit chosen from the list."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise errors.InvalidInput(_l("Choose a unit from the list."), "unit")
    return lifecycle.transfer(case, actor, unit, reason, now, expected_version)


def assign_case(
    case: Case,
    actor: lifecycle.Actor,
    officer_id: int | None,
    now: datetime,
    expected_version: int | None = None,
) -> CaseEvent:
    """Assign the case to the officer chosen from the list."""
    officer = db.session.get(User, officer_id) if officer_id else None
    if officer is None:
        raise errors.InvalidInput(_l("Choose an active officer of this unit."), "officer")
    return lifecycle.assign(case, actor, officer, now, expected_version)


@dataclass
class BulkAssignment:
    """What happened to each selected case."""

    officer: User
    assigned: list[Case] = field(default_factory=list)
    # Changed by someone else since the list was shown: left alone.
    conflicts: list[Case] = field(default_factory=list)
    # (reference, why) for cases that cannot be assigned at all.
    refused: list[tuple[str, str]] = field(default_factory=list)


def bulk_assign(
    user: User, officer_id: int | None, selection: list[tuple[str, int]], now: datetime
) -> BulkAssignment:
    """Assign each selected case (reference, version seen) to one officer of the head's unit.

    Each case is checked against the version the head saw and changed in its own
    savepoint, so one conflict leaves the others assigned. The caller commits.
    """
    if not access.may_assign_in_bulk(user):
        raise errors.NotPermitted(_l("You are not allowed to do this."))
    officer = db.session.get(User, officer_id) if officer_id else None
    if officer is None or not access.may_be_assigned(officer, user.unit_id):
        raise errors.InvalidInput(_l("Choose an active officer of your unit."), "officer")
    versions: dict[str, int] = {}
    for reference, version in selection:
        versions.setdefault(reference, version)
    if not versions:
        raise errors.InvalidInput(_l("Select at least one case."), "cases")
    cases = {
        case.reference: case
        for case in db.session.scalars(
            sa.select(Case)
            .where(Case.reference.in_(list(versions)), access.visible_cases_filter(user))
            .options(joinedload(Case.assignee), joinedload(Case.unit))
        )
    }
    outcome = BulkAssignment(officer)
    actor = lifecycle.Actor.staff(user)
    for reference, version in versions.items():
        case = cases.get(reference)
        if case is None:
            outcome.refused.append((reference, str(_l("not found"))))
            continue
        try:
            with db.session.begin_nested():
                lifecycle.assign(case, actor, officer, now, version)
        except (errors.VersionConflict, StaleDataError):
            outcome.conflicts.append(case)
        except errors.DomainError as err:
            outcome.refused.append((reference, str(err.message)))
        else:
            outcome.assigned.append(case)
    return outcome
