"""The one-pass metrics give, for every period at once, exactly the figures the
per-period queries give one period at a time: on a varied month (co-handling
contributions, transfers, reopens, guided cases, extensions, ratings, works), with
cases before and after it, two campaigns and the public year, judged at several instants."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest
from sqlalchemy import event

from app.cases import lifecycle
from app.models import Campaign, Category, Unit
from app.scoring import metrics, metrics_pass, snapshots
from app.scoring.metrics_pass import Window
from tests.factories import make_case
from tests.scoring.test_metrics import (  # noqa: F401 - fixture
    LATER,
    _staff,
    add_cohandling,
    add_guided_and_extended,
    at,
    march,
)
from tests.scoring.test_score import campaign  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("hour_regimes")


@pytest.fixture
def varied(db, march, campaign):  # noqa: F811 - fixtures
    world, refs = march
    add_guided_and_extended(db, world)
    add_cohandling(db, world, refs)
    tax, insurance = db.session.get(Category, world.tax), db.session.get(Category, world.insurance)
    thue, bhxh = _staff(db, "officer_thue"), _staff(db, "officer_bhxh")
    # February: answered late in March; April: transferred, answered, rated, reopened.
    old = make_case(tax, "F1", now=at(16, 9, month=2))
    lifecycle.acknowledge(old, thue, at(17, 9, month=2))
    lifecycle.respond(old, thue, "Trả lời", at(5, 9), signed_off=True)
    moved = make_case(tax, "A1", now=at(6, 9, month=4))
    lifecycle.transfer(moved, thue, db.session.get(Unit, world.bhxh), "Bảo hiểm", at(7, 9, month=4))
    lifecycle.acknowledge(moved, bhxh, at(7, 10, month=4))
    lifecycle.respond(moved, bhxh, "Trả lời", at(9, 9, month=4), signed_off=True)
    lifecycle.rate_answer(moved, 3, "", at(10, 9, month=4), 7)
    lifecycle.reopen(moved, "Chưa rõ", at(10, 10, month=4), 7)
    make_case(insurance, "A2", now=at(8, 9, month=4))  # never touched
    short = Campaign(name="Mùa xuân", starts_on=date(2026, 2, 15), ends_on=date(2026, 4, 10))
    db.session.add(short)
    db.session.commit()
    return [campaign, short]


def _windows(campaigns, now):
    today = now.date()
    out = [(c, p) for c in campaigns for p in snapshots.campaign_periods(c, today)]
    return out + [(None, snapshots.year_period(2026)), (None, snapshots.year_period(2025))]


@pytest.mark.parametrize("now", [at(15, 12), at(1, 0, month=4), at(9, 12, month=4), LATER])
def test_one_pass_equals_the_per_period_queries(db, varied, now):
    periods = _windows(varied, now)
    assert len(periods) > 10
    one_pass = metrics_pass.unit_metrics_of(
        [Window(p.start, p.end, c.id if c else None) for c, p in periods], now)
    compared = 0
    for (c, p), got in zip(periods, one_pass, strict=True):
        expected = metrics.unit_metrics(p.start, p.end, now, c.id if c else None)
        assert {u: asdict(m) for u, m in got.items()} == \
            {u: asdict(m) for u, m in expected.items()}, (c and c.name, p.key)
        compared += sum(m.received for m in expected.values())
    assert compared > 0  # the fixture gives figures to compare


def test_a_period_without_cases_has_no_figures(db, varied):
    empty = snapshots.year_period(2024)
    assert metrics_pass.unit_metrics_of([Window(empty.start, empty.end)], LATER) == [{}]


def test_one_pass_costs_the_same_statements_whatever_the_periods(db, varied):
    few = _windows(varied[:1], at(15, 12))[:2]
    many = _windows(varied, LATER)
    counts = []
    for periods in (few, many):
        statements = []

        def listener(*args, _out=statements):
            _out.append(args[2])

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            metrics_pass.unit_metrics_of(
                [Window(p.start, p.end, c.id if c else None) for c, p in periods], LATER)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(sum(not sql.startswith("SET LOCAL") for sql in statements))
    assert counts[0] == counts[1] == 11
