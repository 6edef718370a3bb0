"""Deadline states: the badges (countdown) and the queue's SQL filter follow one rule.

"Due soon" means the running deadline falls before one working day (480 working
minutes) from now; "overdue" means it has passed.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.deadlines import sla
from app.deadlines.sla import DeadlineState
from app.models import Case, CaseStatus, Category
from tests.factories import MONDAY_9AM, make_case
from tests.workspace import staff

# Friday 6 March 2026, 16:00 in Ho Chi Minh City. One working day later is
# Monday 9 March, 16:00: one hour on Friday, then 07:30-11:30 and 13:00-16:00 on Monday.
FRIDAY_4PM = datetime(2026, 3, 6, 9, 0, tzinfo=timezone.utc)
MONDAY_4PM = datetime(2026, 3, 9, 9, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)


def test_the_due_soon_limit_is_one_working_day_ahead(db):
    calendar = sla.load_calendar()
    assert sla.due_soon_limit(FRIDAY_4PM, calendar) == MONDAY_4PM


@pytest.fixture
def boundary_cases(db, world):
    """Cases whose running deadline sits on each side of each boundary, in every state."""
    tax = db.session.get(Category, world.tax)
    dues = {
        "passed": FRIDAY_4PM - SECOND,
        "exactly_now": FRIDAY_4PM,
        "just_after_now": FRIDAY_4PM + SECOND,
        "saturday": datetime(2026, 3, 7, 5, 0, tzinfo=timezone.utc),
        "before_limit": MONDAY_4PM - SECOND,
        "at_limit": MONDAY_4PM,
        "next_week": MONDAY_4PM + timedelta(days=3),
    }
    made = {}
    for name, due in dues.items():
        assigned = make_case(tax, title=f"ack {name}")
        assigned.ack_due_at = due
        working = make_case(tax, title=f"response {name}")
        lifecycle.acknowledge(working, staff("officer_thue"), MONDAY_9AM)
        working.response_due_at = due
        paused = make_case(tax, title=f"paused {name}")
        lifecycle.acknowledge(paused, staff("officer_thue"), MONDAY_9AM)
        lifecycle.ask_citizen(paused, staff("officer_thue"), "?", MONDAY_9AM)
        paused.response_due_at = due
        # Assigned, but the answer falls due before the acknowledgment: the answer counts.
        answer_first = make_case(tax, title=f"answer-first {name}")
        answer_first.ack_due_at = due + timedelta(days=30)
        answer_first.response_due_at = due
        made.update({f"ack {name}": assigned, f"response {name}": working,
                     f"paused {name}": paused, f"answer-first {name}": answer_first})
    db.session.commit()
    return made


def test_countdown_states_at_the_boundaries(db, boundary_cases):
    calendar = sla.load_calendar()
    states = {name: sla.countdown(case, FRIDAY_4PM, calendar).state
              for name, case in boundary_cases.items()}
    for kind in ("ack", "response", "answer-first"):
        assert states[f"{kind} passed"] == DeadlineState.OVERDUE
        assert states[f"{kind} exactly_now"] == DeadlineState.OVERDUE
        assert states[f"{kind} just_after_now"] == DeadlineState.DUE_SOON
        assert states[f"{kind} saturday"] == DeadlineState.DUE_SOON
        assert states[f"{kind} before_limit"] == DeadlineState.DUE_SOON
        assert states[f"{kind} at_limit"] == DeadlineState.ON_TRACK
        assert states[f"{kind} next_week"] == DeadlineState.ON_TRACK
    assert {states[name] for name in states if name.startswith("paused")} == {DeadlineState.PAUSED}
    kinds = {name: sla.countdown(case, FRIDAY_4PM, calendar).kind
             for name, case in boundary_cases.items()}
    assert {kinds[n] for n in kinds if n.startswith("answer-first")} == {"response"}
    assert {kinds[n] for n in kinds if n.startswith("ack")} == {"ack"}


def test_the_queue_orders_by_the_deadline_countdown_shows(db, boundary_cases):
    calendar = sla.load_calendar()
    due = dict(db.session.execute(sa.select(Case.title, sla.current_due_at())).all())
    for name, case in boundary_cases.items():
        assert due[case.title] == sla.countdown(case, FRIDAY_4PM, calendar).due_at, name


@pytest.mark.parametrize("now", [FRIDAY_4PM, FRIDAY_4PM - timedelta(hours=30), MONDAY_4PM])
def test_the_sql_filter_agrees_with_countdown(db, boundary_cases, now):
    calendar = sla.load_calendar()
    for state in (DeadlineState.OVERDUE, DeadlineState.DUE_SOON, DeadlineState.ON_TRACK):
        in_sql = set(db.session.scalars(
            sa.select(Case.title).where(sla.deadline_state_filter(state, now, calendar))))
        in_python = {case.title for case in boundary_cases.values()
                     if sla.countdown(case, now, calendar).state == state}
        assert in_sql == in_python, state
        assert in_sql or now != FRIDAY_4PM  # on Friday every state is exercised


def test_answered_and_rejected_cases_have_no_running_deadline(db, boundary_cases):
    case = boundary_cases["response passed"]
    lifecycle.respond(case, staff("officer_thue"), "Xong.", FRIDAY_4PM, signed_off=True)
    db.session.commit()
    calendar = sla.load_calendar()
    assert sla.countdown(case, FRIDAY_4PM, calendar).state == DeadlineState.ANSWERED
    overdue = set(db.session.scalars(sa.select(Case.id).where(
        sla.deadline_state_filter(DeadlineState.OVERDUE, FRIDAY_4PM, calendar))))
    assert case.id not in overdue
    assert case.status == CaseStatus.RESPONDED
    with pytest.raises(ValueError):
        sla.deadline_state_filter(DeadlineState.PAUSED, FRIDAY_4PM, calendar)
