"""Emails to the citizen about their case: received, question asked, deadline extended,
answered, closed.

Sent only when the citizen gave an email and asked for updates, in the language
they used (Case.locale). Each is written to the outbox in the transaction of the
change that causes it; the key of each message names that change, so running
the same code twice never sends twice.
"""
from __future__ import annotations

from datetime import datetime

from app.extensions import db
from app.models import Case, CaseEvent
from app.notify import outbox

RECEIVED = "case_received"
QUESTION = "case_question"
ANSWERED = "case_answered"
CLOSED = "case_closed"
EXTENDED = "case_extended"


# The emails that go to the citizen (staff alerts about the same case are not theirs).
KINDS = (RECEIVED, QUESTION, ANSWERED, CLOSED, EXTENDED)


def wants_email(case: Case) -> bool:
    """Whether the citizen asked to be told by email and left an address."""
    return bool(case.notify_email and case.citizen_email)


def _send(kind: str, case: Case, now: datetime, event: CaseEvent | None = None, **context):
    if not wants_email(case):
        return None
    if case.id is None or (event is not None and event.id is None):
        db.session.flush()
    key = f"{kind}:{case.id}" if event is None else f"{kind}:{case.id}:{event.id}"
    return outbox.queue_email(
        kind=kind, dedupe_key=key, recipient=case.citizen_email, locale=case.locale,
        template=kind, now=now, case=case, event=event, **context,
    )


def case_received(case: Case, now: datetime):
    """The case was taken in: reference, tracking code and where to follow it."""
    return _send(RECEIVED, case, now)


def question_asked(case: Case, event: CaseEvent, now: datetime):
    """The unit needs more from the citizen: the question and where to answer it."""
    return _send(QUESTION, case, now, event)


def case_answered(case: Case, event: CaseEvent, now: datetime):
    """The unit answered: the answer, and how to rate it or say it is not solved."""
    return _send(ANSWERED, case, now, event)


def case_closed(case: Case, event: CaseEvent, now: datetime):
    """The case is closed, by the citizen's rating or because the reopen window passed."""
    return _send(CLOSED, case, now, event)


def deadline_extended(case: Case, event: CaseEvent, now: datetime):
    """The unit head extended the answer deadline: the new date and the reason."""
    return _send(EXTENDED, case, now, event)
