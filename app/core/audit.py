"""The audit log of configuration changes (who, when, what, before → after).

Admin services call ``record`` in the same transaction as the change, so a
change and its entry are committed together or not at all. Entries are never
updated or deleted (the model refuses it).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from app.core.timeutil import LOCAL_TZ
from app.extensions import db
from app.models import AuditEntry, User

COMMAND_LINE = "command line"


def _plain(value: Any) -> Any:
    """A value JSON can hold: dates as ISO text, enums as their value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of an object, ready for the log."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    label: str,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. ``actor`` None means the command line. The caller commits."""
    entry = AuditEntry(
        created_at=now,
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else COMMAND_LINE,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        entity_label=label[:200],
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


def record_update(
    actor: User | None,
    entity_type: str,
    entity_id: int,
    label: str,
    now: datetime,
    before: dict[str, Any],
    after: dict[str, Any],
    action: str = "update",
) -> AuditEntry | None:
    """Append an entry with only the fields that changed; nothing when nothing changed.

    ``actor`` None means the command line. The caller commits.
    """
    old, new = changed(before, after)
    if not new:
        return None
    return record(actor, action, entity_type, entity_id, label, now, before=old, after=new)


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page narrows the log to. Dates are local calendar days, inclusive."""

    actor_id: int | None = None
    entity_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), LOCAL_TZ)


def search(filters: AuditFilter, page: int, per_page: int) -> Pagination:
    """The matching entries, newest first, one page at a time."""
    stmt = sa.select(AuditEntry).options(joinedload(AuditEntry.actor))
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == filters.actor_id)
    if filters.entity_type:
        stmt = stmt.where(AuditEntry.entity_type == filters.entity_type)
    if filters.date_from is not None:
        stmt = stmt.where(AuditEntry.created_at >= _local_midnight_utc(filters.date_from))
    if filters.date_to is not None:
        stmt = stmt.where(
            AuditEntry.created_at < _local_midnight_utc(filters.date_to + timedelta(days=1))
        )
    stmt = stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def actors() -> list[User]:
    """Staff who appear in the log, for the filter."""
    ids = sa.select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.email)))


def entity_types() -> list[str]:
    """Kinds of entity that appear in the log, for the filter."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)
        )
    )
