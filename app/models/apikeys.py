"""API keys for Open311 clients, and the link between a case and the key that filed it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class ApiKey(db.Model):
    """A key an Open311 client sends to file requests. Only a SHA-256 hash of it is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # The first characters of the key, shown to admins so that they can tell keys apart.
    prefix: Mapped[str] = mapped_column(sa.String(16), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
        sa.CheckConstraint("length(secret_hash) = 64", name="hash_is_sha256"),
    )

    @property
    def is_active(self) -> bool:
        """Whether the key still opens the API."""
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiKey {self.prefix} {self.name}>"


class ApiSubmission(db.Model):
    """A case filed through the Open311 API: which key filed it, and what the spec
    sends that a case has no column for (address_id, media_url)."""

    __tablename__ = "api_submissions"

    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cases.id"), primary_key=True, autoincrement=False
    )
    api_key_id: Mapped[int] = mapped_column(sa.ForeignKey("api_keys.id"), index=True)
    address_id: Mapped[str | None] = mapped_column(sa.String(64))
    media_url: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    api_key: Mapped[ApiKey] = relationship()
