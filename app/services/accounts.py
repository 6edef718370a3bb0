"""Staff accounts: sign-in checks."""
from __future__ import annotations

from datetime import datetime
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import User


@cache
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so both paths take as long."""
    return generate_password_hash("not-a-password", method="scrypt")


def authenticate(email: str, password: str, now: datetime) -> User | None:
    """The active user with this email and password, or None. Records the sign-in time."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = now
    return user


def landing_endpoint(user: User) -> str:
    """Where a user starts after signing in: the case queue."""
    return "cases.queue"
