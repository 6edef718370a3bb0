"""Units: the responsible bodies, arranged in a tree under the Khối's Party committee."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Unit(db.Model):
    """A responsible body (Party committee, department, agency). Never deleted once used."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # False for organisations that only take part in the campaign (party cells,
    # mass-organisation branches): they receive no case and are not scored on cases.
    handles_cases: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    former_names: Mapped[list[UnitName]] = relationship(
        back_populates="unit", order_by="UnitName.valid_until", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        sa.CheckConstraint("length(code) > 0", name="code_not_empty"),
    )

    def display_name(self, locale: str = "vi") -> str:
        """The unit's name in the reader's language, Vietnamese when no translation exists."""
        if locale == "en" and self.name_en:
            return self.name_en
        return self.name

    def name_on(self, day: date | None, locale: str = "vi") -> str:
        """The name the unit had on ``day`` (today's name for None or a day after its renamings)."""
        if day is not None:
            for former in self.former_names:
                if day <= former.valid_until:
                    if locale == "en" and former.name_en:
                        return former.name_en
                    return former.name
        return self.display_name(locale)

    def era_name(self, day: date | None, locale: str = "vi") -> str | None:
        """The name of ``day`` when it differs from today's, else None."""
        then = self.name_on(day, locale)
        return then if then != self.display_name(locale) else None

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class UnitName(db.Model):
    """A name a unit had until a reorganisation, kept for pages about past periods."""

    __tablename__ = "unit_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    valid_until: Mapped[date] = mapped_column(sa.Date)  # the last day the name was in use

    unit: Mapped[Unit] = relationship(back_populates="former_names")

    __table_args__ = (
        sa.UniqueConstraint("unit_id", "valid_until"),
        sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
    )
