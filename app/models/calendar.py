"""Exceptions to the working calendar decided by the government each year."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class CalendarDay(db.Model):
    """An extra day off, or a make-up working day (often a Saturday)."""

    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    __table_args__ = (
        sa.CheckConstraint("kind IN ('day_off', 'working_day')", name="kind_known"),
    )
