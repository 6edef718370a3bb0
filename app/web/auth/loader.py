"""Flask-Login's user loader."""
from __future__ import annotations

import hmac

from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import User
from app.web.auth.sessions import parse_identity, remembered_sign_in_expired


def load_user(session_id: str) -> User | None:
    """The active user behind a session or remember cookie, or None.

    The stored value is ``sessions.identity``: the id, the user's session token and the
    time of sign-in. A session made before the token changed (sign-out, password change,
    deactivation) no longer matches, so it ends; so does anything signed in longer ago
    than a remember cookie may live.
    """
    parsed = parse_identity(session_id)
    if parsed is None:
        return None
    user_id, token, signed_in_at = parsed
    if remembered_sign_in_expired(signed_in_at):
        return None
    # The unit comes in the same statement: most pages show it.
    user = db.session.get(User, user_id, options=[joinedload(User.unit)])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(token.encode(), (user.session_token or "").encode()):
        return None
    return user
