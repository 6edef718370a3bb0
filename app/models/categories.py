"""Categories of feedback (lĩnh vực) and the deadline policies they follow."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.units import Unit


class DeadlinePolicy(db.Model):
    """Acknowledgment target in working hours and response target in working days,
    for normal and urgent cases."""

    __tablename__ = "deadline_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    ack_hours: Mapped[int] = mapped_column(default=8)
    response_days: Mapped[int] = mapped_column(default=10)
    urgent_ack_hours: Mapped[int] = mapped_column(default=2)
    urgent_response_days: Mapped[int] = mapped_column(default=3)

    __table_args__ = (
        sa.CheckConstraint(
            "ack_hours > 0 AND response_days > 0 AND urgent_ack_hours > 0 "
            "AND urgent_response_days > 0",
            name="targets_positive",
        ),
    )

    def targets(self, priority: str) -> tuple[int, int]:
        """(acknowledgment working hours, response working days) for a priority."""
        if priority == "urgent":
            return self.urgent_ack_hours, self.urgent_response_days
        return self.ack_hours, self.response_days


class Category(db.Model):
    """A field of feedback; also an Open311 service."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    keywords: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    default_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("deadline_policies.id"))
    asks_location: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    default_unit: Mapped[Unit | None] = relationship()
    policy: Mapped[DeadlinePolicy] = relationship()

    def display_name(self, locale: str = "vi") -> str:
        """The category's name in the reader's language."""
        return self.name_en if locale == "en" else self.name_vi

    def __repr__(self) -> str:
        return f"<Category {self.code}>"
