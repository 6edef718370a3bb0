"""Which unit held a case and how long, read from its arrivals (routed and transferred events);
the scorecards' SQL gives the same answer."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.cases import lifecycle
from app.cases.holding import ARRIVALS, holding_arrival, holding_spans, is_arrival
from app.deadlines.sla import load_calendar
from app.models import CaseEvent, Category, EventKind, Unit, User
from app.scoring import metrics
from tests.factories import EMAILS, make_case

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


def actor(db, key: str) -> lifecycle.Actor:
    return lifecycle.Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS[key])))


def unit(db, code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def spans(db, case, now):
    return [(s.unit.code if s.unit else None, s.start, s.end, s.working_minutes)
            for s in holding_spans(case, load_calendar(), now)]


def test_a_transfer_ends_one_unit_span_and_starts_the_next(db, world):
    case = make_case(db.session.get(Category, world.tax), now=vn(2, 9))
    lifecycle.transfer(case, actor(db, "officer_thue"), unit(db, "BHXH"), "Không thuộc thẩm quyền.",
                      vn(2, 14))
    db.session.commit()
    # THUE: 09:00-11:30 and 13:00-14:00 = 210; BHXH until Tue 09:00: 180 + 90 = 270.
    assert spans(db, case, vn(3, 9)) == [
        ("THUE", vn(2, 9), vn(2, 14), 210),
        ("BHXH", vn(2, 14), None, 270),
    ]


def test_time_in_triage_belongs_to_no_unit(db, world):
    case = make_case(db.session.get(Category, world.other), now=vn(2, 9))
    lifecycle.route_case(case, actor(db, "operator"), unit(db, "THUE"), vn(2, 10))
    db.session.commit()
    assert spans(db, case, vn(2, 11)) == [
        (None, vn(2, 9), vn(2, 10), 60),
        ("THUE", vn(2, 10), None, 60),
    ]


def test_a_case_is_held_until_the_unit_answered(db, world):
    case = make_case(db.session.get(Category, world.tax), now=vn(2, 9))
    officer = actor(db, "officer_thue")
    lifecycle.acknowledge(case, officer, vn(2, 9, 30))
    lifecycle.respond(case, officer, "Đã xử lý.", vn(2, 10), signed_off=True)
    lifecycle.rate_answer(case, 5, "", vn(2, 11), 7)
    db.session.commit()
    assert spans(db, case, vn(20, 9)) == [("THUE", vn(2, 9), vn(2, 10), 60)]
    lifecycle.reopen(case, "Chưa được giải quyết.", vn(3, 9), 7)
    db.session.commit()
    assert spans(db, case, vn(3, 10)) == [("THUE", vn(2, 9), None, 540)]


def _moved_around(db, world):
    """Triage → THUE → BHXH → THUE, answered, rated low, reopened, answered again."""
    case = make_case(db.session.get(Category, world.other), now=vn(2, 9))
    thue, bhxh = actor(db, "officer_thue"), actor(db, "officer_bhxh")
    lifecycle.route_case(case, actor(db, "operator"), unit(db, "THUE"), vn(2, 10))
    lifecycle.acknowledge(case, thue, vn(2, 11))
    lifecycle.transfer(case, thue, unit(db, "BHXH"), "Thuộc lĩnh vực bảo hiểm.", vn(3, 9))
    lifecycle.add_note(case, bhxh, "Đã xem.", vn(3, 10))
    lifecycle.transfer(case, bhxh, unit(db, "THUE"), "Trả lại: thuộc lĩnh vực thuế.", vn(4, 9))
    lifecycle.acknowledge(case, thue, vn(4, 10))
    lifecycle.ask_citizen(case, thue, "Xin mã số thuế.", vn(4, 11))
    lifecycle.citizen_reply(case, "0301234567", vn(5, 9))
    lifecycle.respond(case, thue, "Đã xử lý.", vn(6, 9), signed_off=True)
    lifecycle.rate_answer(case, 2, "Chưa ổn.", vn(6, 10), 7)
    lifecycle.reopen(case, "Chưa được giải quyết.", vn(6, 11), 7)
    lifecycle.respond(case, thue, "Đã xử lý lại.", vn(9, 9), signed_off=True)
    db.session.commit()
    return case


def test_the_sql_and_the_python_holder_agree_on_every_event(db, world):
    case = _moved_around(db, world)
    event = sa.orm.aliased(CaseEvent)
    sql = dict(db.session.execute(
        sa.select(event.id, metrics.arrival_before(event)).where(event.case_id == case.id)).all())
    sql_due = dict(db.session.execute(
        sa.select(event.id, metrics.arrival_before(event, lambda a: a.ack_due_at))
        .where(event.case_id == case.id)).all())
    python = {}
    for e in case.events:
        arrival = holding_arrival(case.events, before=e)
        python[e.id] = arrival.to_unit_id if arrival else None
        assert sql_due[e.id] == (arrival.ack_due_at if arrival else None)
    assert sql == python
    codes = [unit_code for unit_code in (db.session.get(Unit, u).code if u else None
                                         for u in python.values())]
    assert codes[0] is None and "BHXH" in codes and codes[-1] == "THUE"

    latest, _arrival, _due = metrics.unit_due_dates_for_cases()
    [latest_id] = db.session.scalars(sa.select(latest.c.event_id).where(latest.c.case_id == case.id))
    assert latest_id == holding_arrival(case.events).id
    assert holding_arrival(case.events).to_unit_id == case.unit_id


def test_only_routing_and_transfers_move_a_case_between_units(db, world):
    case = _moved_around(db, world)
    kinds = [e.kind for e in case.events if is_arrival(e)]
    assert kinds == [EventKind.ROUTED, EventKind.TRANSFERRED, EventKind.TRANSFERRED]
    assert ARRIVALS == (EventKind.ROUTED, EventKind.TRANSFERRED)
    assert EventKind.ASSIGNED not in ARRIVALS  # giving it to an officer keeps it in the unit
    assert [(s.unit.code if s.unit else None) for s in holding_spans(case, load_calendar(), vn(9, 10))] \
        == [None, "THUE", "BHXH", "THUE"]


def test_an_unsaved_transfer_already_decides_the_holder(db, world):
    case = make_case(db.session.get(Category, world.tax), now=vn(2, 9))
    db.session.commit()
    thue, bhxh = unit(db, "THUE"), unit(db, "BHXH")
    with db.session.no_autoflush:  # as in the middle of a move
        event = lifecycle.record_event(case, EventKind.TRANSFERRED, actor(db, "officer_thue"),
                                       vn(2, 14), is_public=False, to_unit_id=bhxh.id)
        assert event.id is None
        assert holding_arrival(case.events) is event
        assert holding_arrival(case.events, before=event).to_unit_id == thue.id
    db.session.rollback()
