"""Routing rules: which unit takes a category's cases, in a given ward or anywhere."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.categories import Category
from app.models.types import UTCDateTime, utcnow
from app.models.units import Unit


class RoutingRule(db.Model):
    """Cases of ``category`` in ``ward`` go to ``unit``. An empty ward means any ward;
    a rule for the case's own ward wins over it. ``ward_key`` is the accent-folded
    ward, so "Phường Sài Gòn" and "phuong sai gon" are the same rule."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    ward: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    ward_key: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category: Mapped[Category] = relationship()
    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("category_id", "ward_key", name="uq_routing_rules_category_ward"),
    )

    def __repr__(self) -> str:
        return f"<RoutingRule {self.category_id}/{self.ward_key or '*'} -> {self.unit_id}>"
