"""Flask-Login's user loader."""
from __future__ import annotations

from app.extensions import db
from app.models import User


def load_user(user_id: str) -> User | None:
    """The active user behind a session, or None."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None
