"""Score snapshots: the periods of a campaign, computing and storing one, recomputing
(the same day replaces, a later day adds history), the nightly refresh, and the trends
read back. The data is the hand-worked March 2026 of tests/scoring/test_metrics.py."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.core.timeutil import LOCAL_TZ
from app.extensions import db as _db
from app.models import Campaign, CampaignStatus, Category, ScoreSnapshot, Unit
from app.scoring import metrics, snapshots
from app.scoring.snapshots import SNAPSHOT_FIELDS, Period
from tests.factories import make_case, make_unit
from tests.scoring.test_metrics import LATER, MARCH, at, march  # noqa: F401 - fixture
from tests.scoring.test_score import campaign  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("hour_regimes")

MARCH_PERIOD = Period("2026-03", date(2026, 3, 1), date(2026, 4, 1))
UNITS = 3  # Đảng ủy Khối, Cục Thuế, Bảo hiểm Xã hội


def _rows(campaign_id=None, key=None, as_of=None) -> list[ScoreSnapshot]:
    stmt = sa.select(ScoreSnapshot).order_by(ScoreSnapshot.period_key, ScoreSnapshot.unit_id)
    if campaign_id is not None:
        stmt = stmt.where(ScoreSnapshot.campaign_id == campaign_id)
    if key is not None:
        stmt = stmt.where(ScoreSnapshot.period_key == key)
    if as_of is not None:
        stmt = stmt.where(ScoreSnapshot.as_of == as_of)
    return list(_db.session.scalars(stmt))


def _keys(campaign_id) -> set[str]:
    return set(_db.session.scalars(sa.select(ScoreSnapshot.period_key).where(
        ScoreSnapshot.campaign_id.is_(None) if campaign_id is None
        else ScoreSnapshot.campaign_id == campaign_id)))


def _campaign(db, name, starts_on, ends_on, status=CampaignStatus.OPEN.value) -> Campaign:
    c = Campaign(name=name, starts_on=starts_on, ends_on=ends_on, status=status)
    db.session.add(c)
    db.session.commit()
    return c


# Periods ---------------------------------------------------------------------


def test_periods_are_local_days_clipped_to_the_campaign():
    """A campaign across a year end: months and quarters cut at its first and last day."""
    c = Campaign(name="x", starts_on=date(2025, 11, 15), ends_on=date(2026, 2, 10))
    periods = {p.key: (p.first_day, p.end_day) for p in snapshots.campaign_periods(c)}
    assert periods == {
        "all": (date(2025, 11, 15), date(2026, 2, 11)),
        "2025-11": (date(2025, 11, 15), date(2025, 12, 1)),
        "2025-12": (date(2025, 12, 1), date(2026, 1, 1)),
        "2026-01": (date(2026, 1, 1), date(2026, 2, 1)),
        "2026-02": (date(2026, 2, 1), date(2026, 2, 11)),
        "2025-Q4": (date(2025, 11, 15), date(2026, 1, 1)),
        "2026-Q1": (date(2026, 1, 1), date(2026, 2, 11)),
    }
    begun = [p.key for p in snapshots.campaign_periods(c, today=date(2025, 12, 31))]
    assert begun == ["all", "2025-11", "2025-12", "2025-Q4"]


def test_a_period_starts_and_ends_at_local_midnight():
    # Midnight in Ho Chi Minh City (UTC+7) is 17:00 UTC the day before.
    assert MARCH_PERIOD.start == datetime(2026, 2, 28, 17, 0, tzinfo=timezone.utc)
    assert MARCH_PERIOD.end == datetime(2026, 3, 31, 17, 0, tzinfo=timezone.utc)
    year = snapshots.year_period(2026)
    assert (year.key, year.first_day, year.end_day) == ("2026", date(2026, 1, 1), date(2027, 1, 1))


# Computing and storing -------------------------------------------------------


def test_a_period_is_stored_with_the_figures_score_and_rank_of_every_unit(db, campaign, march):
    world, _ = march
    assert snapshots.refresh(campaign, MARCH_PERIOD, LATER) == UNITS
    db.session.commit()
    figures = metrics.unit_metrics(*MARCH, now=LATER, campaign_id=campaign.id)
    rows = {r.unit_id: r for r in _rows(campaign.id, "2026-03")}
    assert set(rows) == {world.root, world.thue, world.bhxh}
    for unit_id in (world.thue, world.bhxh):
        stored = {name: getattr(rows[unit_id], name) for name in SNAPSHOT_FIELDS}
        assert stored == {name: getattr(figures[unit_id], name) for name in SNAPSHOT_FIELDS}
    thue = rows[world.thue]
    assert (thue.received, thue.works_registered, thue.works_completed) == (5, 1, 1)
    assert (thue.period_start, thue.period_end) == MARCH
    assert (thue.as_of, thue.computed_at) == (date(2026, 4, 20), LATER)
    assert thue.score == pytest.approx(58.32936508) and thue.rank == 2
    assert thue.components["response"]["n"] == 3 and thue.components["works"]["value"] == 50
    # A unit with no case still has a row: every rate at the all-unit rate, and no rank.
    root = rows[world.root]
    assert (root.received, root.rank) == (0, None) and root.score == pytest.approx(59.75595238)


def test_inactive_units_without_figures_are_left_out(db, campaign, march):
    closed = make_unit("CU", "Đơn vị đã giải thể")
    closed.active = False
    db.session.commit()
    assert snapshots.refresh(campaign, MARCH_PERIOD, LATER) == UNITS
    assert closed.id not in {r.unit_id for r in _rows(campaign.id)}


def test_the_public_figures_have_no_score_and_no_works(db, campaign, march):
    world, _ = march
    assert snapshots.refresh(None, MARCH_PERIOD, LATER) == UNITS
    db.session.commit()
    rows = {r.unit_id: r for r in _rows(key="2026-03") if r.campaign_id is None}
    thue = rows[world.thue]
    assert (thue.received, thue.response_due, thue.response_on_time) == (5, 3, 1)
    assert (thue.score, thue.rank, thue.components) == (None, None, {})
    assert (thue.works_registered, thue.works_completed) == (0, 0)


def test_the_day_of_a_computation_is_the_local_day(db, campaign, march):
    # 17:30 UTC on 19 April is 00:30 on 20 April in Ho Chi Minh City.
    late_evening = datetime(2026, 4, 19, 17, 30, tzinfo=timezone.utc)
    snapshots.refresh(campaign, MARCH_PERIOD, late_evening)
    db.session.commit()
    assert {r.as_of for r in _rows(campaign.id)} == {date(2026, 4, 20)}


def test_recomputing_the_same_day_replaces_and_a_later_day_adds_history(db, campaign, march):
    world, _ = march
    snapshots.refresh(campaign, MARCH_PERIOD, LATER)
    db.session.commit()
    # A case received in March that the first computation did not know of.
    make_case(db.session.get(Category, world.tax), "T6", now=at(9, 9))
    db.session.commit()
    assert snapshots.refresh(campaign, MARCH_PERIOD, LATER + timedelta(hours=1)) == UNITS
    db.session.commit()
    same_day = _rows(campaign.id, "2026-03")
    assert len(same_day) == UNITS
    assert {r.unit_id: r.received for r in same_day}[world.thue] == 6

    make_case(db.session.get(Category, world.tax), "T7", now=at(10, 9))
    next_day = LATER + timedelta(days=1)
    snapshots.refresh(campaign, MARCH_PERIOD, next_day)
    db.session.commit()
    assert len(_rows(campaign.id, "2026-03")) == 2 * UNITS
    received = {(r.as_of, r.unit_id): r.received for r in _rows(campaign.id, "2026-03")}
    assert received[(LATER.date(), world.thue)] == 6  # the earlier day is kept as it was
    assert received[(next_day.date(), world.thue)] == 7


def test_a_recompute_replaces_only_its_own_campaigns_rows(db, campaign, march):
    other = _campaign(db, "Thi đua 2026", date(2026, 1, 1), date(2026, 12, 31))
    snapshots.refresh(other, MARCH_PERIOD, LATER)
    snapshots.refresh(None, MARCH_PERIOD, LATER)
    snapshots.refresh(campaign, MARCH_PERIOD, LATER)
    snapshots.refresh(campaign, MARCH_PERIOD, LATER)  # replaces the campaign's rows only
    db.session.commit()
    counts = db.session.execute(sa.select(ScoreSnapshot.campaign_id, sa.func.count())
                                .group_by(ScoreSnapshot.campaign_id)).all()
    assert dict(counts) == {campaign.id: UNITS, other.id: UNITS, None: UNITS}


# Recompute and the nightly refresh -------------------------------------------


def test_recompute_one_period_every_period_or_everything(db, campaign, march):
    assert snapshots.recompute(LATER, campaign.id, "2026-03") == UNITS
    db.session.commit()
    assert _keys(campaign.id) == {"2026-03"}
    # Every period begun by 20 April: the whole campaign, four months, two quarters.
    assert snapshots.recompute(LATER, campaign.id) == 7 * UNITS
    db.session.commit()
    assert _keys(campaign.id) == {"all", "2026-01", "2026-02", "2026-03", "2026-04",
                                  "2026-Q1", "2026-Q2"}
    assert _keys(None) == set()  # one campaign asked: no public figures
    # Every campaign, and this year's public figures.
    assert snapshots.recompute(LATER) == 8 * UNITS
    db.session.commit()
    assert _keys(None) == {"2026"}
    assert snapshots.recompute(LATER, period_key="2026") == UNITS
    assert snapshots.recompute(LATER, campaign.id, "2026-05") == 0  # not begun


def test_the_nightly_refresh_covers_open_campaigns_recent_periods_and_the_year(db, campaign,
                                                                              march):
    closed = _campaign(db, "Dân vận khéo 2025", date(2025, 1, 1), date(2025, 12, 31),
                       CampaignStatus.CLOSED.value)
    written = snapshots.refresh_current(LATER)
    db.session.commit()
    # This and last month and quarter, and the whole campaign; then the year 2026.
    assert _keys(campaign.id) == {"all", "2026-04", "2026-03", "2026-Q2", "2026-Q1"}
    assert _keys(closed.id) == set()
    assert _keys(None) == {"2026"}
    assert written == 6 * UNITS
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ScoreSnapshot))
    assert snapshots.refresh_current(LATER + timedelta(hours=2)) == written
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScoreSnapshot)) == total


def test_in_january_the_nightly_refresh_reaches_back_into_last_year(db, world):
    c = _campaign(db, "Dân vận khéo 2026–2027", date(2026, 7, 1), date(2027, 6, 30))
    snapshots.refresh_current(datetime(2027, 1, 10, 9, tzinfo=LOCAL_TZ))
    db.session.commit()
    assert _keys(c.id) == {"all", "2027-01", "2026-12", "2027-Q1", "2026-Q4"}
    assert _keys(None) == {"2027"}


# Reading back and trends -----------------------------------------------------


@pytest.fixture
def history(db, campaign, march):
    """January to March computed on 1 April; March again on 20 April, after a late
    entry of a case Bảo hiểm Xã hội received on 20 March."""
    world, _ = march
    first = at(1, 12, month=4)
    for period in snapshots.campaign_periods(campaign, first.date()):
        if period.key in ("2026-01", "2026-02", "2026-03"):
            snapshots.refresh(campaign, period, first)
    make_case(db.session.get(Category, world.insurance), "B3", now=at(20, 9))
    db.session.commit()
    snapshots.refresh(campaign, MARCH_PERIOD, LATER)
    db.session.commit()
    return world, first.date()


def test_the_latest_computation_and_the_one_before(db, campaign, history):
    _, first_day = history
    assert snapshots.latest_as_of(campaign.id, "2026-03") == LATER.date()
    assert snapshots.latest_as_of(campaign.id, "2026-03", before=LATER.date()) == first_day
    assert snapshots.latest_as_of(campaign.id, "2026-03", before=first_day) is None
    assert snapshots.latest_as_of(campaign.id, "2026-Q1") is None
    assert snapshots.latest_as_of(None, "2026-03") is None  # public figures are separate


def test_rows_of_a_computation_best_rank_first(db, campaign, history):
    world, first_day = history
    rows = snapshots.snapshot_rows(campaign.id, "2026-03", LATER.date())
    assert [(r.unit_id, r.rank) for r in rows] == [(world.bhxh, 1), (world.thue, 2),
                                                    (world.root, None)]
    assert rows[0].received == 4 and rows[0].unit.code == "BHXH"
    only = snapshots.snapshot_rows(campaign.id, "2026-03", first_day, unit_ids={world.thue})
    assert [(r.unit_id, r.received) for r in only] == [(world.thue, 5)]
    assert snapshots.ranks_on(campaign.id, "2026-03", first_day) == {
        world.bhxh: 1, world.thue: 2, world.root: None}
    assert snapshots.ranks_on(campaign.id, "2026-03", None) == {}


def test_monthly_trends_use_each_months_latest_computation(db, campaign, history):
    world, first_day = history
    series = snapshots.monthly_series(campaign.id)
    assert set(series) == {world.root, world.thue, world.bhxh}
    bhxh = [(r.period_key, r.as_of, r.received) for r in series[world.bhxh]]
    assert bhxh == [("2026-01", first_day, 0), ("2026-02", first_day, 0),
                    ("2026-03", LATER.date(), 4)]
    only = snapshots.monthly_series(campaign.id, unit_ids=[world.thue])
    assert list(only) == [world.thue] and len(only[world.thue]) == 3
    assert snapshots.monthly_series(None) == {}


def test_quarters_and_the_whole_campaign_are_not_months(db, campaign, march):
    for period in snapshots.campaign_periods(campaign, date(2026, 3, 31)):
        if period.key in ("all", "2026-Q1"):
            snapshots.refresh(campaign, period, LATER)
    db.session.commit()
    assert _keys(campaign.id) == {"all", "2026-Q1"}
    assert snapshots.monthly_series(campaign.id) == {}


def test_campaign_only_units_are_neither_scored_nor_ranked(db, campaign, march):
    world, _ = march
    cell = make_unit("THUE-CB", "Chi bộ Văn phòng - Cục Thuế", db.session.get(Unit, world.thue))
    cell.handles_cases = False
    db.session.commit()
    assert snapshots.refresh(campaign, MARCH_PERIOD, LATER) == UNITS
    rows = {r.unit_id: r for r in _rows(campaign.id, "2026-03")}
    assert cell.id not in rows
    assert sorted(r.rank for r in rows.values() if r.rank is not None) == [1, 2]


def test_guided_cases_extensions_and_answers_before_extensions_are_stored(db, campaign, march):
    """Added to March: a case Cục Thuế guided to the court, and one whose answer it got
    extended to Thu 19 March and gave on Wed 18 — on time, but not against 16 March."""
    from tests.scoring.test_metrics import add_guided_and_extended


    world, _ = march
    add_guided_and_extended(db, world)
    snapshots.refresh(campaign, MARCH_PERIOD, LATER)
    snapshots.refresh(None, MARCH_PERIOD, LATER)
    db.session.commit()
    for row in _rows(key="2026-03"):
        if row.unit_id == world.thue:
            assert (row.guided, row.extensions_used, row.rejected) == (1, 1, 1)
            assert (row.response_due, row.response_on_time, row.response_on_time_original) == (4, 2, 1)
            assert row.response_rate_original == 0.25
        elif row.unit_id == world.bhxh:
            assert (row.guided, row.extensions_used) == (0, 0)
            assert row.response_on_time_original == row.response_on_time == 3


def test_contributions_are_stored_with_the_campaign_s_component_and_in_the_public_figures(
        db, campaign, march):
    """The co-handling requests of tests/scoring/test_metrics.py: Bảo hiểm Xã hội was asked 8
    in March, replied 3 by the date, 4 late, declined 2; Cục Thuế 1, on time."""
    from tests.scoring.test_metrics import add_cohandling

    world, refs = march
    add_cohandling(db, world, refs)
    snapshots.refresh(campaign, MARCH_PERIOD, LATER)
    snapshots.refresh(None, MARCH_PERIOD, LATER)
    db.session.commit()
    for row in _rows(key="2026-03"):
        if row.unit_id == world.bhxh:
            assert (row.contributions_asked, row.contributions_on_time, row.contributions_late,
                    row.contributions_declined) == (8, 3, 4, 2)
            assert row.contributions_judged == 7 and row.contribution_rate == pytest.approx(3 / 7)
        elif row.unit_id == world.thue:
            assert (row.contributions_asked, row.contribution_rate) == (1, 1.0)
        else:
            assert (row.contributions_asked, row.contribution_rate) == (0, None)
    stored = {r.unit_id: r for r in _rows(campaign.id, "2026-03")}
    component = stored[world.bhxh].components["cohandling"]
    assert (component["successes"], component["n"], component["weight"]) == (3, 7, 0)
    assert stored[world.bhxh].score == pytest.approx(76.55102041)  # weighed 0: unchanged
