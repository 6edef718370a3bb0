"""What the scorecard pages show, read from snapshots: a bounded number of queries per page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.cases import access
from app.core.errors import NotPermitted
from app.core.timeutil import to_local
from app.extensions import db
from app.models import Campaign, Case, ScoreSnapshot, Unit, User
from app.models.campaigns import COMPONENTS
from app.org.units import descendant_ids
from app.scoring import score, snapshots
from app.scoring.metrics import unit_due_dates_for_cases

LATE_CASES_SHOWN = 50


def all_units() -> list[Unit]:
    """Every unit, for trees and filters (one query; the tree is small)."""
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.parent_id.is_not(None), Unit.code)))


def subtree(units: list[Unit], root_id: int) -> set[int]:
    """The unit and every unit under it, from the loaded tree."""
    return {root_id} | descendant_ids(root_id, {unit.id: unit.parent_id for unit in units})


def period_label(key: str, gettext) -> str:
    """A period key as people read it."""
    if key == "all":
        return gettext("Whole campaign")
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return gettext("Quarter %(q)s/%(year)s", q=quarter, year=year)
    if len(key) == 7:
        return f"{key[5:]}/{key[:4]}"
    return key


@dataclass
class Scorecard:
    """The ranked table for one campaign, period and unit subtree."""

    campaigns: list[Campaign]
    campaign: Campaign | None
    period_key: str
    period_keys: list[str]
    units: list[Unit]
    # The units the user may narrow the table to: the ones whose scores they read.
    unit_choices: list[Unit]
    unit_filter: int | None
    as_of: date | None
    rows: list[ScoreSnapshot] = field(default_factory=list)
    previous_ranks: dict[int, int | None] = field(default_factory=dict)
    series: dict[int, list[ScoreSnapshot]] = field(default_factory=dict)

    @property
    def parent_ids(self) -> set[int]:
        """Units that have units under them (from the loaded list: no query per unit)."""
        return {u.parent_id for u in self.units if u.parent_id is not None}

    @property
    def how(self) -> score.Explanation | None:
        """How the campaign's score is made, written out from the formula itself."""
        return score.explain(score.Settings.of(self.campaign)) if self.campaign else None

    @property
    def table_components(self) -> list[str]:
        """The components the ranked table has a column for: those the campaign weighs.

        A component weighed 0 moves no rank; its figures are on the unit page and in the
        export, and the table stays narrow enough to read.
        """
        weights = self.campaign.weights if self.campaign else {}
        return [code for code in COMPONENTS if weights.get(code, 0)]

    @staticmethod
    def points(row: ScoreSnapshot) -> dict[str, float | None]:
        """Each component's part of the row's score (the parts add up to the score)."""
        return score.points(row.components)

    @staticmethod
    def computation(component: dict) -> str:
        """A component's value worked out with its numbers."""
        return score.computation(component)

    @property
    def rows_with_cases(self) -> list[ScoreSnapshot]:
        """The rows the table shows: units that received a case in the period, ranked first."""
        return [row for row in self.rows if row.received]

    @property
    def rows_without_cases(self) -> list[ScoreSnapshot]:
        """Units without a case in the period: no score to show, listed apart by name."""
        return [row for row in self.rows if not row.received]

    def sparkline_values(self, unit_id: int) -> list[float | None]:
        """The unit's monthly scores, a month without cases as no point (None)."""
        return [s.score if s is not None and s.received else None
                for _key, s in self.months(unit_id)]

    @property
    def month_keys(self) -> list[str]:
        """Every month of the campaign begun so far ("2026-01"), in order."""
        return sorted(key for key in self.period_keys if len(key) == 7 and "-Q" not in key)

    def months(self, unit_id: int) -> list[tuple[str, ScoreSnapshot | None]]:
        """Every month of the campaign with the unit's snapshot, None for a month not computed.

        Charts and the monthly table show each month, so that a gap reads as a gap.
        """
        by_key = {s.period_key: s for s in self.series.get(unit_id, [])}
        return [(key, by_key.get(key)) for key in self.month_keys]

    def rank_change(self, row: ScoreSnapshot) -> int | None:
        """Places gained (positive) or lost since the previous computation."""
        before = self.previous_ranks.get(row.unit_id)
        if before is None or row.rank is None:
            return None
        return before - row.rank


def _choose_campaign(campaigns: list[Campaign], campaign_id: int | None) -> Campaign | None:
    chosen = next((c for c in campaigns if c.id == campaign_id), None)
    if chosen is None:
        chosen = next((c for c in campaigns if c.is_open), campaigns[0] if campaigns else None)
    return chosen


def scorecard(user: User, now: datetime, campaign_id: int | None = None,
              period_key: str | None = None, unit_id: int | None = None) -> Scorecard:
    """The scorecard the user asked for, from the latest snapshots."""
    campaigns = list(db.session.scalars(sa.select(Campaign).order_by(Campaign.starts_on.desc())))
    units = all_units()
    campaign = _choose_campaign(campaigns, campaign_id)
    keys = [p.key for p in snapshots.campaign_periods(campaign, to_local(now).date())] \
        if campaign else []
    if period_key not in keys:
        period_key = "all"
    allowed = access.scorecard_unit_ids(user, units)
    wanted = allowed
    if unit_id is not None:
        if unit_id not in {unit.id for unit in units} or (allowed is not None
                                                            and unit_id not in allowed):
            # Asked for a unit the user may not read: refused, never silently widened.
            raise NotPermitted(_l("You may not see the scores of this unit."))
        wanted = subtree(units, unit_id)
    choices = units if allowed is None else [unit for unit in units if unit.id in allowed]
    card = Scorecard(campaigns, campaign, period_key, keys, units, choices, unit_id, None)
    if campaign is None:
        return card
    card.as_of = snapshots.latest_as_of(campaign.id, period_key)
    if card.as_of is None:
        return card
    card.rows = snapshots.snapshot_rows(campaign.id, period_key, card.as_of, wanted)
    previous = snapshots.latest_as_of(campaign.id, period_key, before=card.as_of)
    card.previous_ranks = snapshots.ranks_on(campaign.id, period_key, previous)
    card.series = snapshots.monthly_series(campaign.id, wanted)
    return card


def late_cases(unit: Unit, start: datetime, end: datetime, now: datetime) -> list[Case]:
    """The unit's cases answered late, or unanswered past due, with a due time in the period."""
    latest, arrival, due = unit_due_dates_for_cases()
    late = sa.or_(Case.responded_at > due, sa.and_(Case.responded_at.is_(None), due < now))
    return list(db.session.scalars(
        sa.select(Case)
        .join(latest, latest.c.case_id == Case.id)
        .join(arrival, arrival.id == latest.c.event_id)
        .where(Case.unit_id == unit.id, Case.status != "rejected", due >= start, due < end, late)
        .order_by(due)
        .limit(LATE_CASES_SHOWN)
    ))
