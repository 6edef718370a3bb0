"""The fair score: shrinkage, weights, ranks and snapshots, on the hand-worked March dataset."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.models import Campaign, CampaignField, CampaignWork, ScoreSnapshot, WorkStatus
from app.scoring import metrics, score, snapshots
from app.scoring.metrics import UnitMetrics
from app.scoring.score import Settings, score_units, shrink, works_value
from tests.scoring.test_metrics import LATER, MARCH, at, march  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("hour_regimes")

WEIGHTS = {"ack": 15, "response": 35, "satisfaction": 20, "reopen": 10, "transfer": 5,
           "cohandling": 0, "works": 15}


def test_shrinkage_formula():
    # (3 + 20 × 0.8) / (3 + 20) = 19 / 23
    assert shrink(3, 3, 0.8, 20) == pytest.approx(19 / 23)
    assert shrink(0, 0, 0.8, 20) == pytest.approx(0.8)  # no cases: the all-unit rate
    assert shrink(5, 10, 0.8, 0) == pytest.approx(0.5)  # no prior: the raw rate


def test_three_lucky_cases_do_not_outrank_five_hundred():
    """A: 3/3 answered on time; B: 475/500; C: 400/500. p = 878/1003 = 0.8754.
    A: (3 + 20p)/23 = 0.8916; B: (475 + 20p)/520 = 0.9471. B ranks above A."""
    settings = Settings({"response": 100, "ack": 0, "satisfaction": 0, "reopen": 0,
                         "transfer": 0, "works": 0}, prior_strength=20, min_cases=0)
    units = {1: UnitMetrics(1, received=3, response_due=3, response_on_time=3),
             2: UnitMetrics(2, received=500, response_due=500, response_on_time=475),
             3: UnitMetrics(3, received=500, response_due=500, response_on_time=400)}
    scored = {s.unit_id: s for s in score_units(units, settings)}
    p = 878 / 1003
    assert scored[1].score == pytest.approx(100 * (3 + 20 * p) / 23)
    assert scored[2].score == pytest.approx(100 * (475 + 20 * p) / 520)
    assert [scored[u].rank for u in (2, 1, 3)] == [1, 2, 3]


def test_works_component():
    assert works_value(0, 0, 2) == 0
    assert works_value(1, 1, 2) == 50  # 25 + 25
    assert works_value(5, 2, 2) == 100


@pytest.fixture
def campaign(db, march):
    """Dân vận khéo 2026 with a prior of 4 cases and a minimum of 3; works: Cục Thuế
    registered and completed one, Bảo hiểm Xã hội registered two."""
    world, _ = march
    c = Campaign(name="Dân vận khéo 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                 prior_strength=4, min_cases=3, works_target=2)
    field = CampaignField(code="CCHC", name_vi="Cải cách hành chính", name_en="Reform")
    c.fields.append(field)
    db.session.add(c)
    db.session.flush()
    when = at(10, 9)
    db.session.add_all([
        CampaignWork(campaign=c, field=field, unit_id=world.thue, title="Một cửa", registered_at=when,
                     status=WorkStatus.COMPLETED.value, completed_at=at(20, 9)),
        CampaignWork(campaign=c, field=field, unit_id=world.bhxh, title="Tổng đài", registered_at=when),
        CampaignWork(campaign=c, field=field, unit_id=world.bhxh, title="Zalo", registered_at=when),
    ])
    db.session.commit()
    return c


def test_march_scores_by_hand(db, campaign, march):
    """All-unit rates: ack 5/7, response 4/6, satisfied 2/3, not reopened 4/5,
    not transferred late 7/8. With k = 4:

    Cục Thuế: ack (2 + 4·5/7)/8 = 17/28; response (1 + 4·2/3)/7 = 11/21;
      satisfied (1 + 8/3)/6 = 11/18; not reopened (1 + 16/5)/6 = 0.7;
      transfers (4 + 3.5)/9 = 5/6; works 25 + 25 = 50.
      Score = (15·1700/28 + 35·1100/21 + 20·1100/18 + 10·70 + 5·500/6 + 15·50)/100 = 58.3294
    Bảo hiểm Xã hội: 41/49, 17/21, 11/15, 31/35, 13/14, works 50 + 0 = 50 → 76.5510
    Đảng ủy Khối has no case: every rate is p → 59.7560, above Cục Thuế, but with
    0 received (< 3) it gets no rank.
    """
    world, _ = march
    figures = metrics.unit_metrics(*MARCH, now=LATER, campaign_id=campaign.id)
    figures.setdefault(world.root, UnitMetrics(world.root))
    scored = {s.unit_id: s for s in score_units(figures, Settings.of(campaign))}
    thue, bhxh, root = scored[world.thue], scored[world.bhxh], scored[world.root]
    assert thue.components["ack"]["prior"] == pytest.approx(5 / 7)
    assert thue.components["ack"]["shrunk"] == pytest.approx(17 / 28)
    assert thue.components["response"]["raw"] == pytest.approx(1 / 3)
    assert thue.components["response"]["shrunk"] == pytest.approx(11 / 21)
    assert thue.components["transfer"]["shrunk"] == pytest.approx(5 / 6)
    assert thue.components["works"]["value"] == 50
    assert thue.score == pytest.approx(58.32936508)
    assert bhxh.components["satisfaction"]["shrunk"] == pytest.approx(11 / 15)
    assert bhxh.score == pytest.approx(76.55102041)
    assert root.score == pytest.approx(59.75595238)
    assert (bhxh.rank, thue.rank, root.rank) == (1, 2, None)


def test_snapshots_are_stored_idempotent_and_kept_as_history(db, campaign, march):
    world, _ = march
    period = snapshots.Period("2026-03", date(2026, 3, 1), date(2026, 4, 1))
    snapshots.refresh(campaign, period, LATER)
    snapshots.refresh(campaign, period, LATER)  # same day: replaces
    db.session.commit()
    rows = snapshots.snapshot_rows(campaign.id, "2026-03", LATER.date())
    assert [r.unit_id for r in rows][:2] == [world.bhxh, world.thue]
    assert len(rows) == 3 and rows[0].score == pytest.approx(76.55102041)
    assert rows[1].components["response"]["n"] == 3
    snapshots.refresh(campaign, period, LATER + timedelta(days=1))
    db.session.commit()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ScoreSnapshot))
    assert count == 6
    assert snapshots.latest_as_of(campaign.id, "2026-03") == LATER.date() + timedelta(days=1)
    assert snapshots.latest_as_of(campaign.id, "2026-03", before=LATER.date() + timedelta(days=1)) \
        == LATER.date()


def test_campaign_periods_cover_months_and_quarters():
    c = Campaign(name="x", starts_on=date(2023, 2, 15), ends_on=date(2023, 12, 31))
    periods = snapshots.campaign_periods(c, today=date(2023, 4, 10))
    keys = [p.key for p in periods]
    assert keys == ["all", "2023-02", "2023-03", "2023-04", "2023-Q1", "2023-Q2"]
    february = periods[1]
    assert (february.first_day, february.end_day) == (date(2023, 2, 15), date(2023, 3, 1))
    assert periods[0].end_day == date(2024, 1, 1)


def test_recompute_command(runner, app, campaign):
    result = runner.invoke(args=["scores", "recompute", "--campaign", str(campaign.id),
                                 "--period", "2026-03"])
    assert result.exit_code == 0, result.output
    assert "Snapshot rows written: 3." in result.output
    bad = runner.invoke(args=["scores", "recompute", "--period", "March"])
    assert bad.exit_code != 0


def test_nightly_job_refreshes_open_campaigns_and_public_figures(db, campaign):
    from app.jobs.scores import refresh_score_snapshots

    first = refresh_score_snapshots()
    assert first == refresh_score_snapshots()  # idempotent: same rows replaced
    kinds = set(db.session.scalars(sa.select(ScoreSnapshot.period_key)))
    assert "all" in kinds and any(k.isdigit() for k in kinds)


def _explained(app, settings: Settings, locale: str = "en"):
    with app.test_request_context(), force_locale(locale):
        return score.explain(settings)


def test_the_explanation_is_written_from_the_weights_and_settings(app):
    settings = Settings(dict(WEIGHTS), prior_strength=4, min_cases=3, works_target=2)
    found = _explained(app, settings)
    assert "Score = (15 × Acknowledged on time + 35 × Answered on time + 20 × Rated 4–5 + " \
           "10 × Not reopened + 5 × No late transfer + 15 × Campaign works) ÷ 100." in found.steps
    assert any("adjusted rate = (successes + k × p) / (n + k), where p is the rate of all "
               "units together (their successes over their cases) and k = 4." in s
               for s in found.steps)
    # In plain words first: what the adjustment is for, without statistics' words.
    plain = next(s for s in found.steps if s.startswith("Units with few cases are pulled"))
    assert "2 cases answered on time do not outrank 200" in plain and "4 cases" in plain
    assert not any("prior" in s or "shrunk" in s for s in found.steps)
    assert any(s.startswith("Value of campaign works = 50 × min(1, registered ÷ 2) + 50 × min(1, "
                            "completed ÷ 2)") for s in found.steps)
    assert any("fewer than 3 cases" in s for s in found.steps)
    assert [(c.code, c.weight) for c in found.components] == list(WEIGHTS.items())

    reweighted = dict(WEIGHTS, ack=25, response=25)
    changed = _explained(app, Settings(reweighted, prior_strength=30, min_cases=3, works_target=2))
    assert changed.steps != found.steps
    assert "Score = (25 × Acknowledged on time + 25 × Answered on time + 20 × Rated 4–5 + " \
           "10 × Not reopened + 5 × No late transfer + 15 × Campaign works) ÷ 100." in changed.steps
    assert any("and k = 30." in s for s in changed.steps)
    assert [c.weight for c in changed.components][:2] == [25, 25]


def test_a_weight_of_zero_drops_the_component_from_the_formula(app):
    weights = dict(WEIGHTS, transfer=0, reopen=15)
    found = _explained(app, Settings(weights))
    assert "Score = (15 × Acknowledged on time + 35 × Answered on time + 20 × Rated 4–5 + " \
           "15 × Not reopened + 15 × Campaign works) ÷ 100." in found.steps


def test_the_explanation_is_in_vietnamese_too(app):
    found = _explained(app, Settings(dict(WEIGHTS), prior_strength=4), "vi")
    assert "Điểm = (15 × Nhận xử lý đúng hạn + 35 × Trả lời đúng hạn + 20 × Đánh giá 4–5 + " \
           "10 × Không bị mở lại + 5 × Không chuyển quá hạn + 15 × Công trình phong trào) ÷ 100." \
           in found.steps
    assert any("k = 4" in s for s in found.steps)
    assert found.components[0].label == "Nhận xử lý đúng hạn"


def test_the_explanation_and_the_computation_share_their_constants(app, monkeypatch):
    monkeypatch.setattr(score, "WORKS_REGISTERED_POINTS", 70)
    monkeypatch.setattr(score, "WORKS_COMPLETED_POINTS", 30)
    assert works_value(2, 0, 2) == 70
    found = _explained(app, Settings(dict(WEIGHTS), works_target=4))
    assert any(s.startswith("Value of campaign works = 70 × min(1, registered ÷ 4) + 30 × min(1, "
                            "completed ÷ 4)") for s in found.steps)
    assert score.computation({"registered": 1, "completed": 0, "target": 4, "value": 17.5}) \
        == "70 × min(1, 1 ÷ 4) + 30 × min(1, 0 ÷ 4)"


def test_the_points_add_up_to_the_score_also_when_a_component_is_left_out():
    """Nobody was rated: satisfaction (weight 20) is left out and the others count
    over 80: score = (15·100 + 35·50 + 10·100 + 5·100 + 15·0) / 80 = 59.375 for unit 1."""
    units = {1: UnitMetrics(1, received=2, ack_due=2, ack_on_time=2, response_due=2,
                            response_on_time=1, answered=2),
             2: UnitMetrics(2, received=2, ack_due=2, ack_on_time=2, response_due=2,
                            response_on_time=1, answered=2)}
    scored = {s.unit_id: s for s in score_units(units, Settings(dict(WEIGHTS), prior_strength=0))}
    first = scored[1]
    parts = score.points(first.components)
    assert parts["satisfaction"] is None
    assert sum(p for p in parts.values() if p is not None) == pytest.approx(first.score)
    assert first.score == pytest.approx(59.375)
    assert parts["response"] == pytest.approx(35 * 50 / 80)


# Co-handling ------------------------------------------------------------------


def _helpers(on_time_late_declined: dict[int, tuple[int, int, int]]) -> dict[int, UnitMetrics]:
    """Units that answered their own cases on time (2 of 2) and replied to requests as given."""
    return {unit_id: UnitMetrics(unit_id, received=2, response_due=2, response_on_time=2,
                                 contributions_asked=on_time + late + 1,
                                 contributions_on_time=on_time, contributions_late=late,
                                 contributions_declined=declined)
            for unit_id, (on_time, late, declined) in on_time_late_declined.items()}


def test_the_co_handling_component_is_a_shrunk_rate_weighted_by_the_campaign():
    """Unit 1 replied 3 times by the date and once late (one of the timely replies a decline),
    unit 2 was asked nothing judged yet, unit 3 replied once in time and 3 times late.
    p = 4/8 = 0.5; with k = 4: unit 1 (3 + 2)/(4 + 4) = 0.625, unit 2 p = 0.5, unit 3
    (1 + 2)/8 = 0.375. Answers are all on time (100), weighed 50 against co-handling's 50."""
    units = _helpers({1: (3, 1, 1), 2: (0, 0, 0), 3: (1, 3, 0)})
    weights = dict.fromkeys(WEIGHTS, 0) | {"response": 50, "cohandling": 50}
    scored = {s.unit_id: s for s in score_units(units, Settings(weights, prior_strength=4,
                                                                min_cases=0))}
    first = scored[1].components["cohandling"]
    assert (first["successes"], first["n"], first["prior"]) == (3, 4, 0.5)
    assert first["raw"] == 0.75 and first["shrunk"] == pytest.approx(0.625)
    assert scored[2].components["cohandling"]["value"] == pytest.approx(50)
    assert [scored[u].score for u in (1, 2, 3)] == pytest.approx([81.25, 75, 68.75])
    assert [scored[u].rank for u in (1, 2, 3)] == [1, 2, 3]


