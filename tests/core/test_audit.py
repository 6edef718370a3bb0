"""The audit log service: entries, differences, and the search the admin page uses."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa

from app.core import audit
from app.models import AuditEntry, Role, User
from tests.factories import EMAILS


def test_record_update_keeps_only_what_changed(db, world):
    admin = db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))
    now = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
    assert audit.record_update(admin, "unit", 1, "X", now, {"a": 1, "b": 2}, {"a": 1, "b": 2}) is None
    entry = audit.record_update(admin, "unit", 1, "X", now, {"a": 1, "b": 2}, {"a": 1, "b": 3})
    db.session.flush()
    assert (entry.before, entry.after, entry.actor_email) == ({"b": 2}, {"b": 3}, EMAILS["admin"])


def test_snapshots_hold_plain_values(db, world):
    admin = db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))
    values = audit.snapshot(admin, ("role", "created_at", "active"))
    assert values["role"] == "admin" and isinstance(values["created_at"], str)
    assert values["active"] is True and Role(values["role"]) == Role.ADMIN


def test_days_are_local_days(db, world):
    # 23:30 on 1 April in Ho Chi Minh City is 16:30 UTC the same day; 00:30 on 2 April
    # local is still 1 April in UTC.
    late = datetime(2026, 4, 1, 16, 30, tzinfo=timezone.utc)
    early = datetime(2026, 4, 1, 17, 30, tzinfo=timezone.utc)
    audit.record(None, "create", "unit", 1, "A", late)
    audit.record(None, "create", "unit", 2, "B", early)
    db.session.flush()
    on_first = audit.search(audit.AuditFilter(date_from=date(2026, 4, 1), date_to=date(2026, 4, 1)), 1, 50)
    assert [e.entity_label for e in on_first.items] == ["A"]
    on_second = audit.search(audit.AuditFilter(date_from=date(2026, 4, 2)), 1, 50)
    assert [e.entity_label for e in on_second.items] == ["B"]
    assert audit.entity_types() == ["unit"] and audit.actors() == []
    assert db.session.scalar(sa.select(AuditEntry.actor_email).limit(1)) == audit.COMMAND_LINE
