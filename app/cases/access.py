"""Who may see or do what to a case. Routes and templates ask here; they never decide.

Officers and unit heads work their own unit's cases, and read the cases their
unit transferred away; the committee reads every case; admins read cases (they
configure the system) but do not work them; operators see the triage queue and
the cases they took in.
"""
from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa

from app.models import Case, CaseEvent, CaseStatus, EventKind, Role, User


class CaseAction(StrEnum):
    """Things a staff member can do to a case (the workflow moves plus notes)."""

    ROUTE = "route"
    ACKNOWLEDGE = "acknowledge"
    ASK_CITIZEN = "ask_citizen"
    RESUME = "resume"
    TRANSFER = "transfer"
    RESPOND = "respond"
    REJECT = "reject"
    ASSIGN = "assign"
    NOTE = "note"


UNIT_ACTIONS = frozenset(
    {
        CaseAction.ACKNOWLEDGE,
        CaseAction.ASK_CITIZEN,
        CaseAction.RESUME,
        CaseAction.TRANSFER,
        CaseAction.RESPOND,
        CaseAction.REJECT,
        CaseAction.NOTE,
    }
)
OPERATOR_ACTIONS = frozenset({CaseAction.ROUTE, CaseAction.TRANSFER, CaseAction.REJECT})
READ_ALL_ROLES = (Role.COMMITTEE, Role.ADMIN)
QUEUE_ROLES = (Role.OFFICER, Role.UNIT_HEAD, Role.COMMITTEE, Role.ADMIN, Role.OPERATOR)


def _is_unit_staff(user: User, case: Case) -> bool:
    return (
        user.role in (Role.OFFICER, Role.UNIT_HEAD)
        and case.unit_id is not None
        and case.unit_id == user.unit_id
    )


def _is_operator_case(user: User, case: Case) -> bool:
    return user.role == Role.OPERATOR and (
        case.created_by_id == user.id or case.status == CaseStatus.NEW
    )


def transferred_away(user: User | None, case: Case) -> bool:
    """Whether the user's unit once held the case and transferred it to another unit.

    Reads the case's loaded timeline: pages that ask load it with the case.
    """
    if not user or user.role not in (Role.OFFICER, Role.UNIT_HEAD) or user.unit_id is None:
        return False
    return case.unit_id != user.unit_id and any(
        event.kind == EventKind.TRANSFERRED and event.from_unit_id == user.unit_id
        for event in case.events
    )


def may_use_queue(user: User | None) -> bool:
    """Whether the user has a case queue at all."""
    return bool(user and user.is_authenticated and user.role in QUEUE_ROLES)


def may_administer(user: User | None) -> bool:
    """Whether the user may use the admin console (units, accounts, categories, rules)."""
    return bool(user and user.is_authenticated and user.active and user.role == Role.ADMIN)


def may_view_case(user: User | None, case: Case) -> bool:
    """Whether the user may open the case page."""
    if not user or not user.is_authenticated:
        return False
    if user.role in READ_ALL_ROLES:
        return True
    return (
        _is_unit_staff(user, case)
        or _is_operator_case(user, case)
        or transferred_away(user, case)
    )


def may_see_contact(user: User | None, case: Case) -> bool:
    """Whether the citizen's name, phone and email may be shown to the user in full."""
    if not may_view_case(user, case):
        return False
    return user.role in READ_ALL_ROLES or _is_unit_staff(user, case)


def may_act(user: User | None, case: Case, action: CaseAction | str) -> bool:
    """Whether the user may perform the action on the case (state rules aside)."""
    if not user or not user.is_authenticated or not user.active:
        return False
    action = CaseAction(action)
    if _is_unit_staff(user, case):
        if action == CaseAction.ASSIGN:
            return user.role == Role.UNIT_HEAD
        return action in UNIT_ACTIONS
    if _is_operator_case(user, case):
        return action in OPERATOR_ACTIONS
    return False


def may_assign_in_bulk(user: User | None) -> bool:
    """Whether the user may assign several of the unit's cases at once (unit heads)."""
    return bool(
        user
        and user.is_authenticated
        and user.active
        and user.role == Role.UNIT_HEAD
        and user.unit_id is not None
    )


def transferred_away_filter(unit_id: int | None) -> sa.ColumnElement[bool]:
    """SQL: cases the unit transferred to another unit (what transferred_away() tells)."""
    transfers = sa.select(CaseEvent.case_id).where(
        CaseEvent.kind == EventKind.TRANSFERRED.value, CaseEvent.from_unit_id == unit_id
    )
    return sa.and_(Case.unit_id.is_distinct_from(unit_id), Case.id.in_(transfers))


def visible_cases_filter(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause selecting exactly the cases may_view_case() lets the user open."""
    if user.role in READ_ALL_ROLES:
        return sa.true()
    if user.role in (Role.OFFICER, Role.UNIT_HEAD):
        if user.unit_id is None:
            return sa.false()
        return sa.or_(Case.unit_id == user.unit_id, transferred_away_filter(user.unit_id))
    if user.role == Role.OPERATOR:
        return sa.or_(Case.created_by_id == user.id, Case.status == CaseStatus.NEW)
    return sa.false()


# Intake: the hotline desk, triage, files and the citizen's side.

def may_take_calls(user: User | None) -> bool:
    """Whether the user works the hotline desk (and sees a caller's earlier cases there)."""
    return bool(user and user.is_authenticated and user.active and user.role == Role.OPERATOR)


def may_triage(user: User | None) -> bool:
    """Whether the user routes the cases no rule could place."""
    return may_take_calls(user)


def may_link_call(user: User | None, case: Case) -> bool:
    """Whether an operator may add a caller's new call to this earlier case."""
    return may_take_calls(user) and case.status not in (CaseStatus.CLOSED, CaseStatus.REJECTED)


def may_see_attachments(user: User | None, case: Case) -> bool:
    """Whether the user may open the case's files: its unit, the committee, admins."""
    return may_see_contact(user, case)


def may_attach_to_answer(user: User | None, case: Case) -> bool:
    """Whether the user may add files to the unit's public answer."""
    return may_act(user, case, CaseAction.RESPOND)


def citizen_may_see_attachment(attachment) -> bool:
    """Whether the tracking-code holder sees a file: their own, or one published with an answer."""
    return attachment.uploaded_by == "citizen" or attachment.event_id is not None
