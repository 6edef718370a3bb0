"""`flask seed bulk`: volume data that is as consistent as data the workflow makes."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from app.core.text import search_text
from app.deadlines import counting, regimes
from app.deadlines.sla import due_times, load_calendar
from app.extensions import db
from app.intake.tracking import ALPHABET, CODE_LENGTH
from app.models import Case, CaseEvent, CaseSequence, Category, CountUnit, Unit
from app.models.calendar import CalendarDay
from app.seed.bulk import seed_bulk, tracking_codes
from app.seed.bulk.lifecycle import CASE_COLUMNS, CASE_DEFAULTED, EVENT_COLUMNS
from app.seed.bulk.worktime import DayTable, WorkingTimeLine, to_datetime
from app.seed.bulk.writer import EVENT_COPY_COLUMNS, Timestamps, Writer, copy_text
from tests.factories import MONDAY_9AM, make_case, make_regime


def test_command_adds_cases_and_reports(app, runner, world):
    result = runner.invoke(args=["seed", "bulk", "--cases", "30", "--seed", "5", "--units", "3",
                                 "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "Added 30 cases" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 30


def test_command_refuses_production_unless_forced(app, runner, world):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["seed", "bulk", "--cases", "5"])
    assert result.exit_code != 0 and "production" in result.output


def test_bulk_cases_are_consistent_with_the_workflow_rules(db, world):
    tax, insurance = db.session.get(Category, world.tax), db.session.get(Category, world.insurance)
    # Beside the law's regimes (days): answers in working hours, and counted from the first step.
    make_regime("hoi_dap", tax, resolution=(40, CountUnit.WORKING_HOURS))
    make_regime("kien_nghi", insurance, resolution=(10, CountUnit.WORKING_DAYS), from_first_step=True)
    make_regime("phan_anh", tax, resolution=(24, CountUnit.WORKING_HOURS), from_first_step=True)
    first = make_case(tax, now=MONDAY_9AM)  # 2026-000001
    db.session.commit()
    report = seed_bulk(300, seed=11, units=3, batch=120, workers=2)  # in parallel on PostgreSQL
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
        # Due times are what the case's regime gives on the calendar, pauses and reopenings included.
        regime = regimes.regime_for(case.kind, case.category_id, case.priority)
        times = due_times(case, regime, calendar)
        assert case.ack_due_at == times.ack, case.reference
        if regime.resolution_from_first_step and case.acknowledged_at is None and \
                not counting.is_day_count(regime.resolution_unit):
            # Counted from the microsecond before the first step's due: whole seconds round up.
            assert case.response_due_at - times.response == timedelta(microseconds=1), case.reference
        else:
            assert case.response_due_at == times.response, case.reference
        assert (case.ack_due_unit, case.response_due_unit) == (times.ack_unit, times.response_unit)
        assert case.original_response_due_at is None and case.extension_days == 0
        # Kinds that need a name have one; an unnamed complaint was taken as information.
        if case.kind in ("khieu_nai", "to_cao"):
            assert case.citizen_name and not case.taken_as_information, case.reference
        if case.taken_as_information:
            assert case.kind == "phan_anh" and case.citizen_name is None, case.reference
        if case.kind == "to_cao":
            assert not case.public_consent, case.reference
        if case.status == "guided":
            assert case.guided_to and case.public_answer and case.closed_at == timeline[-1].created_at
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
    # Kinds in a realistic mix: mostly phản ánh and hỏi đáp, few khiếu nại and tố cáo.
    mix = Counter(c.kind for c in cases[1:])
    assert set(mix) == {"phan_anh", "hoi_dap", "kien_nghi", "khieu_nai", "to_cao"}
    assert mix["phan_anh"] + mix["hoi_dap"] > 0.6 * 300
    assert mix["khieu_nai"] + mix["to_cao"] < mix["kien_nghi"] + mix["hoi_dap"]
    assert {c.response_due_unit for c in cases} == {"working_hours", "working_days", "calendar_days"}
    assert {c.ack_due_unit for c in cases} == {"working_hours", "working_days", "calendar_days"}
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


def test_day_table_agrees_with_the_date_rule(db):
    # A Saturday worked and a Wednesday off, besides the public holidays (Tết 2026 in February).
    db.session.add_all([CalendarDay(day=date(2026, 3, 7), kind="working_day", note="Làm bù"),
                        CalendarDay(day=date(2026, 3, 11), kind="day_off", note="Nghỉ")])
    db.session.commit()
    calendar = load_calendar()
    first, last = date(2025, 12, 1), date(2026, 12, 31)
    days = DayTable(calendar, first, last)
    start = MONDAY_9AM - timedelta(days=80)  # mid December 2025, 09:00 local
    for step in range(220):
        moment = start + timedelta(seconds=step * 37_003)  # every hour of the day and days of the week
        instant = int(moment.timestamp())
        for amount in (1, 3, 7, 10, 30):
            for unit in (CountUnit.WORKING_DAYS, CountUnit.CALENDAR_DAYS):
                expected = counting.due(moment, amount, unit, calendar)
                due = days.due(instant, amount, unit)
                assert due == int(expected.timestamp()), (moment, amount, unit)
                for more in (1, 2, 5):
                    moved = counting.extend(expected, more, CountUnit.WORKING_DAYS, calendar)
                    assert days.extend(due, more) == int(moved.timestamp())
        assert days.extend(instant, 0) == instant


def test_copy_writes_every_column_of_a_case(db, world, monkeypatch):
    """The COPY column list names every column but those left to their defaults (and those the
    database computes), one field each."""
    columns = {column.name for column in Case.__table__.columns if column.computed is None}
    assert set(CASE_COLUMNS) == columns - CASE_DEFAULTED
    assert len(set(CASE_COLUMNS)) == len(CASE_COLUMNS)
    assert set(EVENT_COLUMNS) <= {column.name for column in CaseEvent.__table__.columns}
    rows, events = [], []

    def capture(self, cases, timeline):
        rows.extend(cases)
        events.extend(timeline)

    monkeypatch.setattr(Writer, "write", capture)
    seed_bulk(60, seed=2, units=3, now=MONDAY_9AM)
    assert all(len(row) == len(CASE_COLUMNS) for row in rows)
    ts = Timestamps(int(MONDAY_9AM.timestamp()) - 800 * 86400, int(MONDAY_9AM.timestamp()) + 400 * 86400)
    case_text, event_text = copy_text(rows, events, ts)
    for line, row in zip(case_text.splitlines(), rows):
        fields = dict(zip(CASE_COLUMNS, line.split("\t")))
        assert len(line.split("\t")) == len(CASE_COLUMNS)
        values = dict(zip(CASE_COLUMNS, row))
        assert fields["kind"] == values["kind"] and fields["response_due_unit"] == values["response_due_unit"]
        assert fields["taken_as_information"] == ("t" if values["taken_as_information"] else "f")
        assert fields["guided_to"] == (values["guided_to"] or "\\N")
        assert fields["response_due_at"] == ts(values["response_due_at"])
    assert all(len(line.split("\t")) == len(EVENT_COPY_COLUMNS) for line in event_text.splitlines())


def test_tracking_codes_are_random_and_well_formed():
    codes = tracking_codes(2000)
    assert len(set(codes)) == 2000
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert len(Counter("".join(codes))) == len(ALPHABET)


def test_an_open_campaign_covers_the_generated_cases(db, world):
    from app.core.timeutil import to_local
    from app.models import Campaign
    from app.models.campaigns import COMPONENTS
    from app.org.units import receiving_units
    from app.scoring import snapshots

    now = MONDAY_9AM
    report = seed_bulk(200, seed=4, units=6, now=now)
    db.session.commit()
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.name == report.campaign))
    assert campaign is not None and campaign.is_open
    assert sum(getattr(campaign, f"weight_{code}") for code in COMPONENTS) == 100
    assert campaign.fields
    received = [to_local(r).date() for r in db.session.scalars(sa.select(Case.received_at))]
    assert campaign.starts_on == min(received)
    assert campaign.starts_on <= to_local(now).date() <= campaign.ends_on
    assert all(campaign.starts_on <= day <= campaign.ends_on for day in received)
    # Every unit the cases went to takes part: the scorecard of the whole period holds them all.
    assert snapshots.recompute(now, campaign.id, "all") > 0
    rows = snapshots.snapshot_rows(campaign.id, "all", to_local(now).date())
    scored = {row.unit_id: row.received for row in rows}
    used = Counter(db.session.scalars(sa.select(Case.unit_id).where(Case.unit_id.is_not(None))))
    participants = set(db.session.scalars(sa.select(Unit.id).where(receiving_units())))
    assert set(used) <= participants <= set(scored)
    assert all(scored[unit] > 0 for unit in used)  # a transferred case counts in both units
    assert sum(scored.values()) >= sum(used.values())
    assert sum(1 for row in rows if row.score is not None) >= 2
    # A second load widens the same campaign instead of adding one.
    again = seed_bulk(20, seed=5, units=6, now=now, years=3)
    db.session.commit()
    assert again.campaign == report.campaign
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 1
    db.session.refresh(campaign)
    first = min(to_local(r).date() for r in db.session.scalars(sa.select(Case.received_at)))
    assert campaign.starts_on == first


def test_the_same_seed_makes_the_same_cases_in_worker_processes_or_not(db, world):
    """Batches draw from their own seeded randomness: where they are drawn changes nothing."""
    seed_bulk(5, seed=1, units=3, now=MONDAY_9AM)  # the branches and staff, kept
    db.session.commit()

    def load(workers: int):
        seed_bulk(150, seed=8, units=3, now=MONDAY_9AM, batch=50, workers=workers)
        cases = db.session.execute(
            sa.select(Case.id, Case.reference, Case.title, Case.status, Case.unit_id,
                      Case.received_at, Case.ack_due_at, Case.response_due_at, Case.closed_at,
                      Case.satisfaction).order_by(Case.id)).all()
        events = db.session.execute(
            sa.select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.created_at,
                      CaseEvent.to_status).order_by(CaseEvent.id)).all()
        db.session.rollback()
        return cases, events

    alone, parallel = load(1), load(2)
    assert len(alone[0]) == 155 and len(alone[1]) > 450
    assert alone == parallel
