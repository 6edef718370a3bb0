"""Co-handling: the lead unit (đơn vị chủ trì) asks other units (đơn vị phối hợp) for input."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.cases import Case
from app.models.types import UTCDateTime, utcnow
from app.models.units import Unit
from app.models.users import User


class RequestStatus(StrEnum):
    """Where a co-handling request stands."""

    OPEN = "open"            # asked, not yet answered
    ANSWERED = "answered"    # the asked unit contributed
    DECLINED = "declined"    # the asked unit declined, with a reason
    WITHDRAWN = "withdrawn"  # no longer needed: the case was answered or ended meanwhile


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class CoHandlingRequest(db.Model):
    """One unit's input asked for on a case, by a date, and what it gave.

    The lead unit is the unit that asked (the case's holder then); the asked unit reads
    the case as far as the request needs, without the citizen's contact unless
    ``share_contact``. ``last_day`` is the date asked for; ``due_at`` the instant the
    day ends (local midnight after it), compared as every deadline is.
    """

    __tablename__ = "cohandling_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    lead_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    question: Mapped[str] = mapped_column(sa.Text)
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_day: Mapped[date] = mapped_column(sa.Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    share_contact: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    status: Mapped[str] = mapped_column(sa.String(12), default=RequestStatus.OPEN.value)
    # The contribution, or the reason for declining.
    reply: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # When it was answered, declined or withdrawn.
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(
        backref=backref("cohandling_requests", order_by="CoHandlingRequest.id", lazy="select")
    )
    lead_unit: Mapped[Unit] = relationship(foreign_keys=[lead_unit_id])
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("status", RequestStatus), name="status_known"),
        sa.CheckConstraint("length(question) > 0", name="question_not_empty"),
        sa.CheckConstraint("unit_id <> lead_unit_id", name="not_own_unit"),
        # The asked unit's list and sweeps; contributions per unit over a period.
        sa.Index("ix_cohandling_requests_unit_status_due", "unit_id", "status", "due_at"),
        sa.Index("ix_cohandling_requests_unit_asked", "unit_id", "asked_at"),
        # One open request per case and unit.
        sa.Index("uq_cohandling_requests_one_open", "case_id", "unit_id", unique=True,
                 postgresql_where=sa.text("status = 'open'"),
                 sqlite_where=sa.text("status = 'open'")),
    )

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    def __repr__(self) -> str:
        return f"<CoHandlingRequest {self.id} case {self.case_id} → unit {self.unit_id} {self.status}>"
