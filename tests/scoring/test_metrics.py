"""Per-unit metrics on a small dataset worked out by hand.

Policy of the test world: acknowledge within 8 working hours, answer within 10
working days. Office hours 07:30–11:30 and 13:00–17:00; March 2026 has no holiday.
Every case is received on Monday 2 March 2026 at 09:00 (local), so:
  acknowledgment due  = Tuesday 3 March 09:00 (2.5 h + 4 h on Monday, 1.5 h on Tuesday)
  response due        = Monday 16 March 09:00 (10 working days later)
The period is March 2026, judged after it ended (as of 1 April 00:00).
"""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.cases import lifecycle
from app.core.timeutil import LOCAL_TZ
from app.models import Category, Unit, User
from app.scoring import metrics
from tests.factories import EMAILS, make_case

pytestmark = pytest.mark.usefixtures("hour_regimes")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


MARCH = (at(1, 0), at(1, 0, month=4))
LATER = at(20, 12, month=4)


def _staff(db, key):
    user = db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))
    return lifecycle.Actor.staff(user)


@pytest.fixture
def march(db, world):
    """The dataset; returns the unit ids and the case references by name."""
    tax, insurance = db.session.get(Category, world.tax), db.session.get(Category, world.insurance)
    thue, bhxh = _staff(db, "officer_thue"), _staff(db, "officer_bhxh")
    bhxh_unit = db.session.get(Unit, world.bhxh)
    received = at(2, 9)
    cases = {}

    # T1: acknowledged Mon 10:00 (on time), answered Wed 4 09:00 (on time, 960 working
    # minutes = 2 days), rated 5 on Thu 5 (closes it).
    c = cases["T1"] = make_case(tax, "T1", now=received)
    lifecycle.acknowledge(c, thue, at(2, 10))
    lifecycle.respond(c, thue, "Trả lời", at(4, 9), signed_off=True)
    lifecycle.rate_answer(c, 5, "", at(5, 9), 7)

    # T2: acknowledged Tue 3 10:00 (late), answered Tue 17 09:00 (late: due Mon 16 09:00;
    # 11 working days = 5280 minutes), rated 2 on Wed 18 09:00, reopened Wed 18 10:00:
    # its new due (Wed 1 April 10:00) is outside March.
    c = cases["T2"] = make_case(tax, "T2", now=received)
    lifecycle.acknowledge(c, thue, at(3, 10))
    lifecycle.respond(c, thue, "Trả lời", at(17, 9), signed_off=True)
    lifecycle.rate_answer(c, 2, "Chưa hài lòng", at(18, 9), 7)
    lifecycle.reopen(c, "Chưa giải quyết", at(18, 10), 7)

    # T3: never touched: acknowledgment late, answer late, open and overdue at the end.
    cases["T3"] = make_case(tax, "T3", now=received)

    # T4, the late transfer: Cục Thuế transfers it on Wed 4 09:00, after its
    # acknowledgment due (Tue 09:00). Bảo hiểm Xã hội is measured from the transfer:
    # acknowledgment due Thu 5 09:00, own response due Wed 18 09:00 (10 working days,
    # later than the citizen's Mon 16 09:00). It acknowledges Wed 4 14:00 (210 working
    # minutes) and answers Tue 17 09:00: late for the citizen, on time for the unit
    # (9 working days = 4320 minutes).
    c = cases["T4"] = make_case(tax, "T4", now=received)
    lifecycle.transfer(c, thue, bhxh_unit, "Thuộc lĩnh vực bảo hiểm", at(4, 9))
    lifecycle.acknowledge(c, bhxh, at(4, 14))
    lifecycle.respond(c, bhxh, "Trả lời", at(17, 9), signed_off=True)

    # T5: rejected by Cục Thuế on Mon 10:00: a first action in time, and a rejection.
    c = cases["T5"] = make_case(tax, "T5", now=received)
    lifecycle.reject(c, thue, "Trùng lặp", at(2, 10))

    # B1: acknowledged 09:30, answered 11:00 (120 minutes), rated 4.
    c = cases["B1"] = make_case(insurance, "B1", now=received)
    lifecycle.acknowledge(c, bhxh, at(2, 9, 30))
    lifecycle.respond(c, bhxh, "Trả lời", at(2, 11), signed_off=True)
    lifecycle.rate_answer(c, 4, "", at(3, 9), 7)

    # B2: asks the citizen Mon 10:00, reply Wed 4 10:00 (a pause of 960 working minutes:
    # due moves to Wed 18 09:00); answered Wed 18 08:00, on time. Working minutes:
    # Mon 2 09:00 → Wed 18 08:00 is 12 days less 1 h = 5700, less the pause = 4740.
    c = cases["B2"] = make_case(insurance, "B2", now=received)
    lifecycle.acknowledge(c, bhxh, at(2, 9, 30))
    lifecycle.ask_citizen(c, bhxh, "Số hồ sơ?", at(2, 10))
    lifecycle.citizen_reply(c, "Số 123", at(4, 10))
    lifecycle.respond(c, bhxh, "Trả lời", at(18, 8), signed_off=True)
    db.session.commit()
    return world, {name: case.reference for name, case in cases.items()}


