"""Which deadline runs in each state, and every reader of deadlines asking the same rule.

The policy below gives more time to acknowledge (24 working hours, three days)
than to answer (2 working days), so the two clocks of an assigned case fall in
the other order than usual. Received Mon 2/3/2026 09:00 (Asia/Ho_Chi_Minh):
answer due Wed 4/3 09:00, acknowledgment due Thu 5/3 09:00.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.deadlines import clocks, enforcement, sla
from app.deadlines.clocks import Deadline
from app.deadlines.sla import DeadlineState
from app.models import Case, CaseEvent, CaseStatus, Category, EventKind
from app.scoring import metrics
from tests.factories import make_case, make_regime
from tests.workspace import staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = CaseStatus
A, R = Deadline.ACK, Deadline.RESPONSE


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


@pytest.mark.parametrize(("status", "running", "paused"), [
    (S.NEW, (A, R), None),
    (S.ASSIGNED, (A, R), None),
    (S.IN_PROGRESS, (R,), None),
    (S.AWAITING_CITIZEN, (), R),
    (S.RESPONDED, (), None),
    (S.CLOSED, (), None),
    (S.REJECTED, (), None),
])
def test_the_deadlines_running_in_each_state(status, running, paused):
    assert clocks.running_deadlines(status) == running
    assert clocks.running_deadlines(status.value) == running
    assert clocks.paused_deadline(status) == paused


def test_the_status_lists_are_derived_from_the_rule():
    assert clocks.statuses_running(A) == ("new", "assigned")
    assert clocks.statuses_running(R) == ("new", "assigned", "in_progress")
    assert clocks.statuses_running(R, or_paused=True) == (
        "new", "assigned", "in_progress", "awaiting_citizen")
    assert metrics.WAITING == clocks.statuses_running(R, or_paused=True)


@pytest.fixture
def slow_ack_case(db, world) -> Case:
    category = db.session.get(Category, world.tax)
    make_regime("phan_anh", category, first=(24, "working_hours"), resolution=(16, "working_hours"))
    case = make_case(category, now=vn(2, 9))
    db.session.commit()
    assert case.status == S.ASSIGNED
    assert (case.response_due_at, case.ack_due_at) == (vn(4, 9), vn(5, 9))
    return case


def test_the_first_running_deadline_is_the_one_that_falls_first(db, slow_ack_case):
    assert clocks.first_running(slow_ack_case) == (R, vn(4, 9))
    lifecycle.acknowledge(slow_ack_case, staff("officer_thue"), vn(2, 10))
    assert clocks.first_running(slow_ack_case) == (R, vn(4, 9))
    lifecycle.ask_citizen(slow_ack_case, staff("officer_thue"), "?", vn(2, 11))
    assert clocks.first_running(slow_ack_case) is None


def test_an_unacknowledged_case_past_its_answer_due_is_overdue_everywhere(db, slow_ack_case):
    """Countdown, queue filter, queue order, escalation and reminders agree."""
    calendar = sla.load_calendar()
    now = vn(4, 9, 1)
    found = sla.countdown(slow_ack_case, now, calendar)
    assert (found.state, found.kind, found.due_at) == (DeadlineState.OVERDUE, R, vn(4, 9))
    overdue = db.session.scalars(sa.select(Case.id).where(
        sla.deadline_state_filter(DeadlineState.OVERDUE, now, calendar)))
    assert slow_ack_case.id in set(overdue)
    assert db.session.scalar(sa.select(sla.current_due_at())) == vn(4, 9)

    assert enforcement.escalate_overdue(now, calendar) == 1
    [entry] = db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.kind == EventKind.ESCALATION.value))
    assert "Chưa trả lời trước hạn 04/03/2026 09:00." in entry.body
    assert "Chưa nhận xử lý" not in entry.body


def test_both_clocks_of_an_assigned_case_are_reminded(db, slow_ack_case):
    """75 % of 960 min from Mon 09:00 is Tue 14:30; 75 % of 1440 min is Wed 11:00."""
    calendar = sla.load_calendar()
    assert [(c.kind, c.reminder_at) for c in enforcement.running_clocks(slow_ack_case, calendar)] \
        == [(A, vn(4, 11)), (R, vn(3, 14, 30))]
    assert enforcement.send_reminders(vn(3, 14, 30), calendar) == 1
    assert enforcement.send_reminders(vn(4, 11), calendar) == 1
    bodies = list(db.session.scalars(sa.select(CaseEvent.body).where(
        CaseEvent.kind == EventKind.REMINDER.value).order_by(CaseEvent.id)))
    assert "thời gian trả lời" in bodies[0] and "thời gian nhận xử lý" in bodies[1]
