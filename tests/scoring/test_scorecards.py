"""What the scorecard pages show: read from stored snapshots, for the campaign and period
asked, limited to the units the reader may see; and a unit's late cases."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.cases import access
from app.core.timeutil import LOCAL_TZ
from app.models import Campaign, CampaignStatus, Case, ScoreSnapshot, Unit
from app.core.errors import NotPermitted
from app.scoring import scorecards, snapshots
from tests.factories import make_unit
from tests.scoring.test_metrics import LATER, at, march  # noqa: F401 - fixture
from tests.workspace import user

pytestmark = pytest.mark.usefixtures("hour_regimes")

# Monday 20 April 2026, noon in Ho Chi Minh City: March is over, April is running.
NOW = LATER
FIRST_COMPUTATION = date(2026, 4, 1)
LATEST_COMPUTATION = date(2026, 4, 20)


def _campaign(db, name: str, year: int, status: str = CampaignStatus.OPEN.value) -> Campaign:
    campaign = Campaign(name=name, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31),
                        status=status)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _snapshot(db, campaign: Campaign, key: str, as_of: date, unit_id: int, rank: int | None,
              score: float, **figures) -> ScoreSnapshot:
    period = next(p for p in snapshots.campaign_periods(campaign) if p.key == key)
    row = ScoreSnapshot(campaign_id=campaign.id, period_key=key, period_start=period.start,
                        period_end=period.end, as_of=as_of, unit_id=unit_id, rank=rank,
                        score=score, computed_at=datetime.combine(as_of, time(1), LOCAL_TZ),
                        **figures)
    db.session.add(row)
    return row


@pytest.fixture
def tree(db, world):
    """The world's units and a branch under Cục Thuế: Đảng ủy Khối → Cục Thuế → Chi cục
    Thuế Quận 1, and Đảng ủy Khối → Bảo hiểm Xã hội."""
    branch = make_unit("CCT1", "Chi cục Thuế Quận 1", db.session.get(Unit, world.thue))
    db.session.commit()
    return world, branch.id


@pytest.fixture
def computed(db, tree):
    """Campaign 2026 with March computed twice (1 and 20 April) and the months of January
    and February computed once; ranks changed between the two March computations."""
    world, branch = tree
    campaign = _campaign(db, "Dân vận khéo 2026", 2026)
    thue, bhxh = world.thue, world.bhxh
    for unit_id, rank, score in ((thue, 1, 80.0), (bhxh, 2, 70.0), (branch, None, 90.0),
                                 (world.root, None, 60.0)):
        _snapshot(db, campaign, "2026-03", FIRST_COMPUTATION, unit_id, rank, score)
    for unit_id, rank, score, received in ((bhxh, 1, 76.5, 3), (thue, 2, 58.3, 5),
                                           (branch, None, 95.0, 1), (world.root, None, 59.7, 0)):
        _snapshot(db, campaign, "2026-03", LATEST_COMPUTATION, unit_id, rank, score,
                  received=received)
    for key, as_of in (("2026-01", date(2026, 2, 1)), ("2026-02", date(2026, 3, 1))):
        for unit_id in (thue, bhxh, branch):
            _snapshot(db, campaign, key, as_of, unit_id, None, 50.0)
    _snapshot(db, campaign, "2026-Q1", LATEST_COMPUTATION, thue, 1, 66.0)
    db.session.commit()
    return world, branch, campaign


# Who sees what ---------------------------------------------------------------


@pytest.mark.parametrize("who,allowed", [("committee", True), ("admin", True),
                                         ("head_thue", True), ("officer_thue", False),
                                         ("operator", False)])
def test_who_may_view_scorecards(db, world, who, allowed):
    assert access.may_view_scorecards(user(who)) is allowed
    assert not access.may_view_scorecards(None)


def test_a_unit_head_sees_their_unit_and_the_units_under_it(db, tree):
    world, branch = tree
    units = scorecards.all_units()
    assert access.scorecard_unit_ids(user("committee"), units) is None
    assert access.scorecard_unit_ids(user("admin"), units) is None
    assert access.scorecard_unit_ids(user("head_thue"), units) == {world.thue, branch}
    assert access.scorecard_unit_ids(user("officer_thue"), units) == set()
    assert scorecards.subtree(units, world.root) == {world.root, world.thue, world.bhxh, branch}
    assert scorecards.subtree(units, world.bhxh) == {world.bhxh}


def test_all_units_lists_the_roots_first(db, tree):
    codes = [u.code for u in scorecards.all_units()]
    assert codes[0] == "DUK" and sorted(codes[1:]) == codes[1:] == ["BHXH", "CCT1", "THUE"]


def test_period_labels():
    def gettext(text, **values):
        return text % values

    assert scorecards.period_label("all", gettext) == "Whole campaign"
    assert scorecards.period_label("2026-Q1", gettext) == "Quarter 1/2026"
    assert scorecards.period_label("2026-03", gettext) == "03/2026"
    assert scorecards.period_label("2026", gettext) == "2026"


# Which campaign and period ---------------------------------------------------


def test_without_campaigns_the_scorecard_is_empty(db, world):
    card = scorecards.scorecard(user("committee"), NOW)
    assert (card.campaign, card.campaigns, card.period_keys, card.rows) == (None, [], [], [])
    assert card.period_key == "all" and card.as_of is None


def test_the_open_campaign_is_shown_unless_another_is_asked_for(db, world):
    old = _campaign(db, "Dân vận khéo 2025", 2025, CampaignStatus.CLOSED.value)
    current = _campaign(db, "Dân vận khéo 2026", 2026)
    planned = _campaign(db, "Dân vận khéo 2027", 2027, CampaignStatus.CLOSED.value)
    db.session.commit()
    reader = user("committee")
    card = scorecards.scorecard(reader, NOW)
    assert card.campaign == current and card.campaigns == [planned, current, old]  # newest first
    assert scorecards.scorecard(reader, NOW, campaign_id=old.id).campaign == old
    assert scorecards.scorecard(reader, NOW, campaign_id=9999).campaign == current
    current.status = CampaignStatus.CLOSED.value
    db.session.commit()
    assert scorecards.scorecard(reader, NOW).campaign == planned  # none open: the newest


def test_the_periods_offered_are_those_begun_and_an_unknown_one_is_the_whole_campaign(db, world):
    campaign = _campaign(db, "Dân vận khéo 2026", 2026)
    db.session.commit()
    reader = user("committee")
    card = scorecards.scorecard(reader, NOW, campaign.id, "2026-03")
    assert card.period_key == "2026-03"
    assert card.period_keys == ["all", "2026-01", "2026-02", "2026-03", "2026-04",
                                "2026-Q1", "2026-Q2"]
    for unknown in ("2026-05", "2025-03", "March", None):
        assert scorecards.scorecard(reader, NOW, campaign.id, unknown).period_key == "all"
    # Nothing computed yet for this period: no rows, no date.
    assert (card.as_of, card.rows, card.previous_ranks, card.series) == (None, [], {}, {})


# What is read from the snapshots ---------------------------------------------


def test_the_scorecard_reads_the_latest_computation_best_rank_first(db, computed):
    world, branch, campaign = computed
    card = scorecards.scorecard(user("committee"), NOW, campaign.id, "2026-03")
    assert card.as_of == LATEST_COMPUTATION
    # Ranked units by rank, then units without a rank by score.
    assert [(r.unit_id, r.rank, r.score) for r in card.rows] == [
        (world.bhxh, 1, 76.5), (world.thue, 2, 58.3), (branch, None, 95.0),
        (world.root, None, 59.7)]
    # The figures are the stored ones: there is not a single case in the database.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    assert [r.received for r in card.rows] == [3, 5, 1, 0]
    assert card.rows[0].unit.code == "BHXH"


def test_rank_changes_against_the_previous_computation(db, computed):
    world, branch, campaign = computed
    card = scorecards.scorecard(user("committee"), NOW, campaign.id, "2026-03")
    assert card.previous_ranks == {world.thue: 1, world.bhxh: 2, branch: None, world.root: None}
    changes = {r.unit_id: card.rank_change(r) for r in card.rows}
    assert changes == {world.bhxh: 1, world.thue: -1, branch: None, world.root: None}
    # A period computed once has nothing to compare with.
    quarter = scorecards.scorecard(user("committee"), NOW, campaign.id, "2026-Q1")
    assert quarter.previous_ranks == {} and quarter.rank_change(quarter.rows[0]) is None


def test_trends_are_the_months_in_order(db, computed):
    world, _branch, campaign = computed
    card = scorecards.scorecard(user("committee"), NOW, campaign.id, "all")
    assert card.as_of is None and card.rows == []  # the whole campaign was never computed
    card = scorecards.scorecard(user("committee"), NOW, campaign.id, "2026-03")
    months = {unit_id: [(r.period_key, r.as_of) for r in rows]
              for unit_id, rows in card.series.items()}
    # Quarters are not months; March is its latest computation.
    assert months[world.thue] == [("2026-01", date(2026, 2, 1)), ("2026-02", date(2026, 3, 1)),
                                  ("2026-03", LATEST_COMPUTATION)]
    assert months[world.root] == [("2026-03", LATEST_COMPUTATION)]


def test_a_unit_head_reads_only_their_subtree_whatever_they_ask(db, computed):
    world, branch, campaign = computed
    head = user("head_thue")
    card = scorecards.scorecard(head, NOW, campaign.id, "2026-03")
    assert {r.unit_id for r in card.rows} == {world.thue, branch}
    assert set(card.series) == {world.thue, branch}
    # Another unit asked for is refused, never silently widened to all the head may see.
    with pytest.raises(NotPermitted):
        scorecards.scorecard(head, NOW, campaign.id, "2026-03", unit_id=world.bhxh)
    own = scorecards.scorecard(head, NOW, campaign.id, "2026-03", unit_id=branch)
    assert own.unit_filter == branch and [r.unit_id for r in own.rows] == [branch]
    # An officer reaching the function anyway reads nothing.
    assert scorecards.scorecard(user("officer_thue"), NOW, campaign.id, "2026-03").rows == []


def test_the_committee_filters_to_a_subtree(db, computed):
    world, branch, campaign = computed
    card = scorecards.scorecard(user("committee"), NOW, campaign.id, "2026-03",
                                unit_id=world.thue)
    assert card.unit_filter == world.thue
    assert [r.unit_id for r in card.rows] == [world.thue, branch]
    assert card.parent_ids == {world.root, world.thue}


# Late cases ------------------------------------------------------------------


def test_a_units_late_cases_in_a_period(db, march):
    """March 2026 (see tests/scoring/test_metrics.py): Cục Thuế's T3 was never answered;
    T2 was answered late but reopened, so its current due time is 1 April; T1 was on
    time, T5 rejected. Bảo hiểm Xã hội answered T4 on time by its own due time."""
    world, refs = march
    thue, bhxh = db.session.get(Unit, world.thue), db.session.get(Unit, world.bhxh)
    march_start, april_start, may_start = at(1, 0), at(1, 0, month=4), at(1, 0, month=5)

    def late(unit, start, end):
        return [c.reference for c in scorecards.late_cases(unit, start, end, NOW)]

    assert late(thue, march_start, april_start) == [refs["T3"]]
    assert late(bhxh, march_start, april_start) == []
    assert late(thue, april_start, may_start) == [refs["T2"]]
    assert late(thue, march_start, may_start) == [refs["T3"], refs["T2"]]  # by due time
    # Judged on 1 April at 09:00, T2 (due 10:00) was not late yet.
    early = scorecards.late_cases(thue, april_start, may_start, at(1, 9, month=4))
    assert early == []


def test_the_late_cases_shown_are_bounded(db, march, monkeypatch):
    world, refs = march
    monkeypatch.setattr(scorecards, "LATE_CASES_SHOWN", 1)
    cases = scorecards.late_cases(db.session.get(Unit, world.thue), at(1, 0),
                                  at(1, 0, month=5), NOW)
    assert [c.reference for c in cases] == [refs["T3"]]
    assert timedelta(0) < NOW - cases[0].response_due_at