def test_stored_working_minutes(db, march):
    from app.models import Case

    _, refs = march
    minutes = dict(db.session.execute(
        sa.select(Case.reference, Case.response_working_minutes)).all())
    assert minutes[refs["T1"]] == 960
    # 11 working days; reopened since, so it no longer counts (no current answer).
    assert minutes[refs["T2"]] == 5280
    assert minutes[refs["T4"]] == 4320
    assert minutes[refs["B1"]] == 120
    assert minutes[refs["B2"]] == 4740
    t4 = db.session.scalar(sa.select(Case).where(Case.reference == refs["T4"]))
    assert t4.ack_working_minutes == 210


def test_march_metrics_of_each_unit(db, march):
    world, _ = march
    figures = metrics.unit_metrics(*MARCH, now=LATER)
    thue, bhxh = figures[world.thue], figures[world.bhxh]

    assert thue.received == 5  # T1–T5
    # T1 on time, T2 late, T3 untouched and late, T5 rejected in time; T4 is judged
    # as a transfer, not as an acknowledgment.
    assert (thue.ack_due, thue.ack_on_time) == (4, 2)
    # T1's answer on time, T2's answer late, T3 unanswered and late.
    assert (thue.response_due, thue.response_on_time, thue.response_on_time_original) == (3, 1, 1)
    assert thue.open_overdue == 1  # T3
    assert (thue.median_minutes, thue.p90_minutes) == (960, 960)  # T1 only
    assert (thue.rated, thue.rating_sum, thue.rated_high) == (2, 7, 1)  # 5 and 2
    assert (thue.answered, thue.reopened) == (2, 1)  # T1, T2; T2 reopened
    assert (thue.transfers_out, thue.late_transfers) == (1, 1)  # T4
    assert thue.rejected == 1  # T5

    assert bhxh.received == 3  # T4 (on 4 March), B1, B2
    assert (bhxh.ack_due, bhxh.ack_on_time) == (3, 3)
    assert (bhxh.response_due, bhxh.response_on_time, bhxh.response_on_time_original) == (3, 3, 3)
    assert bhxh.open_overdue == 0
    # Sorted minutes 120, 4320, 4740: median = rank 1 = 4320; p90 at rank 0.9 × 2 = 1.8:
    # 4320 + 0.8 × (4740 − 4320) = 4656.
    assert bhxh.median_minutes == 4320
    assert bhxh.p90_minutes == pytest.approx(4656)
    assert (bhxh.rated, bhxh.rating_sum, bhxh.rated_high) == (1, 4, 1)
    assert (bhxh.answered, bhxh.reopened) == (3, 0)
    assert (bhxh.transfers_out, bhxh.late_transfers, bhxh.rejected) == (0, 0, 0)


def test_a_period_still_running_only_judges_what_is_due(db, march):
    world, _ = march
    # Judged on Tue 3 March 08:00: no acknowledgment was due yet (Tue 09:00), so only
    # the cases acted on count: T1, T5, B1, B2 — all in time.
    figures = metrics.unit_metrics(*MARCH, now=at(3, 8))
    assert (figures[world.thue].ack_due, figures[world.thue].ack_on_time) == (2, 2)
    assert (figures[world.bhxh].ack_due, figures[world.bhxh].ack_on_time) == (2, 2)
    # No answer was due yet; B1's early answer counts, on time.
    assert (figures[world.bhxh].response_due, figures[world.bhxh].response_on_time) == (1, 1)
    assert world.thue not in figures or figures[world.thue].response_due == 0


