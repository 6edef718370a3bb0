"""How long each unit held a case, read from the routed and transferred events."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.cases import lifecycle
from app.cases.holding import holding_spans
from app.deadlines.sla import load_calendar
from app.models import Category, Unit, User
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
    lifecycle.respond(case, officer, "Đã xử lý.", vn(2, 10))
    lifecycle.rate_answer(case, 5, "", vn(2, 11), 7)
    db.session.commit()
    assert spans(db, case, vn(20, 9)) == [("THUE", vn(2, 9), vn(2, 10), 60)]
    lifecycle.reopen(case, "Chưa được giải quyết.", vn(3, 9), 7)
    db.session.commit()
    assert spans(db, case, vn(3, 10)) == [("THUE", vn(2, 9), None, 540)]
