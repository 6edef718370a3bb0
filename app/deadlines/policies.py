"""Deadline policies: their targets, and recounting open cases when a target changes."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.core.errors import InvalidInput
from app.deadlines.sla import load_calendar, recompute_due_times
from app.extensions import db
from app.models import Category, DeadlinePolicy

# Upper bounds that catch a typo (hours for days) without limiting real policies.
MAX_ACK_HOURS = 400
MAX_RESPONSE_DAYS = 120
NAME_MAX = 120


@dataclass(frozen=True)
class PolicyRow:
    """A policy with the codes of the categories that follow it."""

    policy: DeadlinePolicy
    categories: list[str]


def list_policies() -> list[PolicyRow]:
    """Every policy by code, with its categories."""
    policies = db.session.scalars(sa.select(DeadlinePolicy).order_by(DeadlinePolicy.code))
    categories = db.session.scalars(
        sa.select(Category).options(selectinload(Category.policy)).order_by(Category.code)
    ).all()
    return [
        PolicyRow(policy, [c.code for c in categories if c.policy_id == policy.id])
        for policy in policies
    ]


def _target(value: int | None, field: str, limit: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limit:
        raise InvalidInput(_l("Enter a whole number from 1 to %(n)d.", n=limit), field)
    return value


@dataclass(frozen=True)
class PolicyChange:
    """What an update did: the policy and how many open cases got new due times."""

    policy: DeadlinePolicy
    recounted: int


def update_policy(
    code: str,
    *,
    name: str | None = None,
    ack_hours: int | None = None,
    response_days: int | None = None,
    urgent_ack_hours: int | None = None,
    urgent_response_days: int | None = None,
) -> PolicyChange:
    """Change a policy's targets (those given), then recount its open cases' due times.

    The caller commits.
    """
    policy = db.session.scalar(sa.select(DeadlinePolicy).where(DeadlinePolicy.code == code))
    if policy is None:
        raise InvalidInput(_l("There is no deadline policy with this code."), "code")
    targets = {
        "ack_hours": _target(ack_hours, "ack_hours", MAX_ACK_HOURS),
        "response_days": _target(response_days, "response_days", MAX_RESPONSE_DAYS),
        "urgent_ack_hours": _target(urgent_ack_hours, "urgent_ack_hours", MAX_ACK_HOURS),
        "urgent_response_days": _target(
            urgent_response_days, "urgent_response_days", MAX_RESPONSE_DAYS
        ),
    }
    if name is not None:
        name = name.strip()
        if not name:
            raise InvalidInput(_l("Give the policy a name."), "name")
        if len(name) > NAME_MAX:
            raise InvalidInput(
                _l("This text is too long (at most %(n)d characters).", n=NAME_MAX), "name"
            )
        policy.name = name
    for field, value in targets.items():
        if value is not None:
            setattr(policy, field, value)
    db.session.flush()
    return PolicyChange(policy, recompute_due_times(load_calendar(), policy_id=policy.id))