def test_percentiles_match_percentile_cont(db, march):
    """The portable percentile equals PostgreSQL's percentile_cont (and a Python check)."""
    from statistics import quantiles

    from app.models import Case

    world, _ = march
    values = sorted(db.session.scalars(
        sa.select(Case.response_working_minutes)
        .where(Case.unit_id == world.bhxh, Case.response_working_minutes.is_not(None))))
    figures = metrics.unit_metrics(*MARCH, now=LATER)[world.bhxh]
    assert figures.p90_minutes == pytest.approx(quantiles(values, n=10, method="inclusive")[8])
    if db.engine.dialect.name == "postgresql":
        median, p90 = db.session.execute(sa.text(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY response_working_minutes), "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY response_working_minutes) "
            "FROM cases WHERE unit_id = :unit AND response_working_minutes IS NOT NULL"),
            {"unit": world.bhxh}).one()
        assert (figures.median_minutes, figures.p90_minutes) == pytest.approx((median, p90))


def test_metrics_ignore_other_periods(db, march):
    figures = metrics.unit_metrics(at(1, 0, month=5), at(1, 0, month=6), now=LATER)
    assert all(m.received == 0 and m.ack_due == 0 for m in figures.values())


def test_backfill_recomputes_the_same_facts(db, march):
    """Old data gets the same figures, except what a reopening hid: T2's first answer
    is judged by the due time of its reopened clock (1 April), outside March."""
    from app.models import Case, CaseEvent
    from app.scoring.attribution import backfill

    world, _ = march
    before = metrics.unit_metrics(*MARCH, now=LATER)
    db.session.execute(sa.update(CaseEvent).values(ack_due_at=None, response_due_at=None),
                       execution_options={"synchronize_session": False})
    db.session.execute(sa.update(Case).values(ack_working_minutes=None,
                                              response_working_minutes=None))
    db.session.commit()
    assert backfill() == 7
    db.session.commit()
    assert backfill() == 0  # idempotent
    after = metrics.unit_metrics(*MARCH, now=LATER)
    assert vars(after[world.bhxh]) == vars(before[world.bhxh])
    changed = {k for k, v in vars(after[world.thue]).items() if vars(before[world.thue])[k] != v}
    assert changed == {"response_due"}
    assert (after[world.thue].response_due, after[world.thue].response_on_time) == (2, 1)


def test_guided_cases_and_extensions_are_counted_apart(db, world):
    from datetime import timedelta

    from app.cases import extensions
    from app.deadlines import counting
    from tests.factories import MONDAY_9AM

    tax = db.session.get(Category, world.tax)
    officer = lifecycle.Actor.staff(db.session.scalar(
        sa.select(User).where(User.email == EMAILS["officer_thue"])))
    head = lifecycle.Actor.staff(db.session.scalar(
        sa.select(User).where(User.email == EMAILS["head_thue"])))
    guided = make_case(tax, now=MONDAY_9AM)
    lifecycle.guide(guided, officer, "Tòa án nhân dân khu vực 1 - Thành phố Hồ Chí Minh",
                    "Nộp đơn tại tòa.", MONDAY_9AM)
    extended = make_case(tax, now=MONDAY_9AM)
    lifecycle.acknowledge(extended, officer, MONDAY_9AM)
    request = extensions.request_extension(
        extended, officer, counting.last_day_of(extended.response_due_at) + timedelta(days=3),
        "Phức tạp.", MONDAY_9AM)
    extensions.decide_extension(request, head, True, "", MONDAY_9AM + timedelta(hours=1))
    db.session.commit()
    thue = metrics.unit_metrics(MONDAY_9AM - timedelta(days=1), MONDAY_9AM + timedelta(days=30),
                                MONDAY_9AM + timedelta(days=2))[world.thue]
    assert (thue.guided, thue.rejected, thue.extensions_used) == (1, 0, 1)
    assert thue.answered == 0


