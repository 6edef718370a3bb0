"""The "Dân vận khéo" campaigns: fields, registered works and commendations."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.units import Unit

# Score components, in the order pages show them. Default weights sum to 100; co-handling
# counts for nothing until a campaign weighs it.
COMPONENTS = ("ack", "response", "satisfaction", "reopen", "transfer", "cohandling", "works")
DEFAULT_WEIGHTS = {
    "ack": 15, "response": 35, "satisfaction": 20, "reopen": 10, "transfer": 5, "cohandling": 0,
    "works": 15,
}


class CampaignStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class WorkStatus(StrEnum):
    """A registered work moves forward only: registered → in progress → completed → recognised."""

    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    RECOGNISED = "recognised"


class CommendationLevel(StrEnum):
    KHOI = "khoi"
    CITY = "city"


class CommendationKind(StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Campaign(db.Model):
    """A year's "Dân vận khéo" emulation campaign: its period, fields and score settings."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)  # inclusive, as the committee writes it
    status: Mapped[str] = mapped_column(sa.String(8), default=CampaignStatus.OPEN.value)
    weight_ack: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["ack"])
    weight_response: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["response"])
    weight_satisfaction: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["satisfaction"])
    weight_reopen: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["reopen"])
    weight_transfer: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["transfer"])
    weight_works: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["works"])
    # Co-handling units' contributions on time (0 in campaigns made before it existed).
    weight_cohandling: Mapped[int] = mapped_column(default=0, server_default="0")
    # The all-unit rate counts as this many cases in every unit's shrunk rate.
    prior_strength: Mapped[int] = mapped_column(default=20)
    min_cases: Mapped[int] = mapped_column(default=10)
    # Works a unit needs (registered, and completed) for the full works component.
    works_target: Mapped[int] = mapped_column(default=2)
    khoi_threshold: Mapped[int] = mapped_column(default=80)
    city_threshold: Mapped[int] = mapped_column(default=90)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    fields: Mapped[list[CampaignField]] = relationship(
        back_populates="campaign", order_by="CampaignField.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        sa.CheckConstraint(_in("status", CampaignStatus), name="status_known"),
        sa.CheckConstraint(
            "weight_ack >= 0 AND weight_response >= 0 AND weight_satisfaction >= 0 "
            "AND weight_reopen >= 0 AND weight_transfer >= 0 AND weight_works >= 0 "
            "AND weight_cohandling >= 0 "
            "AND weight_ack + weight_response + weight_satisfaction + weight_reopen "
            "+ weight_transfer + weight_works + weight_cohandling = 100",
            name="weights_sum_to_100",
        ),
        sa.CheckConstraint(
            "prior_strength >= 0 AND min_cases >= 0 AND works_target > 0", name="settings_positive"
        ),
        sa.CheckConstraint(
            "khoi_threshold BETWEEN 0 AND 100 AND city_threshold BETWEEN 0 AND 100",
            name="thresholds_range",
        ),
        sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    @property
    def weights(self) -> dict[str, int]:
        """The weight of each score component (they sum to 100)."""
        return {code: getattr(self, f"weight_{code}") for code in COMPONENTS}

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    def __repr__(self) -> str:
        return f"<Campaign {self.name}>"


class CampaignField(db.Model):
    """A field (lĩnh vực) in which units register their works, e.g. administrative reform."""

    __tablename__ = "campaign_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="fields")

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "code", name="uq_campaign_fields_code"),
        sa.CheckConstraint("length(code) > 0", name="code_not_empty"),
    )

    def display_name(self, locale: str = "vi") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi


class CampaignWork(db.Model):
    """A "Dân vận khéo" work (công trình, mô hình) a unit registered in a campaign."""

    __tablename__ = "campaign_works"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    field_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign_fields.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=WorkStatus.REGISTERED.value)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recognised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
    field: Mapped[CampaignField] = relationship()
    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        sa.CheckConstraint(_in("status", WorkStatus), name="status_known"),
        sa.CheckConstraint("length(title) > 0", name="title_not_empty"),
    )


class Commendation(db.Model):
    """A collective (a unit) or an individual commended at Khối or city level."""

    __tablename__ = "commendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(8))
    kind: Mapped[str] = mapped_column(sa.String(12))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    person_name: Mapped[str | None] = mapped_column(sa.String(120))
    citation: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        sa.CheckConstraint(_in("level", CommendationLevel), name="level_known"),
        sa.CheckConstraint(_in("kind", CommendationKind), name="kind_known"),
        sa.CheckConstraint(
            "(kind = 'individual' AND person_name IS NOT NULL AND length(person_name) > 0) "
            "OR (kind = 'collective' AND person_name IS NULL)",
            name="person_for_individuals",
        ),
    )
