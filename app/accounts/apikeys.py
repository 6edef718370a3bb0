"""API keys for Open311 clients: created and revoked by admins, stored as SHA-256 hashes.

A key is shown once, when it is created; afterwards only its short prefix is
known. Authentication hashes what the client sent and looks the hash up, so a
wrong key costs the same lookup as a right one.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.core import audit
from app.core.errors import InvalidInput
from app.extensions import db
from app.models import ApiKey, User

KEY_PREFIX = "ln311_"
PREFIX_LENGTH = len(KEY_PREFIX) + 6
NAME_MAX = 120
# last_used_at is written at most this often, so busy clients do not write on every call.
TOUCH_EVERY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest stored for a key."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(name: str, now: datetime, created_by: User | None = None) -> tuple[ApiKey, str]:
    """A new key and its secret, which is never stored and cannot be shown again.

    The caller commits.
    """
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_l("Give the key a name (who uses it)."), "name")
    if len(name) > NAME_MAX:
        raise InvalidInput(
            _l("This text is too long (at most %(n)d characters).", n=NAME_MAX), "name"
        )
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        created_at=now,
        created_by=created_by,
    )
    db.session.add(key)
    db.session.flush()
    audit.record(created_by, "create", "api_key", key.id, f"{key.name} ({key.prefix}…)", now,
                 after={"name": key.name, "prefix": key.prefix})
    return key, secret


def revoke_key(key: ApiKey, now: datetime, actor: User | None = None) -> bool:
    """Stop the key from opening the API; False when it was already revoked.

    ``actor`` None means the command line (for the audit log). The caller commits.
    """
    if key.revoked_at is not None:
        return False
    key.revoked_at = now
    audit.record(actor, "revoke", "api_key", key.id, f"{key.name} ({key.prefix}…)", now,
                 before={"revoked_at": None}, after={"revoked_at": now.isoformat()})
    return True


def authenticate(secret: str | None, now: datetime) -> ApiKey | None:
    """The active key matching the secret, or None. Records when it was last used.

    The caller commits (the last-use time is only flushed here).
    """
    secret = (secret or "").strip()
    if not secret or len(secret) > 200:
        return None
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.secret_hash == hash_secret(secret)))
    if key is None or key.revoked_at is not None:
        return None
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
        key.last_used_at = now
        db.session.flush()
    return key


def list_keys() -> list[ApiKey]:
    """Every key, active ones first, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiKey)
            .options(joinedload(ApiKey.created_by))
            .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
        )
    )


def find_key(identifier: str) -> ApiKey | None:
    """A key by its id or by its visible prefix (as admins see it)."""
    identifier = (identifier or "").strip()
    if identifier.isdigit():
        return db.session.get(ApiKey, int(identifier))
    matches = list(db.session.scalars(sa.select(ApiKey).where(ApiKey.prefix == identifier)))
    return matches[0] if len(matches) == 1 else None
