"""One-time links to set a password: for a new account (invite) or after a reset.

The secret appears once (in the link shown to the administrator, or in the
email); the database keeps only its SHA-256. A link works once, until it
expires, and only while the account is active; issuing a new link voids the
older ones.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts import credentials
from app.core.errors import IllegalMove
from app.core.links import external_url
from app.extensions import db
from app.models import LinkPurpose, PasswordToken, User
from app.notify.outbox import queue_email


class LinkNotValid(IllegalMove):
    """The link is unknown, expired, already used, or its account is deactivated."""


def token_hash(token: str) -> str:
    """What the database stores for a link's secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime() -> timedelta:
    """How long a new link stays valid (PASSWORD_LINK_HOURS)."""
    return timedelta(hours=current_app.config["PASSWORD_LINK_HOURS"])


def issue(user: User, purpose: LinkPurpose, now: datetime, created_by: User | None) -> str:
    """Make a new link for the user and return its secret; older unused links stop working."""
    db.session.execute(
        sa.delete(PasswordToken).where(
            PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None)
        ).execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordToken(
            user_id=user.id,
            purpose=LinkPurpose(purpose).value,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + lifetime(),
            created_by_id=created_by.id if created_by is not None else None,
        )
    )
    db.session.flush()
    return token


def email_link(user: User, token: str, purpose: LinkPurpose, now: datetime) -> None:
    """Send the link to the user through the outbox (in Vietnamese, the staff's language)."""
    queue_email(
        kind=f"password_{LinkPurpose(purpose).value}",
        dedupe_key=f"password-link:{token_hash(token)[:40]}",
        recipient=user.email,
        locale="vi",
        template="password_link",
        now=now,
        user=user,
        purpose=LinkPurpose(purpose).value,
        link=external_url("auth.set_password", token=token),
        expires_at=now + lifetime(),
    )


def valid_link(token: str, now: datetime) -> PasswordToken | None:
    """The unused, unexpired link of an active account with this secret, or None."""
    link = db.session.scalar(
        sa.select(PasswordToken).where(PasswordToken.token_hash == token_hash(token))
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    if not link.user.active:
        return None
    return link


def redeem(token: str, password: str, now: datetime) -> User:
    """Set the password through a link, which is then spent. The caller commits.

    Raises LinkNotValid for a bad link and InvalidInput for a weak password.
    """
    link = valid_link(token, now)
    if link is None:
        raise LinkNotValid(_l("This link is not valid any more. Ask an administrator for a new one."))
    credentials.check_new_password(password, link.user.email)
    # Spend the link first, conditionally, so two submissions cannot both use it.
    spent = db.session.execute(
        sa.update(PasswordToken)
        .where(PasswordToken.id == link.id, PasswordToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise LinkNotValid(_l("This link is not valid any more. Ask an administrator for a new one."))
    db.session.refresh(link)
    user = link.user
    credentials.set_password(user, password, now, f"password_set_{link.purpose}")
    return user
