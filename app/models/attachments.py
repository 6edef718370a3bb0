"""Photos and documents that come with a case, stored on disk under random names."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.cases import Case, CaseEvent
from app.models.types import UTCDateTime, utcnow
from app.models.users import User

# What we accept, by detected content, and the extension the stored file gets.
CONTENT_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


class Uploader(StrEnum):
    """Who sent the file."""

    CITIZEN = "citizen"
    OFFICER = "officer"
    OPERATOR = "operator"


class Attachment(db.Model):
    """One file of a case. The original name is for display only; the file on disk
    has a random name. ``event`` is the timeline entry the file belongs to, if any
    (a citizen's reply, the unit's public answer); an officer's file without an event
    is a draft, published with the next answer. A file with ``request_id`` belongs to a
    co-handling unit's contribution: the lead unit reads it, the citizen never does."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_events.id"), index=True)
    # A co-handling unit's file, part of its contribution (never published with the answer).
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohandling_requests.id"),
                                                   index=True)
    uploaded_by: Mapped[str] = mapped_column(sa.String(16))
    uploader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(
        backref=backref("attachments", order_by="Attachment.id", lazy="select")
    )
    event: Mapped[CaseEvent | None] = relationship()
    uploader: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "uploaded_by IN ('citizen', 'officer', 'operator')", name="uploaded_by_known"
        ),
        sa.CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')",
            name="content_type_known",
        ),
        sa.CheckConstraint("size > 0", name="size_positive"),
    )

    @property
    def is_image(self) -> bool:
        """Whether the file is a photo (shown inline) rather than a document."""
        return self.content_type.startswith("image/")

    def __repr__(self) -> str:
        return f"<Attachment {self.id} of case {self.case_id}>"
