"""`flask seed bulk`: volume data that is as consistent as data the workflow makes."""
from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa

from app.core.text import search_text
from app.deadlines.sla import load_calendar, set_due_times
from app.extensions import db
from app.intake.tracking import ALPHABET, CODE_LENGTH
from app.models import Case, CaseEvent, CaseSequence, Category, Unit
from app.seed.bulk import seed_bulk, tracking_codes
from app.seed.bulk.worktime import WorkingTimeLine, to_datetime
from tests.factories import MONDAY_9AM, make_case


def test_command_adds_cases_and_reports(app, runner, world):
    result = runner.invoke(args=["seed", "bulk", "--cases", "30", "--seed", "5", "--units", "3"])
    assert result.exit_code == 0, result.output
    assert "Added 30 cases" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 30


def test_command_refuses_production_unless_forced(app, runner, world):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["seed", "bulk", "--cases", "5"])
    assert result.exit_code != 0 and "production" in result.output


def test_bulk_cases_are_consistent_with_the_workflow_rules(db, world):
    first = make_case(db.session.get(Category, world.tax), now=MONDAY_9AM)  # 2026-000001
    db.session.commit()
    report = seed_bulk(300, seed=11, units=3)
    db.session.commit()
    assert report.cases == 300
    cases = list(db.session.scalars(sa.select(Case).order_by(Case.id)))
    assert len(cases) == 301
    # References continue each year's counter, with no gap and no repeat.
    by_year = defaultdict(list)
    for case in cases:
        year, number = case.reference.split("-")
        by_year[int(year)].append(int(number))
    for year, numbers in by_year.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), year
        assert db.session.get(CaseSequence, year).last_value == len(numbers)
    assert first.reference == "2026-000001"
    # Fresh tracking codes from the tracking alphabet.
    codes = [c.tracking_code for c in cases]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    calendar = load_calendar()
    events = defaultdict(list)
    for event in db.session.scalars(sa.select(CaseEvent).order_by(CaseEvent.id)):
        events[event.case_id].append(event)
    for case in cases[1:]:
        timeline = events[case.id]
        # Due times are what the working calendar gives, pauses and reopenings included.
        ack_due, response_due = case.ack_due_at, case.response_due_at
        set_due_times(case, case.category.policy, calendar)
        assert (case.ack_due_at, case.response_due_at) == (ack_due, response_due), case.reference
        # The timeline starts with the receipt, runs forward, and ends in the case's status.
        assert timeline[0].kind == "created" and timeline[0].created_at == case.received_at
        times = [e.created_at for e in timeline]
        assert times == sorted(times)
        moves = [e for e in timeline if e.to_status]
        assert (moves[-1].to_status if moves else "new") == case.status, case.reference
        for before, after in zip(moves, moves[1:]):
            assert after.from_status == before.to_status, case.reference
        assert case.updated_at == times[-1]
        assert case.search_text == search_text(case.reference, case.title, case.description,
                                               case.address, case.ward)
        assert case.contact_search_text == search_text(case.citizen_phone, case.citizen_name,
                                                       case.citizen_email)
        assert case.search_text.isascii() and case.contact_search_text.isascii()
        if case.status != "new":
            assert case.unit_id is not None
        for event in timeline:
            if event.kind == "transferred":
                assert event.body and event.from_unit_id != event.to_unit_id
        ratings = [e for e in timeline if e.kind == "rating"]
        assert (case.satisfaction is not None) == bool(ratings)
        if case.status in ("responded", "closed") and case.rejection_reason is None:
            assert case.public_answer and case.responded_at >= case.received_at
        if case.status == "closed":
            assert case.closed_at == timeline[-1].created_at
        if case.acknowledged_at:
            assert case.received_at <= case.acknowledged_at
        assert case.paused_at is None or case.status == "awaiting_citizen"
    # Spread over states, channels and kinds of events, like a real year of work.
    statuses = Counter(c.status for c in cases)
    assert statuses["closed"] > 150 and len(statuses) >= 4
    assert len({c.channel for c in cases}) >= 3
    kinds = Counter(e.kind for timeline in events.values() for e in timeline)
    assert {"created", "routed", "status", "public_reply", "rating"} <= set(kinds)
    assert 3 <= report.events / report.cases <= 7


def test_bulk_adds_units_with_staff_when_few_exist(db, world):
    report = seed_bulk(40, seed=3, units=12)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 12
    assert report.units_created == 9
    used = set(db.session.scalars(sa.select(Case.unit_id).where(Case.unit_id.is_not(None))))
    assert len(used) > 3


def test_working_time_line_agrees_with_the_calendar(db):
    calendar = load_calendar()
    start, end = MONDAY_9AM.replace(month=1, day=1), MONDAY_9AM.replace(year=2027)
    line = WorkingTimeLine(calendar, start, end)
    probe = int(start.timestamp()) + 3600
    for step in range(200):
        instant = probe + step * 37_003  # every hour of the day and days of the week
        moment = to_datetime(instant)
        for minutes in (1, 240, 480, 4800):
            expected = calendar.add_working_minutes(moment, minutes)
            assert line.add_minutes(instant, minutes) == int(expected.timestamp())
        later = instant + 500_000
        assert line.minutes_between(instant, later) == calendar.working_minutes_between(
            moment, to_datetime(later))


def test_tracking_codes_are_random_and_well_formed():
    codes = tracking_codes(2000)
    assert len(set(codes)) == 2000
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert len(Counter("".join(codes))) == len(ALPHABET)