def test_a_co_handling_weight_of_zero_keeps_the_figures_but_not_in_the_score():
    units = _helpers({1: (3, 1, 1), 2: (0, 0, 0), 3: (1, 3, 0)})
    weights = dict.fromkeys(WEIGHTS, 0) | {"response": 100}
    scored = {s.unit_id: s for s in score_units(units, Settings(weights, prior_strength=4))}
    assert all(s.score == pytest.approx(100) for s in scored.values())
    component = scored[3].components["cohandling"]
    assert (component["weight"], component["n"], component["value"]) == (0, 4, pytest.approx(37.5))
    assert score.points(scored[3].components)["cohandling"] == 0


def test_no_request_judged_anywhere_leaves_the_component_out():
    """Weighed, but no unit was asked anything due: the other weights count instead."""
    units = _helpers({1: (0, 0, 0), 2: (0, 0, 0)})
    weights = dict.fromkeys(WEIGHTS, 0) | {"response": 90, "cohandling": 10}
    scored = score_units(units, Settings(weights, prior_strength=4))
    assert all(s.components["cohandling"]["value"] is None for s in scored)
    assert all(s.score == pytest.approx(100) for s in scored)


def test_march_scores_with_co_handling_weighed(db, campaign, march):
    """March with the co-handling requests of tests/scoring/test_metrics.py, the campaign
    weighing co-handling 5 taken from works (10). Co-handling: Cục Thuế 1/1, Bảo hiểm Xã hội
    3/7, p = 4/8; with k = 4, Cục Thuế (1 + 2)/5 = 0.6, Bảo hiểm Xã hội 5/11, Đảng ủy Khối p.
    Each score moves from the hand-worked ones of test_march_scores_by_hand by
    −15·works/100 + 10·works/100 + 5·co-handling/100:
      Cục Thuế 58.3294 − 2.5 + 3 = 58.8294; Bảo hiểm Xã hội 76.5510 − 2.5 + 2.2727 = 76.3237;
      Đảng ủy Khối (no works) 59.7560 + 2.5 = 62.2560."""
    from tests.scoring.test_metrics import add_cohandling

    world, refs = march
    add_cohandling(db, world, refs)
    figures = metrics.unit_metrics(*MARCH, now=LATER, campaign_id=campaign.id)
    figures.setdefault(world.root, UnitMetrics(world.root))
    unweighed = {s.unit_id: s.score for s in score_units(figures, Settings.of(campaign))}
    assert unweighed[world.thue] == pytest.approx(58.32936508)  # weight 0: nothing moves
    campaign.weight_works, campaign.weight_cohandling = 10, 5
    db.session.commit()
    scored = {s.unit_id: s for s in score_units(figures, Settings.of(campaign))}
    assert scored[world.thue].components["cohandling"]["shrunk"] == pytest.approx(0.6)
    assert scored[world.bhxh].components["cohandling"]["shrunk"] == pytest.approx(5 / 11)
    assert scored[world.thue].score == pytest.approx(58.82936508)
    assert scored[world.bhxh].score == pytest.approx(76.32374768)
    assert scored[world.root].score == pytest.approx(62.25595238)


def test_the_explanation_names_the_co_handling_component_and_how_it_counts(app):
    found = _explained(app, Settings(dict(WEIGHTS, works=10, cohandling=5)))
    assert "5 × No late transfer + 5 × Co-handling on time + 10 × Campaign works) ÷ 100." \
        in found.steps[5]
    rule = next(c for c in found.components if c.code == "cohandling")
    assert (rule.label, rule.weight, rule.counted) == ("Co-handling on time", 5, True)
    assert "declined by the date" in rule.rule and "withdrawn are not counted" in rule.rule
    unweighed = _explained(app, Settings(dict(WEIGHTS)))
    assert "Co-handling" not in unweighed.steps[5]
    assert next(c for c in unweighed.components if c.code == "cohandling").counted is False
