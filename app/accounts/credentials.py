"""Staff accounts: sign-in with throttling, password rules, password changes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import throttle
from app.accounts.throttle import ThrottleRules
from app.core import audit
from app.core.errors import InvalidInput
from app.extensions import db
from app.models import PasswordToken, User

PASSWORD_MIN = 12
PASSWORD_MAX = 200


@cache
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so both paths take as long."""
    return generate_password_hash("not-a-password", method="scrypt")


def password_problem(password: str, email: str | None = None):
    """Why a new password is not acceptable (a translatable message), or None.

    At least 12 characters, not only digits, not the account's email.
    """
    if len(password) < PASSWORD_MIN:
        return _l("Use at least %(n)d characters.", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _l("Use at most %(n)d characters.", n=PASSWORD_MAX)
    if password.isdigit():
        return _l("Do not use only digits.")
    if email and password.strip().lower() == email.strip().lower():
        return _l("Do not use your email address as your password.")
    return None


def check_new_password(password: str, email: str | None, field: str = "password") -> None:
    """Raise InvalidInput (on ``field``) unless the password follows the rules."""
    problem = password_problem(password, email)
    if problem is not None:
        raise InvalidInput(problem, field)


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


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or when the caller may try again."""

    user: User | None = None
    locked_until: datetime | None = None


def sign_in(
    email: str, password: str, address: str | None, now: datetime, rules: ThrottleRules
) -> SignIn:
    """Check the credentials unless the account or the address is locked out.

    A locked-out attempt is refused even with the right password, and the answer
    is the same whether or not the email belongs to an account. The caller commits.
    """
    locked = throttle.locked_until(email, address, now)
    if locked is not None:
        return SignIn(locked_until=locked)
    user = authenticate(email, password, now)
    if user is None:
        return SignIn(locked_until=throttle.record_failure(email, address, now, rules))
    throttle.record_success(email)
    return SignIn(user=user)


def set_password(user: User, password: str, now: datetime, action: str) -> None:
    """Store a new password, end every session of the user and void their password links."""
    check_new_password(password, user.email)
    user.set_password(password)
    user.end_sessions()
    db.session.execute(
        sa.delete(PasswordToken).where(
            PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None)
        ).execution_options(synchronize_session=False)
    )
    audit.record(user, action, "user", user.id, user.email, now)


def change_password(user: User, current: str, new: str, now: datetime) -> None:
    """The user changes their own password; the current one is required.

    Every other session of the user ends; the caller signs the current one in again.
    """
    if not user.check_password(current):
        raise InvalidInput(_l("This is not your current password."), "current_password")
    if new == current:
        raise InvalidInput(_l("Choose a password different from the current one."), "new_password")
    try:
        set_password(user, new, now, "password_changed")
    except InvalidInput as err:
        raise InvalidInput(err.message, "new_password") from None


def landing_endpoint(user: User) -> str:
    """Where a user starts after signing in: the case queue."""
    return "cases.queue"
