"""Which unit is charged for what: the due times stamped on arrivals and answers, and
the working minutes stored on the case.

Policy of the test world: acknowledge within 8 working hours, answer within 10
working days (urgent: 2 hours, 3 days). Office hours 07:30–11:30 and 13:00–17:00;
March 2026 has no holiday unless a test adds one. Cases are received on Monday
2 March 2026 at 09:00 (local): acknowledgment due Tuesday 3 March 09:00, response
due Monday 16 March 09:00.
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.deadlines.sla import load_calendar
from app.extensions import db as _db
from app.models import CalendarDay, Case, CaseEvent, Category, EventKind, Priority
from app.notify import staff_alerts
from app.scoring import metrics
from app.scoring.attribution import backfill, working_minutes_up
from tests.factories import make_case
from tests.scoring.test_metrics import LATER, MARCH, at
from tests.workspace import staff, unit

pytestmark = pytest.mark.usefixtures("hour_regimes")

RECEIVED = at(2, 9)


def _events(case: Case, kind: EventKind) -> list[CaseEvent]:
    return list(_db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind.value)
        .order_by(CaseEvent.id)))


def _tax(world) -> Category:
    return _db.session.get(Category, world.tax)


def _insurance(world) -> Category:
    return _db.session.get(Category, world.insurance)


@contextmanager
def _unflushed():
    """Moves made back to back in one transaction, nothing written until the commit."""
    with staff_alerts.silenced(), _db.session.no_autoflush:
        yield


def _transferred_case(world, flushed: bool = True) -> Case:
    """Cục Thuế acknowledges Mon 10:00 and hands the case to Bảo hiểm Xã hội at Mon 14:00,
    in time. Bảo hiểm Xã hội acknowledges Tue 3 15:00 and answers Mon 16 12:00."""
    case = make_case(_tax(world), now=RECEIVED)
    _db.session.commit()
    with nullcontext() if flushed else _unflushed():
        lifecycle.acknowledge(case, staff("officer_thue"), at(2, 10))
        lifecycle.transfer(case, staff("officer_thue"), unit("BHXH"), "Thuộc lĩnh vực BHXH",
                           at(2, 14))
        lifecycle.acknowledge(case, staff("officer_bhxh"), at(3, 15))
        lifecycle.respond(case, staff("officer_bhxh"), "Trả lời", at(16, 12), signed_off=True)
        _db.session.commit()
    return case


def test_a_case_routed_on_intake_carries_its_own_due_times(db, world):
    case = make_case(_tax(world), now=RECEIVED)
    db.session.commit()
    (routed,) = _events(case, EventKind.ROUTED)
    assert (routed.ack_due_at, routed.response_due_at) == (at(3, 9), at(16, 9))
    assert (case.ack_due_at, case.response_due_at) == (at(3, 9), at(16, 9))


@pytest.mark.parametrize("flushed", [True, False], ids=["flushed", "pending"])
def test_the_receiving_unit_is_measured_from_the_transfer(db, world, flushed):
    """Bảo hiểm Xã hội owes an acknowledgment 8 working hours after Mon 14:00 (Tue 14:00)
    and an answer 10 working days after it (Mon 16 14:00, later than the citizen's 09:00).
    The same facts whether the moves were flushed one by one or are still pending."""
    case = _transferred_case(world, flushed)
    (transferred,) = _events(case, EventKind.TRANSFERRED)
    assert (transferred.from_unit_id, transferred.to_unit_id) == (world.thue, world.bhxh)
    assert (transferred.ack_due_at, transferred.response_due_at) == (at(3, 14), at(16, 14))
    # The citizen's own due times do not move with the transfer.
    assert (case.ack_due_at, case.response_due_at) == (at(3, 9), at(16, 9))
    (answer,) = _events(case, EventKind.PUBLIC_REPLY)
    assert answer.response_due_at == at(16, 14)
    # Mon 14:00 → Tue 15:00: 3 h + 4 h + 2 h.
    assert case.ack_working_minutes == 540
    # Mon 14:00 → Mon 16 12:00 (lunch): 180 + 9 days × 480 + 240.
    assert case.response_working_minutes == 4740


def test_each_unit_is_charged_for_its_own_part_of_a_transferred_case(db, world):
    """Cục Thuế acknowledged in time and transferred in time; Bảo hiểm Xã hội acknowledged
    late by its own due time and answered on time by its own (late for the citizen)."""
    _transferred_case(world)
    figures = metrics.unit_metrics(*MARCH, now=LATER)
    thue, bhxh = figures[world.thue], figures[world.bhxh]
    assert (thue.received, bhxh.received) == (1, 1)
    assert (thue.ack_due, thue.ack_on_time) == (1, 1)
    assert (thue.transfers_out, thue.late_transfers) == (1, 0)
    assert (thue.response_due, thue.answered, thue.median_minutes) == (0, 0, None)
    assert (bhxh.ack_due, bhxh.ack_on_time) == (1, 0)
    assert (bhxh.response_due, bhxh.response_on_time, bhxh.open_overdue) == (1, 1, 0)
    assert (bhxh.answered, bhxh.median_minutes) == (1, 4740)


def test_a_case_routed_late_from_triage_is_measured_from_the_routing(db, world):
    """No rule routed the case; the operator sends it to Cục Thuế at Mon 16:00. The unit's
    acknowledgment is due Tue 16:00, so acting at Tue 10:00 is on time for the unit, though
    after the citizen's Tue 09:00."""
    case = make_case(db.session.get(Category, world.other), now=RECEIVED)
    assert case.unit_id is None
    lifecycle.route_case(case, staff("operator"), unit("THUE"), at(2, 16))
    lifecycle.acknowledge(case, staff("officer_thue"), at(3, 10))
    db.session.commit()
    (routed,) = _events(case, EventKind.ROUTED)
    assert (routed.ack_due_at, routed.response_due_at) == (at(3, 16), at(16, 16))
    assert case.ack_working_minutes == 60 + 150  # Mon 16:00–17:00, Tue 07:30–10:00
    figures = metrics.unit_metrics(*MARCH, now=LATER)
    assert (figures[world.thue].ack_due, figures[world.thue].ack_on_time) == (1, 1)


def test_an_urgent_case_gives_the_receiving_unit_urgent_times(db, world):
    case = make_case(_tax(world), now=RECEIVED, priority=Priority.URGENT.value)
    lifecycle.transfer(case, staff("officer_thue"), unit("BHXH"), "Thuộc lĩnh vực BHXH",
                       at(2, 14))
    db.session.commit()
    (transferred,) = _events(case, EventKind.TRANSFERRED)
    # 2 working hours and 3 working days from Mon 14:00; the citizen's is Thu 09:00.
    assert (transferred.ack_due_at, transferred.response_due_at) == (at(2, 16), at(5, 14))
    assert case.response_due_at == at(5, 9)


def test_the_receiving_units_due_times_skip_days_off(db, world):
    db.session.add(CalendarDay(day=date(2026, 3, 3), kind="day_off", note="Nghỉ bù"))
    case = make_case(_tax(world), now=RECEIVED)
    lifecycle.transfer(case, staff("officer_thue"), unit("BHXH"), "Thuộc lĩnh vực BHXH",
                       at(2, 14))
    db.session.commit()
    (transferred,) = _events(case, EventKind.TRANSFERRED)
    assert (transferred.ack_due_at, transferred.response_due_at) == (at(4, 14), at(17, 14))


@pytest.mark.parametrize("flushed", [True, False], ids=["flushed", "pending"])
def test_time_awaiting_the_citizen_is_not_charged_to_the_unit(db, world, flushed):
    """Asked Mon 10:00, answered by the citizen Tue 10:00 (480 working minutes); the unit
    answers Wed 09:00: 960 minutes since receipt, 480 of them its own. The pause moves the
    answer's due time by the same 480 minutes."""
    case = make_case(_insurance(world), now=RECEIVED)
    bhxh = staff("officer_bhxh")
    db.session.commit()
    with nullcontext() if flushed else _unflushed():
        lifecycle.acknowledge(case, bhxh, at(2, 9, 30))
        lifecycle.ask_citizen(case, bhxh, "Số hồ sơ?", at(2, 10))
        lifecycle.citizen_reply(case, "Số 123", at(3, 10))
        lifecycle.respond(case, bhxh, "Trả lời", at(4, 9), signed_off=True)
        db.session.commit()
    assert case.ack_working_minutes == 30
    assert case.response_working_minutes == 480
    (answer,) = _events(case, EventKind.PUBLIC_REPLY)
    assert answer.response_due_at == case.response_due_at == at(17, 9)


def test_going_on_without_the_citizen_ends_the_pause(db, world):
    """Asked Mon 10:00, resumed by the unit Mon 14:00 (150 working minutes), answered
    Mon 16:00: 330 minutes since receipt, 180 of them charged."""
    case = make_case(_insurance(world), now=RECEIVED)
    bhxh = staff("officer_bhxh")
    lifecycle.acknowledge(case, bhxh, at(2, 9, 30))
    lifecycle.ask_citizen(case, bhxh, "Số hồ sơ?", at(2, 10))
    lifecycle.resume(case, bhxh, at(2, 14))
    lifecycle.respond(case, bhxh, "Trả lời", at(2, 16), signed_off=True)
    db.session.commit()
    assert case.response_working_minutes == 180


def test_a_wait_at_the_previous_unit_is_not_deducted_from_the_next(db, world):
    """Cục Thuế waited for the citizen Mon 10:00 → Wed 10:00, then transferred at Wed 14:00.
    Bảo hiểm Xã hội answers Thu 14:00: its 480 minutes are counted whole."""
    case = make_case(_tax(world), now=RECEIVED)
    thue, bhxh = staff("officer_thue"), staff("officer_bhxh")
    lifecycle.acknowledge(case, thue, at(2, 9, 30))
    lifecycle.ask_citizen(case, thue, "Mã số thuế?", at(2, 10))
    lifecycle.citizen_reply(case, "0301234567", at(4, 10))
    lifecycle.transfer(case, thue, unit("BHXH"), "Thuộc lĩnh vực BHXH", at(4, 14))
    lifecycle.acknowledge(case, bhxh, at(4, 15))
    lifecycle.respond(case, bhxh, "Trả lời", at(5, 14), signed_off=True)
    db.session.commit()
    assert case.response_working_minutes == 480
    (transferred,) = _events(case, EventKind.TRANSFERRED)
    # Own: Wed 4 14:00 + 10 days; the citizen's moved by the 960-minute pause to Wed 18 09:00.
    assert transferred.response_due_at == at(18, 14)
    assert case.response_due_at == at(18, 9)


def test_a_reopened_case_is_measured_from_the_reopening(db, world):
    """Answered Mon 11:00 (120 minutes), reopened Tue 10:00, answered again Wed 10:00:
    480 minutes from the reopening. Each answer keeps the due time it was judged by."""
    case = make_case(_insurance(world), now=RECEIVED)
    bhxh = staff("officer_bhxh")
    lifecycle.acknowledge(case, bhxh, at(2, 9, 30))
    lifecycle.respond(case, bhxh, "Trả lời", at(2, 11), signed_off=True)
    assert case.response_working_minutes == 120
    lifecycle.reopen(case, "Chưa giải quyết", at(3, 10), 7)
    lifecycle.respond(case, bhxh, "Trả lời lại", at(4, 10), signed_off=True)
    db.session.commit()
    assert case.response_working_minutes == 480
    first, second = _events(case, EventKind.PUBLIC_REPLY)
    assert (first.response_due_at, second.response_due_at) == (at(16, 9), at(17, 10))


def test_a_started_minute_counts_as_a_whole_one(db):
    calendar = load_calendar()
    assert working_minutes_up(calendar, at(2, 9), at(2, 9) + timedelta(seconds=1)) == 1
    assert working_minutes_up(calendar, at(2, 9), at(2, 9)) == 0
    assert working_minutes_up(calendar, at(2, 11), at(2, 13, 30)) == 60  # lunch left out
    assert working_minutes_up(calendar, at(6, 16), at(9, 8)) == 90  # Fri → Mon, weekend left out
    assert working_minutes_up(calendar, at(7, 9), at(8, 16)) == 0  # a weekend


def _erase_facts(case_ids):
    session = _db.session
    session.execute(
        sa.update(CaseEvent).where(CaseEvent.case_id.in_(case_ids))
        .values(ack_due_at=None, response_due_at=None),
        execution_options={"synchronize_session": False})
    session.execute(
        sa.update(Case).where(Case.id.in_(case_ids))
        .values(ack_working_minutes=None, response_working_minutes=None),
        execution_options={"synchronize_session": False})
    session.commit()


def _facts(case_id):
    session = _db.session
    session.expire_all()
    case = session.get(Case, case_id)
    events = session.execute(
        sa.select(CaseEvent.kind, CaseEvent.ack_due_at, CaseEvent.response_due_at)
        .where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)).all()
    return case.ack_working_minutes, case.response_working_minutes, [tuple(e) for e in events]


def test_backfill_restores_the_facts_of_old_cases_only(db, world):
    """Cases made before the facts existed get the same facts the moves would have stored;
    cases that have them are left alone, and a second run finds nothing."""
    moved = _transferred_case(world)
    other = make_case(_insurance(world), now=RECEIVED)
    lifecycle.acknowledge(other, staff("officer_bhxh"), at(2, 9, 30))
    db.session.commit()
    moved_id, other_id = moved.id, other.id
    expected = _facts(moved_id)
    untouched = _facts(other_id)
    _erase_facts([moved_id])
    assert _facts(moved_id)[:2] == (None, None)

    assert backfill() == 1
    db.session.commit()
    assert _facts(moved_id) == expected
    assert _facts(other_id) == untouched
    assert backfill() == 0