def test_figures_per_kind_in_one_grouped_query(db, world):
    """Cục Thuế receives in March a feedback answered on time, a feedback answered after its
    10 days, a named complaint still unanswered and a question; BHXH's case is not theirs."""
    tax, insurance = db.session.get(Category, world.tax), db.session.get(Category, world.insurance)
    officer = _staff(db, "officer_thue")
    quick = make_case(tax, title="Nhanh", now=at(2, 9))
    slow = make_case(tax, title="Chậm", now=at(2, 9))
    make_case(tax, title="Khiếu nại", kind="khieu_nai", citizen_name="Trần Văn An", now=at(3, 9))
    make_case(tax, title="Hỏi", kind="hoi_dap", now=at(4, 9))
    make_case(insurance, title="BHXH", now=at(4, 9))
    for case, when in ((quick, at(5, 9)), (slow, at(17, 9))):
        lifecycle.acknowledge(case, officer, at(2, 10))
        lifecycle.respond(case, officer, "Đã trả lời.", when, signed_off=True)
    db.session.commit()
    thue = db.session.scalar(sa.select(Unit.id).where(Unit.code == "THUE"))
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        figures = metrics.by_kind(thue, *MARCH, LATER)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert [(f.kind, f.received, f.answered, f.answered_on_time) for f in figures] == [
        ("phan_anh", 2, 2, 1), ("khieu_nai", 1, 0, 0), ("hoi_dap", 1, 0, 0)]
    assert figures[0].on_time_rate == 0.5 and figures[1].on_time_rate is None
    assert metrics.by_kind(thue, at(1, 0, month=4), at(1, 0, month=5), LATER) == []


def test_answers_on_time_against_the_original_date_and_the_extended_one(db, world):
    """Three Cục Thuế cases received Mon 2 March 09:00, answer due Mon 16 March 09:00
    (80 working hours). E is extended to Thu 19 March (3 working days) and answered Wed 18:
    on time, but late against its original date. Q is answered Fri 6: on time against both.
    L is extended too and answered Fri 20: late against both."""
    from app.cases import extensions
    from app.deadlines import counting

    tax = db.session.get(Category, world.tax)
    officer, head = _staff(db, "officer_thue"), _staff(db, "head_thue")
    extended, quick, late = (make_case(tax, name, now=at(2, 9)) for name in ("E", "Q", "L"))
    for case in (extended, late):
        lifecycle.acknowledge(case, officer, at(2, 10))
        request = extensions.request_extension(case, officer, at(19, 0).date(), "Cần xác minh.",
                                               at(3, 9))
        extensions.decide_extension(request, head, True, "", at(3, 10))
    assert counting.last_day_of(extended.response_due_at) == at(19, 0).date()
    assert extended.original_response_due_at == at(16, 9)
    lifecycle.acknowledge(quick, officer, at(2, 10))
    lifecycle.respond(quick, officer, "Trả lời", at(6, 9), signed_off=True)
    lifecycle.respond(extended, officer, "Trả lời", at(18, 9), signed_off=True)
    lifecycle.respond(late, officer, "Trả lời", at(20, 9), signed_off=True)
    db.session.commit()
    thue = metrics.unit_metrics(*MARCH, now=LATER)[world.thue]
    assert (thue.response_due, thue.response_on_time, thue.response_on_time_original) == (3, 2, 1)
    assert thue.extensions_used == 2


def add_guided_and_extended(db, world) -> None:
    """Added to March: a case Cục Thuế guided to the court, and one whose answer it got
    extended to Thu 19 March and gave on Wed 18 — on time, but late against its original date."""
    from datetime import date

    from app.cases import extensions

    tax = db.session.get(Category, world.tax)
    officer, head = _staff(db, "officer_thue"), _staff(db, "head_thue")
    guided = make_case(tax, "G", now=at(2, 9))
    lifecycle.guide(guided, officer, "Tòa án nhân dân khu vực 1", "Nộp đơn tại tòa.", at(2, 10))
    extended = make_case(tax, "E", now=at(2, 9))
    lifecycle.acknowledge(extended, officer, at(2, 10))
    request = extensions.request_extension(extended, officer, date(2026, 3, 19), "Cần xác minh.",
                                           at(3, 9))
    extensions.decide_extension(request, head, True, "", at(3, 10))
    lifecycle.respond(extended, officer, "Trả lời", at(18, 9), signed_off=True)
    db.session.commit()
