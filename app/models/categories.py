"""Categories of feedback (lĩnh vực); also the Open311 services."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.units import Unit


class Category(db.Model):
    """A field of feedback; also an Open311 service."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    keywords: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    default_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    asks_location: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    default_unit: Mapped[Unit | None] = relationship()

    def display_name(self, locale: str = "vi") -> str:
        """The category's name in the reader's language."""
        return self.name_en if locale == "en" else self.name_vi

    def __repr__(self) -> str:
        return f"<Category {self.code}>"
