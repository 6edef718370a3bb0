"""Deadline policies: acknowledgment in working hours, response in working days,
normal and urgent. Open cases under a changed policy get new due times at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.cleaning import clean_code, clean_text, require_unused
from app.core.errors import InvalidInput
from app.deadlines.sla import recompute_due_times
from app.extensions import db
from app.models import Category, DeadlinePolicy, User

ENTITY = "deadline_policy"
MAX_HOURS = 1000
MAX_DAYS = 365


def snapshot(policy: DeadlinePolicy) -> dict:
    """What the audit log keeps of a policy."""
    return audit.snapshot(
        policy,
        ("code", "name", "ack_hours", "response_days", "urgent_ack_hours", "urgent_response_days"),
    )


@dataclass(frozen=True)
class Targets:
    """A policy's name and its four targets (whole working hours / days)."""

    name: str
    ack_hours: int | None
    response_days: int | None
    urgent_ack_hours: int | None
    urgent_response_days: int | None


def _whole(value: int | None, field: str, maximum: int) -> int:
    if value is None or isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(_l("Enter a whole number greater than zero."), field)
    if value > maximum:
        raise InvalidInput(_l("Enter a number from 1 to %(n)d.", n=maximum), field)
    return value


def _apply(policy: DeadlinePolicy, targets: Targets) -> None:
    name = clean_text(targets.name, "name", 120)
    ack = _whole(targets.ack_hours, "ack_hours", MAX_HOURS)
    days = _whole(targets.response_days, "response_days", MAX_DAYS)
    urgent_ack = _whole(targets.urgent_ack_hours, "urgent_ack_hours", MAX_HOURS)
    urgent_days = _whole(targets.urgent_response_days, "urgent_response_days", MAX_DAYS)
    if urgent_ack > ack:
        raise InvalidInput(_l("An urgent target cannot be longer than the normal one."),
                           "urgent_ack_hours")
    if urgent_days > days:
        raise InvalidInput(_l("An urgent target cannot be longer than the normal one."),
                           "urgent_response_days")
    policy.name, policy.ack_hours, policy.response_days = name, ack, days
    policy.urgent_ack_hours, policy.urgent_response_days = urgent_ack, urgent_days


def create_policy(code: str, targets: Targets, actor: User, now: datetime) -> DeadlinePolicy:
    """Add a deadline policy."""
    code = clean_code(code)
    require_unused(DeadlinePolicy.code, code, "code")
    policy = DeadlinePolicy(code=code)
    _apply(policy, targets)
    db.session.add(policy)
    db.session.flush()
    audit.record(actor, "create", ENTITY, policy.id, policy.code, now, after=snapshot(policy))
    return policy


def update_policy(policy: DeadlinePolicy, targets: Targets, actor: User, now: datetime) -> int:
    """Change a policy's name or targets; returns how many open cases got new due times."""
    before = snapshot(policy)
    _apply(policy, targets)
    db.session.flush()
    entry = audit.record_update(actor, ENTITY, policy.id, policy.code, now, before, snapshot(policy))
    if entry is None:
        return 0
    return recompute_due_times(policy_id=policy.id)


def policies_with_usage() -> list[tuple[DeadlinePolicy, int]]:
    """Every policy with the number of categories that follow it."""
    usage = (
        sa.select(Category.policy_id, sa.func.count().label("n"))
        .group_by(Category.policy_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(DeadlinePolicy, sa.func.coalesce(usage.c.n, 0))
        .outerjoin(usage, usage.c.policy_id == DeadlinePolicy.id)
        .order_by(DeadlinePolicy.code)
    ).tuples()
    return list(rows)
