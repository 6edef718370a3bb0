"""All models, imported here so that Alembic and the app see every table."""
from app.models.audit import AuditEntry
from app.models.calendar import CalendarDay
from app.models.cases import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseSequence,
    CaseStatus,
    Channel,
    EventKind,
    Priority,
)
from app.models.categories import Category, DeadlinePolicy
from app.models.notifications import DeliveryStatus, Notification
from app.models.security import LinkPurpose, LoginThrottle, PasswordToken
from app.models.units import Unit
from app.models.users import ROLES_WITH_UNIT, Role, User

__all__ = [
    "OPEN_STATUSES",
    "AuditEntry",
    "CalendarDay",
    "Case",
    "CaseEvent",
    "CaseSequence",
    "CaseStatus",
    "Category",
    "Channel",
    "DeadlinePolicy",
    "DeliveryStatus",
    "EventKind",
    "LinkPurpose",
    "LoginThrottle",
    "Notification",
    "PasswordToken",
    "Priority",
    "ROLES_WITH_UNIT",
    "Role",
    "Unit",
    "User",
]
