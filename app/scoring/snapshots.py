"""Score snapshots: compute a period's figures once, store them, serve pages from them.

Periods are [start, end) in Ho Chi Minh City time, stored as UTC instants:
a campaign's whole period ("all"), its months ("2023-03") and quarters
("2023-Q1"), and for /transparency a calendar year ("2023", no campaign).
A computation writes one row per unit, dated with the local day it ran;
running again the same day replaces that day's rows (idempotent), a later day
adds rows (history, for trends and rank changes).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.core.timeutil import LOCAL_TZ, to_local
from app.extensions import db
from app.models import Campaign, CampaignStatus, ScoreSnapshot, Unit
from app.org.units import receiving_units
from app.scoring import metrics as metric_queries
from app.scoring import metrics_pass
from app.scoring.metrics_pass import Window
from app.scoring.score import Settings, score_units

SNAPSHOT_FIELDS = (
    "received", "ack_due", "ack_on_time", "response_due", "response_on_time",
    "response_on_time_original", "open_overdue", "median_minutes", "p90_minutes", "rated",
    "rating_sum", "rated_high", "answered", "reopened", "transfers_out", "late_transfers",
    "rejected", "guided", "extensions_used", "works_registered", "works_completed",
    "contributions_asked", "contributions_on_time", "contributions_late", "contributions_declined",
)


@dataclass(frozen=True)
class Period:
    """A named span [start, end) of local days."""

    key: str
    first_day: date
    end_day: date  # exclusive

    @property
    def start(self) -> datetime:
        return local_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        return local_midnight(self.end_day)


def local_midnight(day: date) -> datetime:
    """The instant a local day begins in Ho Chi Minh City."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def campaign_periods(campaign: Campaign, today: date | None = None) -> list[Period]:
    """The campaign's whole period, then its quarters and months begun by ``today``."""
    first, end = campaign.starts_on, campaign.ends_on + timedelta(days=1)
    periods = [Period("all", first, end)]
    month = date(first.year, first.month, 1)
    quarters: dict[str, Period] = {}
    while month < end and (today is None or month <= today):
        month_end = _next_month(month)
        periods.append(Period(f"{month:%Y-%m}", max(month, first), min(month_end, end)))
        q = (month.month - 1) // 3 + 1
        q_start = date(month.year, 3 * q - 2, 1)
        q_end = date(month.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
        quarters.setdefault(f"{month.year}-Q{q}",
                            Period(f"{month.year}-Q{q}", max(q_start, first), min(q_end, end)))
        month = month_end
    return periods + list(quarters.values())


def year_period(year: int) -> Period:
    """A calendar year, for the public figures."""
    return Period(str(year), date(year, 1, 1), date(year + 1, 1, 1))


def refresh(campaign: Campaign | None, period: Period, now: datetime) -> int:
    """Compute and store every active unit's figures (and score) for one period."""
    return refresh_all([(campaign, period)], now)


def refresh_all(periods: list[tuple[Campaign | None, Period]], now: datetime) -> int:
    """Compute and store every active unit's figures (and score) for each (campaign or
    None for the public figures, period), all periods in one pass over the rows
    (app/scoring/metrics_pass.py).

    Only units that handle citizens' cases get figures: the campaign-only
    organisations are neither scored nor ranked on cases, and the all-unit rates
    that every score leans on are those of the case-handling units.
    """
    if not periods:
        return 0
    windows = [Window(period.start, period.end, campaign.id if campaign else None)
               for campaign, period in periods]
    computed = metrics_pass.unit_metrics_of(windows, now)
    campaign_only = set(db.session.scalars(sa.select(Unit.id).where(~Unit.handles_cases)))
    units = db.session.scalars(sa.select(Unit.id).where(receiving_units())).all()
    as_of = to_local(now).date()
    rows = []
    for (campaign, period), figures in zip(periods, computed, strict=True):
        figures = {unit_id: m for unit_id, m in figures.items() if unit_id not in campaign_only}
        for unit_id in units:
            figures.setdefault(unit_id, metric_queries.UnitMetrics(unit_id))
        rows += _snapshot_rows(campaign, period, figures, now, as_of)
    # One delete per scope and day: the periods recomputed are replaced.
    by_scope: dict[int | None, list[str]] = {}
    for campaign, period in periods:
        by_scope.setdefault(campaign.id if campaign else None, []).append(period.key)
    for campaign_id, keys in by_scope.items():
        db.session.execute(
            sa.delete(ScoreSnapshot).where(
                _scope(campaign_id), ScoreSnapshot.period_key.in_(keys),
                ScoreSnapshot.as_of == as_of,
            )
        )
    if rows:
        db.session.execute(sa.insert(ScoreSnapshot), rows)
    return len(rows)


def _snapshot_rows(campaign, period: Period, figures, now: datetime, as_of: date) -> list[dict]:
    scored = {s.unit_id: s for s in score_units(figures, Settings.of(campaign))} if campaign else {}
    campaign_id = campaign.id if campaign else None
    rows = []
    for unit_id, m in figures.items():
        row = {name: getattr(m, name) for name in SNAPSHOT_FIELDS}
        s = scored.get(unit_id)
        rows.append(dict(
            row, campaign_id=campaign_id, period_key=period.key, period_start=period.start,
            period_end=period.end, as_of=as_of, unit_id=unit_id, computed_at=now,
            components=s.components if s else {}, score=s.score if s else None,
            rank=s.rank if s else None,
        ))
    return rows


def recompute(now: datetime, campaign_id: int | None = None, period_key: str | None = None) -> int:
    """Recompute the snapshots of one or every campaign, for one or every period begun by now,
    all in one pass.

    Without a campaign, the public figures of the current year are refreshed too.
    """
    stmt = sa.select(Campaign).order_by(Campaign.starts_on)
    if campaign_id is not None:
        stmt = stmt.where(Campaign.id == campaign_id)
    today = to_local(now).date()
    wanted: list[tuple[Campaign | None, Period]] = []
    for campaign in db.session.scalars(stmt).all():
        for period in campaign_periods(campaign, today):
            if period_key is None or period.key == period_key:
                wanted.append((campaign, period))
    if campaign_id is None and period_key in (None, str(today.year)):
        wanted.append((None, year_period(today.year)))
    return refresh_all(wanted, now)


def refresh_current(now: datetime) -> int:
    """The nightly refresh: open campaigns' whole period, this and last month and quarter,
    and this year's public figures. Idempotent within a day."""
    today = to_local(now).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    wanted_keys = {"all", f"{today:%Y-%m}", f"{last_month:%Y-%m}",
              f"{today.year}-Q{(today.month - 1) // 3 + 1}",
              f"{last_month.year}-Q{(last_month.month - 1) // 3 + 1}"}
    campaigns = db.session.scalars(
        sa.select(Campaign).where(Campaign.status == CampaignStatus.OPEN.value)
    ).all()
    wanted: list[tuple[Campaign | None, Period]] = [
        (campaign, period) for campaign in campaigns
        for period in campaign_periods(campaign, today) if period.key in wanted_keys
    ]
    return refresh_all(wanted + [(None, year_period(today.year))], now)


# Reading -------------------------------------------------------------------


def _scope(campaign_id: int | None):
    if campaign_id is None:
        return ScoreSnapshot.campaign_id.is_(None)
    return ScoreSnapshot.campaign_id == campaign_id


def latest_as_of(campaign_id: int | None, period_key: str, before: date | None = None):
    """The day of the latest computation of a period (optionally before a day)."""
    stmt = sa.select(sa.func.max(ScoreSnapshot.as_of)).where(
        _scope(campaign_id), ScoreSnapshot.period_key == period_key
    )
    if before is not None:
        stmt = stmt.where(ScoreSnapshot.as_of < before)
    return db.session.scalar(stmt)


def snapshot_rows(campaign_id: int | None, period_key: str, as_of: date, unit_ids=None):
    """The stored rows of one computation, with their units, best rank first."""
    from sqlalchemy.orm import joinedload

    stmt = (
        sa.select(ScoreSnapshot)
        .where(_scope(campaign_id), ScoreSnapshot.period_key == period_key,
               ScoreSnapshot.as_of == as_of)
        .options(joinedload(ScoreSnapshot.unit).selectinload(Unit.former_names))
        .order_by(ScoreSnapshot.rank.is_(None), ScoreSnapshot.rank,
                  ScoreSnapshot.score.desc(), ScoreSnapshot.unit_id)
    )
    if unit_ids is not None:
        stmt = stmt.where(ScoreSnapshot.unit_id.in_(unit_ids))
    return db.session.scalars(stmt).all()


def ranks_on(campaign_id: int, period_key: str, as_of: date | None) -> dict[int, int | None]:
    """{unit id: rank} of one computation (empty when there is none)."""
    if as_of is None:
        return {}
    rows = db.session.execute(
        sa.select(ScoreSnapshot.unit_id, ScoreSnapshot.rank).where(
            _scope(campaign_id), ScoreSnapshot.period_key == period_key,
            ScoreSnapshot.as_of == as_of)
    )
    return dict(rows.all())


def monthly_series(campaign_id: int | None, unit_ids=None) -> dict[int, list[ScoreSnapshot]]:
    """Each unit's month snapshots (the latest computation of each month), in month order."""
    months = (
        sa.select(ScoreSnapshot.period_key, sa.func.max(ScoreSnapshot.as_of).label("as_of"))
        .where(_scope(campaign_id), sa.func.length(ScoreSnapshot.period_key) == 7,
               ScoreSnapshot.period_key.not_like("%Q%"))
        .group_by(ScoreSnapshot.period_key)
        .subquery()
    )
    stmt = (
        sa.select(ScoreSnapshot)
        .join(months, sa.and_(months.c.period_key == ScoreSnapshot.period_key,
                              months.c.as_of == ScoreSnapshot.as_of))
        .where(_scope(campaign_id))
        .order_by(ScoreSnapshot.unit_id, ScoreSnapshot.period_key)
    )
    if unit_ids is not None:
        stmt = stmt.where(ScoreSnapshot.unit_id.in_(unit_ids))
    series: dict[int, list[ScoreSnapshot]] = {}
    for row in db.session.scalars(stmt):
        series.setdefault(row.unit_id, []).append(row)
    return series
