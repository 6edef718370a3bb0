"""Staff accounts. Citizens have no account: they hold a tracking code."""
from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.units import Unit


class Role(StrEnum):
    """What a staff member does in the product."""

    OPERATOR = "operator"
    OFFICER = "officer"
    UNIT_HEAD = "unit_head"
    COMMITTEE = "committee"
    ADMIN = "admin"


# The staff of a unit: they belong to one and work its cases. The one list of them.
UNIT_STAFF_ROLES = (Role.OFFICER, Role.UNIT_HEAD)


def _sql_list(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


def new_session_token() -> str:
    """A fresh random value that signed-in sessions and remember cookies must carry."""
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    """A staff member. Deactivated, never deleted."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # An officer the unit head named as deputy: signs the unit's answers off as a head does.
    signs_off: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember cookie; changing it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(
        sa.String(32), default=new_session_token, server_default=""
    )

    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            f"role IN ({_sql_list(Role)})",
            name="role_known",
        ),
        sa.CheckConstraint(
            f"role NOT IN ({_sql_list(UNIT_STAFF_ROLES)}) OR unit_id IS NOT NULL",
            name="unit_staff_have_unit",
        ),
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: id and session token."""
        return f"{self.id}:{self.session_token or ''}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie of this user."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of the password."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
