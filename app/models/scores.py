"""Score snapshots: each unit's metrics and campaign score for one period, as computed."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.units import Unit


class ScoreSnapshot(db.Model):
    """One unit's figures over one period, computed on one day.

    ``campaign_id`` is NULL for the public figures of /transparency (no score).
    ``period_key`` is "all" (the campaign's whole period), "YYYY-MM", "YYYY-Qn" or
    "YYYY" (public). A later computation on another day adds rows (history);
    recomputing on the same day replaces that day's rows.
    """

    __tablename__ = "score_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"))
    period_key: Mapped[str] = mapped_column(sa.String(8))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    as_of: Mapped[date] = mapped_column(sa.Date)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    received: Mapped[int] = mapped_column(default=0)
    ack_due: Mapped[int] = mapped_column(default=0)
    ack_on_time: Mapped[int] = mapped_column(default=0)
    response_due: Mapped[int] = mapped_column(default=0)
    response_on_time: Mapped[int] = mapped_column(default=0)
    # On time against the answer's due time before any extension.
    response_on_time_original: Mapped[int] = mapped_column(default=0, server_default="0")
    answered: Mapped[int] = mapped_column(default=0)
    median_minutes: Mapped[float | None] = mapped_column(sa.Float)
    p90_minutes: Mapped[float | None] = mapped_column(sa.Float)
    open_overdue: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    rated_high: Mapped[int] = mapped_column(default=0)
    reopened: Mapped[int] = mapped_column(default=0)
    transfers_out: Mapped[int] = mapped_column(default=0)
    late_transfers: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    guided: Mapped[int] = mapped_column(default=0, server_default="0")
    extensions_used: Mapped[int] = mapped_column(default=0, server_default="0")
    # As a co-handling unit: input asked of it, given by the date, given late (or still
    # owed past the date), declined.
    contributions_asked: Mapped[int] = mapped_column(default=0, server_default="0")
    contributions_on_time: Mapped[int] = mapped_column(default=0, server_default="0")
    contributions_late: Mapped[int] = mapped_column(default=0, server_default="0")
    contributions_declined: Mapped[int] = mapped_column(default=0, server_default="0")
    works_registered: Mapped[int] = mapped_column(default=0)
    works_completed: Mapped[int] = mapped_column(default=0)
    # {component: {"n", "successes", "raw", "prior", "shrunk", "value", "weight"}}
    components: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    score: Mapped[float | None] = mapped_column(sa.Float)
    rank: Mapped[int | None] = mapped_column()

    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        sa.UniqueConstraint(
            "campaign_id", "period_key", "as_of", "unit_id", name="uq_score_snapshots_key"
        ),
        sa.Index("ix_score_snapshots_lookup", "campaign_id", "period_key", "as_of"),
        sa.CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_range"),
    )

    @property
    def ack_rate(self) -> float | None:
        return self.ack_on_time / self.ack_due if self.ack_due else None

    @property
    def response_rate(self) -> float | None:
        return self.response_on_time / self.response_due if self.response_due else None

    @property
    def response_rate_original(self) -> float | None:
        """The share of answers due that were on time against the date before extensions."""
        return self.response_on_time_original / self.response_due if self.response_due else None

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None

    @property
    def high_rating_rate(self) -> float | None:
        return self.rated_high / self.rated if self.rated else None

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.answered if self.answered else None

    @property
    def contributions_judged(self) -> int:
        """Requests asked of the unit as a co-handling unit that were replied to or are past due."""
        return self.contributions_on_time + self.contributions_late

    @property
    def contribution_rate(self) -> float | None:
        """The share of those replied to (answered or declined) by the date asked."""
        judged = self.contributions_judged
        return self.contributions_on_time / judged if judged else None

    @property
    def rejected_rate(self) -> float | None:
        return self.rejected / self.received if self.received else None
