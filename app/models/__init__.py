"""All models, imported here so that Alembic and the app see every table."""
from app.models.attachments import Attachment, Uploader
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
from app.models.routing import RoutingRule
from app.models.units import Unit
from app.models.users import ROLES_WITH_UNIT, Role, User

__all__ = [
    "OPEN_STATUSES",
    "Attachment",
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
    "Notification",
    "Priority",
    "ROLES_WITH_UNIT",
    "Role",
    "RoutingRule",
    "Unit",
    "Uploader",
    "User",
]
