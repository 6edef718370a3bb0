"""Reminders at 75 %, escalations past the due time, auto-close: each once, to the right people.

The world's case is received Mon 2/3/2026 09:00 (Asia/Ho_Chi_Minh) under STD
(8 h / 10 days): acknowledgment due Tue 3/3 09:00, answer due Mon 16/3 09:00.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.deadlines import enforcement
from app.deadlines.sla import load_calendar
from app.models import Case, CaseEvent, CaseStatus, Category, EventKind, Notification, User
from tests.factories import EMAILS, make_case

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 3, 2, 9, tzinfo=VN)


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


def officer(db) -> lifecycle.Actor:
    return lifecycle.Actor.staff(
        db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"])))


def events(db, case: Case, kind: EventKind) -> list[CaseEvent]:
    return list(db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == kind.value).order_by(CaseEvent.id)))


def recipients(db, kind: str) -> list[str]:
    return sorted(db.session.scalars(
        sa.select(Notification.recipient).where(Notification.kind == kind)))


def remind(when: datetime) -> int:
    return enforcement.send_reminders(when, load_calendar())


def escalate(when: datetime) -> int:
    return enforcement.escalate_overdue(when, load_calendar())


@pytest.fixture
def case(db, world) -> Case:
    case = make_case(db.session.get(Category, world.tax), now=MONDAY)
    db.session.commit()
    return case


def test_acknowledgment_reminder_goes_to_the_unit_heads_once(mail_app, db, case, smtp_server):
    smtp_server.messages.clear()
    # 75 % of 480 min = 360: 150 before lunch and 210 after -> Monday 16:30.
    assert remind(vn(2, 16, 29)) == 0
    assert remind(vn(2, 16, 30)) == 1
    assert remind(vn(2, 16, 45)) == 0
    assert remind(vn(3, 8)) == 0
    assert [m["To"] for m in smtp_server.messages] == [EMAILS["head_thue"]]
    assert smtp_server.messages[0]["Subject"] == (
        f"Nhắc hạn: vụ việc {case.reference} sắp đến hạn")
    assert "nhận xử lý trước 03/03/2026 09:00" in smtp_server.messages[0].get_content()
    [entry] = events(db, case, EventKind.REMINDER)
    assert entry.actor_kind == "system" and not entry.is_public
    assert entry.created_at == vn(2, 16, 30)
    assert "Đã dùng 75% thời gian nhận xử lý; hạn nhận xử lý 03/03/2026 09:00." in entry.body
    assert "Đã thông báo: head.thue." in entry.body


def test_response_reminder_goes_to_the_assignee(db, case):
    lifecycle.acknowledge(case, officer(db), vn(2, 10))  # the officer becomes the assignee
    db.session.commit()
    # The answer is due by the end of Thu 12/3 (ten days, 2/3 not counted): 4230 working
    # minutes from Mon 09:00; 75 % = 3173 -> 390 + 4 x 480 + 480 + 383 -> Tue 10/3 15:23.
    assert remind(vn(10, 15, 22)) == 0
    assert remind(vn(10, 15, 23)) == 1
    assert remind(vn(11, 9)) == 0
    assert recipients(db, "deadline_reminder") == [EMAILS["officer_thue"]]
    [entry] = events(db, case, EventKind.REMINDER)
    assert "thời gian trả lời" in entry.body


def test_a_pause_delays_the_reminder(db, case):
    lifecycle.acknowledge(case, officer(db), vn(2, 9, 30))
    lifecycle.ask_citizen(case, officer(db), "Xin số hồ sơ.", vn(2, 10))
    assert remind(vn(10, 16)) == 0  # awaiting the citizen: no clock runs
    lifecycle.citizen_reply(case, "123", vn(2, 14))  # 150 working minutes paused
    db.session.commit()
    # The date stays (under half a day paused); 75 % of the 4080 minutes that were the unit's
    # (3060) + the 150 paused -> Tue 10/3 16:00.
    assert remind(vn(10, 15, 59)) == 0
    assert remind(vn(10, 16)) == 1


def test_no_reminder_once_the_due_time_has_passed(db, case):
    assert remind(vn(3, 9)) == 0  # the acknowledgment is now overdue: escalation's turn
    assert events(db, case, EventKind.REMINDER) == []


def test_overdue_acknowledgment_then_answer_escalate_once_each(mail_app, db, case, smtp_server):
    smtp_server.messages.clear()
    assert escalate(vn(3, 8, 59)) == 0
    assert escalate(vn(3, 9)) == 1
    assert escalate(vn(4, 9)) == 0
    assert sorted(m["To"] for m in smtp_server.messages) == [EMAILS["committee"],
                                                             EMAILS["head_thue"]]
    assert smtp_server.messages[0]["Subject"] == f"Quá hạn: vụ việc {case.reference}"
    assert "chưa nhận xử lý trước 03/03/2026 09:00" in smtp_server.messages[0].get_content()
    # Still not acknowledged when the answer falls due: a second, different escalation.
    # The answer is due by the end of Thu 12/3: late from Fri 13/3 00:00.
    assert escalate(vn(12, 23, 59)) == 0
    assert escalate(vn(13, 0)) == 1
    assert escalate(vn(16, 9)) == 0
    first, second = events(db, case, EventKind.ESCALATION)
    assert "Chưa nhận xử lý trước hạn 03/03/2026 09:00." in first.body
    assert "Chưa trả lời trước hạn 12/03/2026." in second.body
    assert "Chưa nhận xử lý" not in second.body
    assert len(smtp_server.messages) == 4


def test_paused_and_answered_cases_are_not_escalated(db, world, case):
    lifecycle.acknowledge(case, officer(db), vn(2, 9, 30))
    lifecycle.ask_citizen(case, officer(db), "Xin số hồ sơ.", vn(2, 10))
    answered = make_case(db.session.get(Category, world.tax), title="Đã trả lời", now=MONDAY)
    lifecycle.acknowledge(answered, officer(db), vn(2, 9, 30))
    lifecycle.respond(answered, officer(db), "Đã xử lý.", vn(2, 10), signed_off=True)
    db.session.commit()
    assert escalate(vn(20, 9)) == 0


def test_an_overdue_case_in_triage_goes_to_the_committee(db, world):
    case = make_case(db.session.get(Category, world.other), now=MONDAY)
    db.session.commit()
    assert case.status == CaseStatus.NEW
    assert remind(vn(2, 16, 30)) == 0  # nobody to remind before routing
    assert escalate(vn(3, 9)) == 1
    assert recipients(db, "deadline_escalation") == [EMAILS["committee"]]


def test_an_answer_before_tet_stays_open_until_seven_working_days_after_tet(db, world):
    """Answered Fri 13/2/2026; Tết is 14-22/2: the window runs to the end of Tue 3/3."""
    case = make_case(db.session.get(Category, world.tax), now=datetime(2026, 2, 12, 9, tzinfo=VN))
    lifecycle.acknowledge(case, officer(db), datetime(2026, 2, 12, 10, tzinfo=VN))
    lifecycle.respond(case, officer(db), "Đã xử lý.", datetime(2026, 2, 13, 16, tzinfo=VN), signed_off=True)
    db.session.commit()
    calendar = load_calendar()
    # Seven calendar days, then the whole of Tết, are not enough to close it.
    assert enforcement.close_answered(datetime(2026, 2, 23, 9, tzinfo=VN), 7, calendar) == 0
    assert enforcement.close_answered(datetime(2026, 3, 3, 23, 59, tzinfo=VN), 7, calendar) == 0
    assert lifecycle.within_reopen_window(case, datetime(2026, 3, 3, 20, tzinfo=VN), 7, calendar)
    assert enforcement.close_answered(datetime(2026, 3, 4, 0, 7, tzinfo=VN), 7, calendar) == 1
    db.session.refresh(case)
    assert case.status == CaseStatus.CLOSED


def test_running_twice_at_once_sends_once(db, case):
    # A second run that saw no timeline entry yet still collides on the dedupe keys.
    assert escalate(vn(3, 9)) == 1
    db.session.execute(sa.text("DELETE FROM case_events WHERE kind = 'escalation'"))
    db.session.commit()
    assert escalate(vn(3, 9)) == 0
    assert len(recipients(db, "deadline_escalation")) == 2
    assert events(db, case, EventKind.ESCALATION) == []


def test_answered_cases_close_after_the_reopen_window(db, case):
    lifecycle.acknowledge(case, officer(db), vn(2, 9, 30))
    lifecycle.respond(case, officer(db), "Đã xử lý.", vn(2, 10), signed_off=True)
    db.session.commit()
    # Answered Mon 2/3: seven working days run to the end of Wed 11/3.
    calendar = load_calendar()
    assert enforcement.close_answered(vn(9, 10) + timedelta(seconds=1), 7, calendar) == 0
    assert enforcement.close_answered(vn(11, 23, 59), 7, calendar) == 0
    assert enforcement.close_answered(vn(12, 0), 7, calendar) == 1
    assert enforcement.close_answered(vn(12, 10), 7, calendar) == 0
    db.session.refresh(case)
    assert case.status == CaseStatus.CLOSED and case.closed_at == vn(12, 0)
    last = case.events[-1]
    assert (last.actor_kind, last.from_status, last.to_status) == ("system", "responded", "closed")
