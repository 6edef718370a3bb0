"""Configuration changes made by administrators: units, accounts, categories,
deadline policies and the working calendar.

Every function here takes the acting admin and the time, checks its input
(raising ``InvalidInput`` with the field at fault, or ``IllegalMove``), makes
the change and appends its audit entry in the same transaction. Nothing here
commits: the caller does.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.core.errors import InvalidInput
from app.extensions import db

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,31}$")


def clean_code(raw: str | None, field: str = "code") -> str:
    """An identifier such as THUE or BHXH-Q1: upper case letters, digits, - _ . (≤ 32)."""
    code = (raw or "").strip().upper()
    if not code:
        raise InvalidInput(_l("Enter a code."), field)
    if not CODE_PATTERN.match(code):
        raise InvalidInput(
            _l("Use letters without accents, digits, '-', '_' or '.', at most 32 characters."),
            field,
        )
    return code


def clean_text(raw: str | None, field: str, max_length: int, required: bool = True) -> str:
    """Trimmed text; an error when required and empty, or when too long."""
    text = (raw or "").strip()
    if required and not text:
        raise InvalidInput(_l("This field is required."), field)
    if len(text) > max_length:
        raise InvalidInput(_l("This text is too long (at most %(n)d characters).", n=max_length), field)
    return text


def clean_email(raw: str | None, field: str = "email", required: bool = True) -> str | None:
    """A normalised, lower-case email address (no DNS lookup)."""
    text = (raw or "").strip()
    if not text:
        if required:
            raise InvalidInput(_l("Enter an email address."), field)
        return None
    try:
        email = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidInput(_l("Enter a valid email address."), field) from None
    if len(email) > 254:
        raise InvalidInput(_l("Enter a valid email address."), field)
    return email.lower()


def require_unused(column, value, field: str, exclude_id: int | None = None, message=None) -> None:
    """Refuse a value another row of the same table already holds (a code, an email)."""
    table_id = column.class_.id
    stmt = sa.select(table_id).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(table_id != exclude_id)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise InvalidInput(message or _l("This code is already used."), field)
