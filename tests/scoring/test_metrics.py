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


# Contributions of co-handling units --------------------------------------------------


def add_cohandling(db, world, refs) -> dict[str, int]:
    """Added to March: Cục Thuế, as the lead unit, asks Bảo hiểm Xã hội for input on its
    cases T1, T2, T3 and T5 in turn; Bảo hiểm Xã hội asks Cục Thuế once, on B1. Dates are
    local; a request is due at the end of its last day.

      R1 asked 3 March, by Fri 6, answered Thu 5             on time
      R2 asked 3 March, by Fri 6, answered Mon 9             late
      R3 asked 4 March, by Tue 10, declined Thu 5            on time, declined
      R4 asked 4 March, by Fri 6, declined Thu 12 09:00      late, declined
      R5 asked 10 March, by Fri 13, never replied            late (still owed after its date)
      R6 asked 27 March, by Fri 3 April, open                not yet due at the period end
      R7 asked 11 March, by Fri 13, withdrawn on 20 March    left out
      R8 asked 20 February, by 3 March, answered 4 March     another period
      R9 asked 30 March, by Thu 2 April, answered 1 April    on time (after the period, by its date)
      R10 asked 25 March, by Fri 27, answered 2 April        late
      C1 asked of Cục Thuế on 5 March, by Mon 9, answered Fri 6: on time
    """
    from datetime import date

    from app.models import Case
    from tests.factories import make_request

    def case(name: str) -> Case:
        return db.session.scalar(sa.select(Case).where(Case.reference == refs[name]))

    lead_cases = [case(name) for name in ("T1", "T2", "T3", "T5")]
    plan = {
        "R1": (at(3, 9), date(2026, 3, 6), "answered", at(5, 10)),
        "R2": (at(3, 9), date(2026, 3, 6), "answered", at(9, 10)),
        "R3": (at(4, 9), date(2026, 3, 10), "declined", at(5, 10)),
        "R4": (at(4, 9), date(2026, 3, 6), "declined", at(12, 9)),
        "R5": (at(10, 9), date(2026, 3, 13), "open", None),
        "R6": (at(27, 9), date(2026, 4, 3), "open", None),
        "R7": (at(11, 9), date(2026, 3, 13), "withdrawn", at(20, 9)),
        "R8": (at(20, 9, month=2), date(2026, 3, 3), "answered", at(4, 9)),
        "R9": (at(30, 9), date(2026, 4, 2), "answered", at(1, 10, month=4)),
        "R10": (at(25, 9), date(2026, 3, 27), "answered", at(2, 10, month=4)),
    }
    ids = {}
    for index, (name, (asked, last_day, status, replied)) in enumerate(plan.items()):
        ids[name] = make_request(lead_cases[index % 4], world.bhxh, asked, last_day, status,
                                 replied, reply="Ý kiến." if replied else "",
                                 lead_unit_id=world.thue).id
    ids["C1"] = make_request(case("B1"), world.thue, at(5, 9), date(2026, 3, 9), "answered",
                             at(6, 9), reply="Ý kiến.", lead_unit_id=world.bhxh).id
    db.session.commit()
    return ids


def _contributions(m) -> tuple[int, int, int, int]:
    return (m.contributions_asked, m.contributions_on_time, m.contributions_late,
            m.contributions_declined)


def test_contributions_of_a_co_handling_unit_in_a_period_judged_after_it(db, march):
    world, refs = march
    before = metrics.unit_metrics(*MARCH, now=LATER)
    add_cohandling(db, world, refs)
    figures = metrics.unit_metrics(*MARCH, now=LATER)
    # Asked: R1–R6, R9, R10 (R7 withdrawn, R8 in February). On time: R1, R3, R9. Late: R2,
    # R4, R5, R10. Declined: R3 and R4. R6 was not due yet at the period end.
    assert _contributions(figures[world.bhxh]) == (8, 3, 4, 2)
    assert _contributions(figures[world.thue]) == (1, 1, 0, 0)
    # Asking for input changes none of the case figures, of either unit.
    def case_figures(m):
        return {k: v for k, v in vars(m).items() if not k.startswith("contributions_")}

    for unit_id in (world.thue, world.bhxh):
        assert case_figures(figures[unit_id]) == case_figures(before[unit_id])


