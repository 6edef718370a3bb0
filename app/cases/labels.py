"""Translated names of the domain's codes, for templates and emails."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.deadlines.sla import DeadlineState
from app.models import (
    CaseKind,
    CaseStatus,
    Channel,
    EventKind,
    ExtensionStatus,
    Priority,
    RequestStatus,
    ReviewState,
    Role,
)

STATUS = {
    CaseStatus.NEW: _l("Awaiting routing"),
    CaseStatus.ASSIGNED: _l("Assigned to unit"),
    CaseStatus.IN_PROGRESS: _l("In progress"),
    CaseStatus.AWAITING_CITIZEN: _l("Awaiting citizen"),
    CaseStatus.RESPONDED: _l("Answered"),
    CaseStatus.CLOSED: _l("Closed"),
    CaseStatus.REJECTED: _l("Rejected"),
    CaseStatus.GUIDED: _l("Guided to the competent agency"),
}

KIND = {
    CaseKind.PHAN_ANH: _l("Feedback"),
    CaseKind.KIEN_NGHI: _l("Proposal"),
    CaseKind.KHIEU_NAI: _l("Complaint"),
    CaseKind.TO_CAO: _l("Denunciation"),
    CaseKind.HOI_DAP: _l("Question, request for guidance"),
}

# The first step's deadline, as each law names the step.
FIRST_STEP_DUE = {
    CaseKind.PHAN_ANH: _l("Take up by"),
    CaseKind.KIEN_NGHI: _l("Take up by"),
    CaseKind.KHIEU_NAI: _l("Accept or refuse by"),
    CaseKind.TO_CAO: _l("Register and assess by"),
    CaseKind.HOI_DAP: _l("Take up by"),
}

# One plain sentence per kind, for the citizen's form and the hotline desk.
KIND_HELP = {
    CaseKind.PHAN_ANH: _l("You tell us about a problem you have seen or met, so that it is "
                          "looked into and fixed."),
    CaseKind.KIEN_NGHI: _l("You propose how a rule, a procedure or a service could be better."),
    CaseKind.KHIEU_NAI: _l("You ask for a decision or an action of an agency or officer that "
                           "affects your own rights to be reviewed. Your name is required."),
    CaseKind.TO_CAO: _l("You report an officer's or an agency's breach of the law. Your name "
                        "is required and kept confidential."),
    CaseKind.HOI_DAP: _l("You ask how a rule applies to you or how to carry out a procedure."),
}

EXTENSION_STATUS = {
    ExtensionStatus.REQUESTED: _l("Awaiting the unit head's decision"),
    ExtensionStatus.APPROVED: _l("Approved"),
    ExtensionStatus.REFUSED: _l("Refused"),
}

CHANNEL = {
    Channel.WEB: _l("Web form"),
    Channel.HOTLINE: _l("Hotline"),
    Channel.EMAIL: _l("Email"),
    Channel.WALK_IN: _l("Walk-in"),
    Channel.API: _l("Open311 API"),
}

PRIORITY = {Priority.NORMAL: _l("Normal"), Priority.URGENT: _l("Urgent")}

ROLE = {
    Role.OPERATOR: _l("Hotline operator"),
    Role.OFFICER: _l("Officer"),
    Role.UNIT_HEAD: _l("Unit head"),
    Role.COMMITTEE: _l("Committee member"),
    Role.ADMIN: _l("Administrator"),
}

EVENT = {
    EventKind.CREATED: _l("Feedback received"),
    EventKind.ROUTED: _l("Sent to the responsible unit"),
    EventKind.ASSIGNED: _l("Assigned to an officer"),
    EventKind.TRANSFERRED: _l("Transferred to another unit"),
    EventKind.STATUS: _l("Status changed"),
    EventKind.PUBLIC_REPLY: _l("Answer from the unit"),
    EventKind.INTERNAL_NOTE: _l("Internal note"),
    EventKind.CITIZEN_MESSAGE: _l("Message from the citizen"),
    EventKind.RATING: _l("Citizen's rating"),
    EventKind.REMINDER: _l("Reminder"),
    EventKind.ESCALATION: _l("Escalation"),
    EventKind.RECLASSIFIED: _l("Kind of case changed"),
    EventKind.EXTENSION: _l("Deadline extension"),
    EventKind.COHANDLING_ASKED: _l("Input asked of another unit"),
    EventKind.COHANDLING_ANSWERED: _l("Input from a co-handling unit"),
    EventKind.COHANDLING_DECLINED: _l("Co-handling unit declined"),
    EventKind.COHANDLING_WITHDRAWN: _l("Request for input withdrawn"),
    EventKind.ANSWER_SUBMITTED: _l("Answer sent for sign-off"),
    EventKind.ANSWER_RETURNED: _l("Answer returned for changes"),
    EventKind.ANSWER_WITHDRAWN: _l("Answer draft withdrawn"),
}

# Where a co-handling request stands (the lead's list, the asked unit's page).
REQUEST_STATUS = {
    RequestStatus.OPEN: _l("Awaiting input"),
    RequestStatus.ANSWERED: _l("Input given"),
    RequestStatus.DECLINED: _l("Declined"),
    RequestStatus.WITHDRAWN: _l("Withdrawn"),
}

# Where the case's answer stands in the unit's sign-off (the queue's badge).
REVIEW_STATE = {
    ReviewState.IN_REVIEW: _l("Waiting for sign-off"),
    ReviewState.RETURNED: _l("Returned for changes"),
}

DEADLINE = {
    DeadlineState.ON_TRACK: _l("On track"),
    DeadlineState.DUE_SOON: _l("Due soon"),
    DeadlineState.OVERDUE: _l("Overdue"),
    DeadlineState.PAUSED: _l("Paused"),
    DeadlineState.ANSWERED: _l("Answered"),
    DeadlineState.NONE: "",
}

FILE_KIND = {
    "image/jpeg": _l("JPEG photo"),
    "image/png": _l("PNG image"),
    "image/webp": _l("WebP image"),
    "application/pdf": _l("PDF document"),
}

# A status change named by the move that made it (from, to), so the timeline tells
# "taken up" from "citizen asked" rather than "status changed" twice.
STATUS_MOVE = {
    (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS): _l("Taken up by the unit"),
    (CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_CITIZEN): _l("Citizen asked for information"),
    (CaseStatus.AWAITING_CITIZEN, CaseStatus.IN_PROGRESS): _l("Handling resumed"),
    (CaseStatus.RESPONDED, CaseStatus.CLOSED): _l("Case closed"),
    (CaseStatus.RESPONDED, CaseStatus.IN_PROGRESS): _l("Case reopened"),
    (CaseStatus.CLOSED, CaseStatus.IN_PROGRESS): _l("Case reopened"),
}
STATUS_TARGET = {
    CaseStatus.REJECTED: _l("Case rejected"),
    CaseStatus.GUIDED: _l("Citizen guided to the competent agency"),
    CaseStatus.CLOSED: _l("Case closed"),
}


def event_label(event) -> str:
    """The timeline's heading of one event: the kind, or for a status change the move."""
    if event.kind == EventKind.STATUS and event.to_status:
        to_status = CaseStatus(event.to_status)
        from_status = CaseStatus(event.from_status) if event.from_status else None
        label = STATUS_MOVE.get((from_status, to_status)) or STATUS_TARGET.get(to_status)
        if label is not None:
            return label
    return EVENT[EventKind(event.kind)]
