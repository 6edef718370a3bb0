"""All models, imported here so that Alembic and the app see every table."""
from app.models.answers import AnswerDraft, DraftStatus, SignoffExemption
from app.models.apikeys import ApiKey, ApiSubmission
from app.models.attachments import Attachment, Uploader
from app.models.attributes import (
    AttributeDatatype,
    AttributeOption,
    CaseAttributeValue,
    CategoryAttribute,
)
from app.models.audit import AuditEntry
from app.models.calendar import CalendarDay
from app.models.campaigns import (
    Campaign,
    CampaignField,
    CampaignStatus,
    CampaignWork,
    Commendation,
    CommendationKind,
    CommendationLevel,
    WorkStatus,
)
from app.models.cases import (
    OPEN_STATUSES,
    Case,
    CaseCount,
    CaseEvent,
    CaseKind,
    CaseSequence,
    CaseStatus,
    Channel,
    EventKind,
    Priority,
    ReviewState,
)
from app.models.categories import Category
from app.models.cohandling import CoHandlingRequest, RequestStatus
from app.models.deadlines import (
    DAY_UNITS,
    CaseExtension,
    CountUnit,
    DeadlineRegime,
    ExtensionStatus,
)
from app.models.exports import ExportJob, ExportStatus
from app.models.notifications import DeliveryStatus, Notification
from app.models.routing import RoutingRule
from app.models.scores import ScoreSnapshot
from app.models.security import LinkPurpose, LoginThrottle, PasswordToken
from app.models.units import Unit, UnitName
from app.models.users import UNIT_STAFF_ROLES, Role, User

__all__ = [
    "AnswerDraft",
    "CoHandlingRequest",
    "DraftStatus",
    "RequestStatus",
    "ReviewState",
    "SignoffExemption",
    "OPEN_STATUSES",
    "UNIT_STAFF_ROLES",
    "ApiKey",
    "ApiSubmission",
    "AttributeDatatype",
    "AttributeOption",
    "CaseAttributeValue",
    "CategoryAttribute",
    "Attachment",
    "AuditEntry",
    "CalendarDay",
    "Campaign",
    "CampaignField",
    "CampaignStatus",
    "CampaignWork",
    "Commendation",
    "CommendationKind",
    "CommendationLevel",
    "ExportJob",
    "ExportStatus",
    "ScoreSnapshot",
    "WorkStatus",
    "Case",
    "CaseCount",
    "CaseEvent",
    "CaseSequence",
    "CaseStatus",
    "Category",
    "Channel",
    "DeadlineRegime",
    "CaseExtension",
    "CaseKind",
    "CountUnit",
    "DAY_UNITS",
    "ExtensionStatus",
    "DeliveryStatus",
    "EventKind",
    "LinkPurpose",
    "LoginThrottle",
    "Notification",
    "PasswordToken",
    "Priority",
    "Role",
    "RoutingRule",
    "Unit",
    "UnitName",
    "Uploader",
    "User",
]