def test_contributions_of_the_period_still_running(db, march):
    world, refs = march
    add_cohandling(db, world, refs)
    # Judged on Thu 12 March at noon: R5 (due at the end of Fri 13) still runs, R4's decline
    # that morning was late, and what was asked after noon is not known yet.
    figures = metrics.unit_metrics(*MARCH, now=at(12, 12))
    assert _contributions(figures[world.bhxh]) == (5, 2, 2, 2)
    # Judged on Sat 14 March: R5 is now owed past its date.
    assert _contributions(metrics.unit_metrics(*MARCH, now=at(14, 8))[world.bhxh]) == (5, 2, 3, 2)


def test_contributions_of_another_period(db, march):
    world, refs = march
    add_cohandling(db, world, refs)
    february = metrics.unit_metrics(at(1, 0, month=2), at(1, 0), now=LATER)
    # R8, asked in February and answered on 4 March, after its date (3 March).
    assert _contributions(february[world.bhxh]) == (1, 0, 1, 0)
    april = metrics.unit_metrics(at(1, 0, month=4), at(1, 0, month=5), now=LATER)
    assert world.bhxh not in april or _contributions(april[world.bhxh]) == (0, 0, 0, 0)


def _by_hand(requests, start, end, now) -> dict[int, tuple[int, int, int, int]]:
    """The rule written out in Python over the rows, to hold the SQL to it."""
    out: dict[int, list[int]] = {}
    for r in requests:
        if r.status == "withdrawn" or not (start <= r.asked_at < min(end, now)):
            continue
        counts = out.setdefault(r.unit_id, [0, 0, 0, 0])
        replied = r.status in ("answered", "declined") and r.replied_at < now
        counts[0] += 1
        counts[1] += replied and r.replied_at <= r.due_at
        counts[2] += (replied and r.replied_at > r.due_at) or \
            (not replied and r.due_at < min(end, now))
        counts[3] += replied and r.status == "declined"
    return {unit_id: tuple(c) for unit_id, c in out.items()}


@pytest.mark.parametrize("now", [at(5, 10), at(7, 0), at(12, 9), at(12, 9, 1), at(1, 0, month=4),
                                 at(2, 12, month=4), LATER])
def test_contributions_follow_the_rule_at_every_instant(db, march, now):
    """SQLite and PostgreSQL compare the stored instants as Python does, at the boundaries
    too: a reply at the very instant asked of the unit, the first instant after a due day."""
    from app.models import CoHandlingRequest

    world, refs = march
    add_cohandling(db, world, refs)
    requests = db.session.scalars(sa.select(CoHandlingRequest)).all()
    expected = _by_hand(requests, *MARCH, now)
    found = {unit_id: _contributions(m) for unit_id, m in metrics.unit_metrics(*MARCH, now=now).items()
             if m.contributions_asked}
    assert found == expected


def test_contributions_cost_one_statement_whatever_the_units(db, march):
    """One grouped statement over the requests, the same with two asked units or five."""
    from datetime import date

    from tests.factories import make_request, make_unit

    def statements_of_metrics() -> list[str]:
        counted = []
        listener = lambda *args: counted.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            metrics.unit_metrics(*MARCH, now=LATER)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return counted

    world, refs = march
    add_cohandling(db, world, refs)
    two_units = statements_of_metrics()
    tax = db.session.get(Category, world.tax)
    for i in range(3):
        unit = make_unit(f"PH{i}", f"Đơn vị phối hợp {i}", db.session.get(Unit, world.root))
        make_request(make_case(tax, f"Thêm {i}", now=at(2, 9)), unit.id, at(3, 9), date(2026, 3, 6))
    db.session.commit()
    five_units = statements_of_metrics()
    assert len(five_units) == len(two_units)
    assert sum("cohandling_requests" in statement for statement in five_units) == 1
