"""The unit's answer before it reaches the citizen: drafts, their review, and where none is needed."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.cases import Case, CaseEvent, CaseKind
from app.models.types import UTCDateTime, utcnow
from app.models.units import Unit
from app.models.users import User


class DraftStatus(StrEnum):
    """Where an answer draft stands."""

    IN_REVIEW = "in_review"    # waiting for the unit head or a deputy to sign it off
    APPROVED = "approved"      # published: the citizen reads it
    RETURNED = "returned"      # sent back to its writer with a comment
    WITHDRAWN = "withdrawn"    # the case moved on (transferred, asked the citizen...) meanwhile


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class AnswerDraft(db.Model):
    """An answer an officer wrote, as the unit's leader signs it off or sends it back.

    ``body`` is the text as published once approved (the reviewer may correct it);
    the text as submitted stays on the timeline entry of the submission. The reply
    document (số văn bản, ngày ký, người ký) is optional and shown to the citizen.
    """

    __tablename__ = "answer_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    # The unit the answer goes out under (the unit holding the case when it was written).
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12), default=DraftStatus.IN_REVIEW.value)
    written_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The reviewer's comment when returning it (or a note when approving).
    comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    doc_number: Mapped[str | None] = mapped_column(sa.String(60))
    doc_date: Mapped[date | None] = mapped_column(sa.Date)
    doc_signer: Mapped[str | None] = mapped_column(sa.String(120))
    # The public reply the approved draft became.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_events.id"))
    # When the reviewers were reminded of it (once).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(
        backref=backref("answer_drafts", order_by="AnswerDraft.id", lazy="select")
    )
    unit: Mapped[Unit] = relationship()
    written_by: Mapped[User] = relationship(foreign_keys=[written_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    event: Mapped[CaseEvent | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(_in("status", DraftStatus), name="status_known"),
        sa.CheckConstraint("length(body) > 0", name="body_not_empty"),
        # The reviews waiting in a unit; at most one draft of a case in review at a time.
        sa.Index("ix_answer_drafts_unit_status", "unit_id", "status"),
        sa.Index("uq_answer_drafts_one_in_review", "case_id", unique=True,
                 postgresql_where=sa.text("status = 'in_review'"),
                 sqlite_where=sa.text("status = 'in_review'")),
    )

    def __repr__(self) -> str:
        return f"<AnswerDraft {self.id} of case {self.case_id} {self.status}>"


class SignoffExemption(db.Model):
    """A kind of case whose answers the unit publishes without sign-off (the unit head's choice)."""

    __tablename__ = "signoff_exemptions"

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint(_in("kind", CaseKind), name="kind_known"),)
