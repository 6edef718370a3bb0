"""Sign-in throttling: failed attempts counted per account and per client address.

Counters live in the database, so every web process sees the same ones. After
``max_failures`` failures within ``window`` the key is locked for ``lockout``.
The account key is a hash of whatever was typed as the email: it is counted
whether or not such an account exists, so a lockout reveals nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import LoginThrottle


@dataclass(frozen=True)
class ThrottleRules:
    """How many failures are tolerated, over which window, and how long a lockout lasts."""

    max_failures_per_account: int = 5
    max_failures_per_address: int = 20
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config) -> ThrottleRules:
        """The rules from the app's settings (LOGIN_* variables)."""
        return cls(
            max_failures_per_account=config["LOGIN_MAX_FAILURES"],
            max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
            lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
        )


def account_key(email: str) -> str:
    """The counter key of what was typed as the email (hashed, never stored in clear)."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"account:{digest}"


def address_key(address: str | None) -> str:
    """The counter key of a client address."""
    return f"address:{(address or 'unknown')[:64]}"


def locked_until(email: str, address: str | None, now: datetime) -> datetime | None:
    """When the later of the two lockouts (account, address) ends, or None when neither holds."""
    keys = [account_key(email), address_key(address)]
    return db.session.scalar(
        sa.select(sa.func.max(LoginThrottle.locked_until)).where(
            LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now
        )
    )


def _row(key: str, now: datetime) -> LoginThrottle:
    query = sa.select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    row = db.session.scalar(query)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            db.session.add(LoginThrottle(key=key, failures=0, window_started_at=now))
    except IntegrityError:  # another process counted the first failure at the same time
        pass
    return db.session.scalar(query.execution_options(populate_existing=True))


def _count_failure(key: str, limit: int, rules: ThrottleRules, now: datetime) -> datetime | None:
    row = _row(key, now)
    if row.window_started_at <= now - rules.window:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= limit:
        # Locked: the count starts again, so the lockout's end gives a fresh set of tries.
        row.locked_until = now + rules.lockout
        row.failures, row.window_started_at = 0, now
        return row.locked_until
    return None


def record_failure(
    email: str, address: str | None, now: datetime, rules: ThrottleRules
) -> datetime | None:
    """Count a failed sign-in; returns when the new lockout ends if this one caused it."""
    ends = [
        _count_failure(account_key(email), rules.max_failures_per_account, rules, now),
        _count_failure(address_key(address), rules.max_failures_per_address, rules, now),
    ]
    ends = [end for end in ends if end is not None]
    return max(ends) if ends else None


def record_success(email: str) -> None:
    """A correct sign-in clears the account's counter (not the address's: it is shared)."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == account_key(email)))
