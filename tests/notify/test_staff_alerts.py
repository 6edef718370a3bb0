"""The unit hears of every case routed or transferred to it, once, in the move's transaction."""
from __future__ import annotations

import sqlalchemy as sa

from app.cases import lifecycle
from app.models import Category, Notification, Unit, User
from app.notify import staff_alerts
from tests.factories import EMAILS, MONDAY_9AM, make_case


def unit(db, code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def user(db, key: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))


def outbox(db, kind: str) -> list[Notification]:
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)))


def test_routing_emails_the_unit_heads_and_officers(mail_app, db, world, smtp_server):
    case = make_case(db.session.get(Category, world.tax))
    assert smtp_server.messages == []  # written with the move, sent after the commit
    db.session.commit()
    assert sorted(m["To"] for m in smtp_server.messages) == [EMAILS["head_thue"],
                                                             EMAILS["officer_thue"]]
    message = smtp_server.messages[0]
    assert message["Subject"] == f"Vụ việc mới {case.reference} chuyển đến đơn vị"
    body = message.get_content()
    assert body.startswith("Kính gửi ")
    assert "Có vụ việc mới được chuyển đến Cục Thuế TP HCM." in body
    assert f"/cases/{case.reference}" in body and "03/03/2026 09:00" in body
    assert [n.case_id for n in outbox(db, "case_routed")] == [case.id, case.id]


def test_a_unit_mailbox_replaces_the_staff_list(db, world):
    unit(db, "THUE").email = "tiepdan@thue.example.vn"
    make_case(db.session.get(Category, world.tax))
    db.session.commit()
    assert [n.recipient for n in outbox(db, "case_routed")] == ["tiepdan@thue.example.vn"]


def test_inactive_staff_and_other_roles_are_not_emailed(db, world):
    user(db, "officer_thue").active = False
    make_case(db.session.get(Category, world.tax))
    db.session.commit()
    assert [n.recipient for n in outbox(db, "case_routed")] == [EMAILS["head_thue"]]


def test_a_transfer_emails_the_receiving_unit_with_the_reason(mail_app, db, world, smtp_server):
    case = make_case(db.session.get(Category, world.tax))
    db.session.commit()
    smtp_server.messages.clear()
    lifecycle.transfer(case, lifecycle.Actor.staff(user(db, "officer_thue")), unit(db, "BHXH"),
                      "Thuộc lĩnh vực bảo hiểm xã hội.", MONDAY_9AM)
    db.session.commit()
    assert [m["To"] for m in smtp_server.messages] == [EMAILS["officer_bhxh"]]
    body = smtp_server.messages[0].get_content()
    assert "Từ: Cục Thuế TP HCM" in body and "Lý do: Thuộc lĩnh vực bảo hiểm xã hội." in body
    assert smtp_server.messages[0]["Subject"] == (
        f"Vụ việc {case.reference} đã được chuyển đến đơn vị")


def test_a_move_that_rolls_back_sends_nothing(mail_app, db, world, smtp_server):
    case = make_case(db.session.get(Category, world.tax))
    db.session.commit()
    smtp_server.messages.clear()
    lifecycle.transfer(case, lifecycle.Actor.staff(user(db, "officer_thue")), unit(db, "BHXH"),
                      "Nhầm đơn vị.", MONDAY_9AM)
    db.session.rollback()
    assert smtp_server.messages == [] and outbox(db, "case_transferred") == []


def test_announcing_the_same_move_twice_queues_it_once(db, world):
    case = make_case(db.session.get(Category, world.tax))
    routed = case.events[-1]
    assert staff_alerts.notify_unit_of_move(case, routed, MONDAY_9AM) == 0
    db.session.commit()
    assert len(outbox(db, "case_routed")) == 2


def test_demo_data_writes_no_staff_emails(db):
    from app.seed.demo import seed_demo

    report = seed_demo("demo-password")
    db.session.commit()
    assert report.created_cases > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
