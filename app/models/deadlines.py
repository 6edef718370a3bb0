"""Deadline regimes (how long each kind of case may take) and extensions of a case's deadline."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.cases import CaseKind
from app.models.categories import Category
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class CountUnit(StrEnum):
    """How a deadline's amount is counted."""

    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


DAY_UNITS = (CountUnit.WORKING_DAYS, CountUnit.CALENDAR_DAYS)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class DeadlineRegime(db.Model):
    """The deadlines of one kind of case, for all categories and priorities or for one of each.

    The most specific row applies: kind + category + priority, then kind + category,
    then kind + priority, then the kind alone (which always exists).
    """

    __tablename__ = "deadline_regimes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"))
    priority: Mapped[str | None] = mapped_column(sa.String(8))
    # The first step: the unit takes the case up (tiếp nhận, thụ lý, xử lý ban đầu).
    first_step_amount: Mapped[int] = mapped_column()
    first_step_unit: Mapped[str] = mapped_column(sa.String(16))
    # The answer (giải quyết, trả lời), counted from receipt, or from the first step when
    # the law counts it from acceptance (khiếu nại, tố cáo).
    resolution_amount: Mapped[int] = mapped_column()
    resolution_unit: Mapped[str] = mapped_column(sa.String(16))
    resolution_from_first_step: Mapped[bool] = mapped_column(default=False,
                                                             server_default=sa.false())
    max_extensions: Mapped[int] = mapped_column(default=0, server_default="0")
    extension_amount: Mapped[int] = mapped_column(default=0, server_default="0")
    extension_unit: Mapped[str] = mapped_column(sa.String(16), default=CountUnit.CALENDAR_DAYS.value,
                                                server_default=CountUnit.CALENDAR_DAYS.value)
    legal_source: Mapped[str] = mapped_column(sa.String(400), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[Category | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(_in("kind", CaseKind), name="kind_known"),
        sa.CheckConstraint("priority IS NULL OR priority IN ('normal', 'urgent')",
                           name="priority_known"),
        sa.CheckConstraint(_in("first_step_unit", CountUnit), name="first_step_unit_known"),
        sa.CheckConstraint(_in("resolution_unit", CountUnit), name="resolution_unit_known"),
        sa.CheckConstraint(_in("extension_unit", CountUnit), name="extension_unit_known"),
        sa.CheckConstraint("first_step_amount > 0 AND resolution_amount > 0", name="amounts_positive"),
        sa.CheckConstraint("max_extensions >= 0 AND extension_amount >= 0",
                           name="extensions_not_negative"),
        sa.Index("uq_deadline_regimes_scope", "kind", sa.text("coalesce(category_id, 0)"),
                 sa.text("coalesce(priority, '')"), unique=True),
    )

    def __repr__(self) -> str:
        return f"<DeadlineRegime {self.kind} {self.category_id} {self.priority}>"


class ExtensionStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"


class CaseExtension(db.Model):
    """An officer's request to extend a case's answer deadline, and the unit head's decision."""

    __tablename__ = "case_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(sa.Text)
    # The last day asked for (local date), and the due instant it replaces.
    new_last_day: Mapped[date] = mapped_column(sa.Date)
    previous_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(12), default=ExtensionStatus.REQUESTED.value)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("status", ExtensionStatus), name="status_known"),
        sa.CheckConstraint("length(reason) > 0", name="reason_not_empty"),
    )
