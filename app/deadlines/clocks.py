"""Which deadline is running while a case is in a given state: the one rule for every clock.

A case has two deadlines, both counted from receipt (the response one from the
latest reopening after a reopen):

* the acknowledgment runs until the unit takes the case up (``in_progress``);
* the response runs until the case is answered, and is paused while the case
  awaits the citizen.

So a new or assigned case has both deadlines running at once: the answer is
owed within the response time whether or not anyone acknowledged the case. The
deadline that matters now is the running one that falls first (the
acknowledgment, unless a policy gives more time to acknowledge than to answer).

Countdowns and the queue's deadline filter (app/deadlines/sla.py), reminders
and escalations (app/deadlines/enforcement.py) and the scorecards' figures
(app/scoring/metrics.py) all read this module.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa

from app.models import Case, CaseStatus

S = CaseStatus


class Deadline(StrEnum):
    """A case's two deadlines."""

    ACK = "ack"
    RESPONSE = "response"


_RUNNING: dict[CaseStatus, tuple[Deadline, ...]] = {
    S.NEW: (Deadline.ACK, Deadline.RESPONSE),
    S.ASSIGNED: (Deadline.ACK, Deadline.RESPONSE),
    S.IN_PROGRESS: (Deadline.RESPONSE,),
}
_PAUSED: dict[CaseStatus, Deadline] = {S.AWAITING_CITIZEN: Deadline.RESPONSE}
# The response deadline is over: the case was answered (a reopening starts a new one).
ANSWERED_STATUSES = (S.RESPONDED, S.CLOSED)


def running_deadlines(status: str) -> tuple[Deadline, ...]:
    """The deadlines counting down while a case is in ``status`` (empty: none runs).

    Both while the case is new or assigned, the response alone while in
    progress, none while it awaits the citizen (paused), once it is answered,
    closed or rejected.
    """
    return _RUNNING.get(CaseStatus(status), ())


def paused_deadline(status: str) -> Deadline | None:
    """The deadline stopped but not over in ``status``: the response while awaiting the citizen."""
    return _PAUSED.get(CaseStatus(status))


def statuses_running(deadline: Deadline, *, or_paused: bool = False) -> tuple[str, ...]:
    """The statuses (as stored) in which ``deadline`` runs, and is paused too with ``or_paused``."""
    return tuple(
        status.value for status in CaseStatus
        if deadline in running_deadlines(status)
        or (or_paused and paused_deadline(status) == deadline)
    )


def statuses_paused(deadline: Deadline) -> tuple[str, ...]:
    """The statuses (as stored) in which ``deadline`` is paused."""
    return tuple(status.value for status in CaseStatus if paused_deadline(status) == deadline)


def due_at(case: Case, deadline: Deadline) -> datetime:
    """The case's due time for ``deadline``."""
    return case.ack_due_at if deadline == Deadline.ACK else case.response_due_at


def due_column(deadline: Deadline) -> sa.ColumnElement[datetime]:
    """SQL: the cases' column holding the due time of ``deadline``."""
    return Case.ack_due_at if deadline == Deadline.ACK else Case.response_due_at


def first_running(case: Case) -> tuple[Deadline, datetime] | None:
    """The running deadline that falls first, with its due time; None when none runs."""
    running = [(due_at(case, deadline), deadline) for deadline in running_deadlines(case.status)]
    if not running:
        return None
    due, deadline = min(running)
    return deadline, due


def _status_groups() -> dict[tuple[Deadline, ...], list[str]]:
    groups: dict[tuple[Deadline, ...], list[str]] = {}
    for status in CaseStatus:
        if running := running_deadlines(status):
            groups.setdefault(running, []).append(status.value)
    return groups


Test = Callable[[sa.ColumnElement[datetime]], sa.ColumnElement[bool]]


def any_running(test: Test) -> sa.ColumnElement[bool]:
    """SQL: some running deadline of the case passes ``test`` (e.g. has passed)."""
    return sa.or_(*(
        sa.and_(Case.status.in_(statuses), sa.or_(*(test(due_column(d)) for d in deadlines)))
        for deadlines, statuses in _status_groups().items()
    ))


def all_running(test: Test) -> sa.ColumnElement[bool]:
    """SQL: a deadline runs and every running deadline of the case passes ``test``."""
    return sa.or_(*(
        sa.and_(Case.status.in_(statuses), *(test(due_column(d)) for d in deadlines))
        for deadlines, statuses in _status_groups().items()
    ))
