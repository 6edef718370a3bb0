"""Emails to the citizen, received by a real SMTP server on loopback, in vi and in en."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.cases import lifecycle
from app.cases.lifecycle import Actor
from app.models import Category, Notification, User
from tests.factories import EMAILS, MONDAY_9AM, make_case

HOUR = timedelta(hours=1)
WINDOW = 7


def staff(db) -> Actor:
    return Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"])))


def new_case(db, world, locale="vi", **fields):
    fields.setdefault("citizen_email", "congdan@example.vn")
    fields.setdefault("notify_email", True)
    case = make_case(db.session.get(Category, world.tax), locale=locale, **fields)
    db.session.commit()
    return case


def answer(db, case, now=MONDAY_9AM):
    lifecycle.acknowledge(case, staff(db), now + HOUR)
    db.session.commit()
    lifecycle.ask_citizen(case, staff(db), "Ông/bà cho biết mã hồ sơ hoàn thuế?", now + 2 * HOUR)
    db.session.commit()
    lifecycle.citizen_reply(case, "Mã hồ sơ 12345.", now + 3 * HOUR)
    db.session.commit()
    lifecycle.respond(case, staff(db), "Cục Thuế đã hoàn thuế ngày 20/3.", now + 4 * HOUR, signed_off=True)
    db.session.commit()


STAFF_KINDS = ("case_routed", "case_transferred", "deadline_reminder", "deadline_escalation")


def citizen_messages(smtp_server) -> list:
    """What reached the citizen (routing also tells the unit's staff, on another address)."""
    return [m for m in smtp_server.messages if not m["To"].endswith("@test.vn")]


def bodies(smtp_server) -> list[tuple[str, str, str]]:
    return [(m["To"], str(m["Subject"]), m.get_content()) for m in citizen_messages(smtp_server)]


def citizen_notifications(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.kind.not_in(STAFF_KINDS)))


def test_vietnamese_citizen_gets_each_email_in_vietnamese(mail_app, db, world, smtp_server):
    case = new_case(db, world)
    answer(db, case)
    lifecycle.rate_answer(case, 5, "Cảm ơn.", MONDAY_9AM + 5 * HOUR, WINDOW)
    db.session.commit()
    mails = bodies(smtp_server)
    assert [to for to, _, _ in mails] == ["congdan@example.vn"] * 4
    (_, received_subject, received), (_, question_subject, question), \
        (_, answered_subject, answered), (_, closed_subject, closed) = mails
    assert case.reference in received_subject and received.startswith("Cảm ơn")
    assert question_subject == (f"Đề nghị bổ sung thông tin cho phản ánh, kiến nghị số "
                                f"{case.reference}")
    assert "đề nghị ông/bà bổ sung thông tin" in question and "Ông/bà cho biết mã hồ sơ hoàn thuế?" in question
    assert f"/track/{case.tracking_code}" in question
    assert answered_subject == f"Phản ánh, kiến nghị số {case.reference} của ông/bà đã được trả lời"
    assert "Cục Thuế đã hoàn thuế ngày 20/3." in answered and "7 ngày" in answered
    assert closed_subject == f"Phản ánh, kiến nghị số {case.reference} của ông/bà đã kết thúc"
    assert "Cảm ơn ông/bà đã đánh giá nội dung trả lời" in closed


def test_english_citizen_gets_english_email(mail_app, db, world, smtp_server):
    case = new_case(db, world, locale="en")
    answer(db, case)
    mails = bodies(smtp_server)
    assert len(mails) == 3
    assert mails[0][2].startswith("Thank you for your feedback.")
    assert mails[1][1] == f"A question about your case {case.reference}"
    assert "needs more information" in mails[1][2]
    assert mails[2][1] == f"Your case {case.reference} has been answered"
    assert "within 7 working days" in mails[2][2]


def test_closing_by_the_periodic_job_emails_the_citizen(mail_app, db, world, smtp_server):
    case = new_case(db, world, locale="en")
    answer(db, case)
    # Seven working days after Monday 2/3: the window closes at midnight after Wed 11/3.
    assert lifecycle.close_if_window_passed(case, MONDAY_9AM + timedelta(days=9, hours=15),
                                           WINDOW) is not None
    db.session.commit()
    subject, body = bodies(smtp_server)[-1][1:]
    assert subject == f"Your case {case.reference} is closed"
    assert "closed because the time to rate the answer has passed" in body


def test_nothing_is_sent_without_the_citizen_asking(mail_app, db, world, smtp_server):
    quiet = new_case(db, world, notify_email=False)
    answer(db, quiet)
    assert citizen_messages(smtp_server) == []
    assert citizen_notifications(db) == 0


def test_a_rolled_back_answer_sends_nothing(mail_app, db, world, smtp_server):
    case = new_case(db, world)
    lifecycle.acknowledge(case, staff(db), MONDAY_9AM + HOUR)
    lifecycle.respond(case, staff(db), "Đã xử lý.", MONDAY_9AM + 2 * HOUR, signed_off=True)
    db.session.rollback()
    assert len(citizen_messages(smtp_server)) == 1  # only the receipt, committed with the case


def test_reopened_and_answered_again_sends_a_second_answer(mail_app, db, world, smtp_server):
    case = new_case(db, world)
    lifecycle.acknowledge(case, staff(db), MONDAY_9AM + HOUR)
    lifecycle.respond(case, staff(db), "Lần 1.", MONDAY_9AM + 2 * HOUR, signed_off=True)
    db.session.commit()
    lifecycle.reopen(case, "Chưa nhận được tiền.", MONDAY_9AM + 3 * HOUR, WINDOW)
    lifecycle.respond(case, staff(db), "Lần 2.", MONDAY_9AM + 4 * HOUR, signed_off=True)
    db.session.commit()
    answers = [body for _, subject, body in bodies(smtp_server) if "trả lời" in subject]
    assert len(answers) == 2
    assert "Lần 1." in answers[0] and "Lần 2." in answers[1]
