"""Flask-Login's user loader."""
from __future__ import annotations

import hmac

from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import User


def load_user(session_id: str) -> User | None:
    """The active user behind a session or remember cookie, or None.

    The stored value is ``User.get_id()``: the id and the user's session token. A
    session made before the token changed (password change, deactivation) no
    longer matches, so it ends.
    """
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    # The unit comes in the same statement: most pages show it.
    user = db.session.get(User, int(user_id), options=[joinedload(User.unit)])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(token.encode(), (user.session_token or "").encode()):
        return None
    return user
