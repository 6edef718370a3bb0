"""Staff accounts as administrators manage them: create (invite), change role and unit,
deactivate and reactivate, and one-time links to set a password; and the administrator
made on the command line, under the same rules."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.accounts import credentials, password_links
from app.core import audit
from app.core.cleaning import clean_email, clean_text, require_unused
from app.core.errors import IllegalMove, InvalidInput
from app.extensions import db
from app.models import UNIT_STAFF_ROLES, LinkPurpose, PasswordToken, Role, Unit, User

ENTITY = "user"


def snapshot(user: User) -> dict:
    """What the audit log keeps of an account (never its password hash)."""
    values = audit.snapshot(user, ("email", "name", "role", "active"))
    values["unit"] = user.unit.code if user.unit is not None else None
    return values


@dataclass(frozen=True)
class AccountDetails:
    """What an administrator sets on an account."""

    email: str
    name: str
    role: str
    unit_id: int | None = None


@dataclass(frozen=True)
class PasswordLink:
    """A link just made: its secret when it is to be shown, or None when it was emailed."""

    user: User
    token: str | None
    emailed: bool


def _apply(user: User, details: AccountDetails, actor: User | None) -> None:
    email = clean_email(details.email)
    require_unused(
        User.email, email, "email", exclude_id=user.id,
        message=_l("Another account already uses this email."),
    )
    name = clean_text(details.name, "name", 120)
    if details.role not in {r.value for r in Role}:
        raise InvalidInput(_l("Choose a role from the list."), "role")
    if actor is not None and user.id == actor.id and details.role != Role.ADMIN:
        raise InvalidInput(_l("You cannot remove your own administrator role."), "role")
    unit = None
    if details.unit_id is not None:
        unit = db.session.get(Unit, details.unit_id)
        if unit is None or (not unit.active and unit.id != user.unit_id):
            raise InvalidInput(_l("Choose an active unit from the list."), "unit_id")
    if unit is None and details.role in UNIT_STAFF_ROLES:
        raise InvalidInput(_l("Officers and unit heads belong to a unit: choose one."), "unit_id")
    if user.role != details.role or user.unit_id != (unit.id if unit else None):
        user.signs_off = False  # a deputy signs off for one head of one unit, as an officer
    user.email, user.name, user.role, user.unit = email, name, details.role, unit


def _hand_over(user: User, purpose: LinkPurpose, actor: User, now: datetime) -> PasswordLink:
    token = password_links.issue(user, purpose, now, created_by=actor)
    if current_app.config.get("MAIL_SERVER"):
        password_links.email_link(user, token, purpose, now)
        return PasswordLink(user, None, True)
    return PasswordLink(user, token, False)


def create_user(details: AccountDetails, actor: User, now: datetime) -> PasswordLink:
    """Add an account and make its invitation link (emailed when mail is configured).

    The account has no usable password until its owner sets one through the link.
    """
    user = User(email="", name="", role=Role.OPERATOR.value, active=True, created_at=now)
    _apply(user, details, actor)
    user.set_password(secrets.token_urlsafe(32))  # unknown to anyone: the link sets the real one
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", ENTITY, user.id, user.email, now, after=snapshot(user))
    link = _hand_over(user, LinkPurpose.INVITE, actor, now)
    audit.record(actor, "invite_link", ENTITY, user.id, user.email, now,
                 after={"emailed": link.emailed})
    return link


def create_admin(email: str, name: str, password: str, now: datetime) -> User:
    """An administrator with the password given, made on the command line (no acting admin).

    The email, the name and the password follow the rules of the console's accounts
    and of password changes; the audit log names the command line as the actor. The
    caller commits.
    """
    user = User(email="", name="", role=Role.ADMIN.value, active=True, created_at=now)
    _apply(user, AccountDetails(email, name, Role.ADMIN.value), actor=None)
    credentials.check_new_password(password, user.email)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(None, "create", ENTITY, user.id, user.email, now, after=snapshot(user))
    return user


def update_user(user: User, details: AccountDetails, actor: User, now: datetime) -> None:
    """Change an account's email, name, role or unit."""
    before = snapshot(user)
    _apply(user, details, actor)
    db.session.flush()
    audit.record_update(actor, ENTITY, user.id, user.email, now, before, snapshot(user))


def set_user_active(user: User, active: bool, actor: User, now: datetime) -> None:
    """Deactivate an account (its sessions end at once) or bring it back."""
    if user.id == actor.id and not active:
        raise IllegalMove(_l("You cannot deactivate your own account."))
    if user.active == active:
        return
    before = snapshot(user)
    user.active = active
    if not active:
        user.end_sessions()
        db.session.execute(
            sa.delete(PasswordToken)
            .where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
            .execution_options(synchronize_session=False)
        )
    audit.record_update(
        actor, ENTITY, user.id, user.email, now, before, snapshot(user),
        action="reactivate" if active else "deactivate",
    )


def reset_password(user: User, actor: User, now: datetime) -> PasswordLink:
    """Make a one-time link to set a new password; older links stop working.

    The current password keeps working until the link is used.
    """
    if not user.active:
        raise IllegalMove(_l("Reactivate the account before resetting its password."))
    link = _hand_over(user, LinkPurpose.RESET, actor, now)
    audit.record(actor, "reset_link", ENTITY, user.id, user.email, now,
                 after={"emailed": link.emailed})
    return link


@dataclass(frozen=True)
class AccountFilter:
    """What the account list narrows to."""

    role: str | None = None
    unit_id: int | None = None
    text: str = ""
    show_inactive: bool = True


def search_users(filters: AccountFilter, page: int, per_page: int):
    """Accounts matching the filter, by email, one page at a time (units loaded with them)."""
    stmt = sa.select(User).options(joinedload(User.unit)).order_by(User.email)
    if filters.role:
        stmt = stmt.where(User.role == filters.role)
    if filters.unit_id is not None:
        stmt = stmt.where(User.unit_id == filters.unit_id)
    if filters.text:
        text = filters.text.strip()
        stmt = stmt.where(
            sa.or_(User.email.icontains(text, autoescape=True),
                   User.name.icontains(text, autoescape=True))
        )
    if not filters.show_inactive:
        stmt = stmt.where(User.active)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
