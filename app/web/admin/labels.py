"""Translated names for what the audit log records, and an entry's changes as lines."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.cases import labels as case_labels
from app.models import AuditEntry
from app.web.admin.forms import UNIT_CHOICES

ENTITY = {
    "unit": _l("Unit"),
    "user": _l("Account"),
    "category": _l("Category"),
    "deadline_policy": _l("Deadline policy"),
    "deadline_regime": _l("Deadline regime"),
    "calendar_day": _l("Calendar day"),
    "routing_rule": _l("Routing rule"),
    "api_key": _l("API key"),
    "campaign": _l("Campaign"),
}

ACTION = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("removed"),
    "revoke": _l("revoked"),
    "deactivate": _l("deactivated"),
    "reactivate": _l("reactivated"),
    "invite_link": _l("invitation link made"),
    "reset_link": _l("password reset link made"),
    "password_changed": _l("password changed by its owner"),
    "password_set_invite": _l("first password set through the link"),
    "password_set_reset": _l("new password set through the link"),
}

FIELD = {
    "code": _l("Code"),
    "name": _l("Name"),
    "name_vi": _l("Name (Vietnamese)"),
    "name_en": _l("Name (English)"),
    "email": _l("Email"),
    "parent": _l("Parent unit"),
    "active": _l("Active"),
    "role": _l("Role"),
    "unit": _l("Unit"),
    "keywords": _l("Keywords"),
    "default_unit": _l("Cases go to"),
    "policy": _l("Deadline policy"),
    "asks_location": _l("Asks for the location"),
    "position": _l("Display order"),
    "ack_hours": _l("Acknowledge within (working hours)"),
    "response_days": _l("Answer within (working days)"),
    "urgent_ack_hours": _l("Urgent: acknowledge within (working hours)"),
    "urgent_response_days": _l("Urgent: answer within (working days)"),
    "category_id": _l("Field"),
    "priority": _l("Priority"),
    "first_step_amount": _l("First step within"),
    "first_step_unit": _l("First step counted in"),
    "resolution_amount": _l("Answer within"),
    "resolution_unit": _l("Answer counted in"),
    "resolution_from_first_step": _l("The answer is counted from acceptance"),
    "max_extensions": _l("Extensions allowed"),
    "extension_amount": _l("Each extension at most"),
    "extension_unit": _l("Extension counted in"),
    "legal_source": _l("Legal source"),
    "day": _l("Date"),
    "kind": _l("Kind"),
    "note": _l("Note"),
    "emailed": _l("Sent by email"),
    "category": _l("Category"),
    "ward": _l("Ward"),
    "signoff_required": _l("Answers need the leader's sign-off"),
    "signs_off": _l("Signs off for the unit head"),
}

CALENDAR_KIND = {"day_off": _l("Extra day off"), "working_day": _l("Make-up working day")}

_COUNT_UNIT = dict(UNIT_CHOICES)
# Fields whose stored values are codes: the names people read in their place.
VALUE = {
    "role": case_labels.ROLE,
    "kind": {**case_labels.KIND, **CALENDAR_KIND},
    "priority": case_labels.PRIORITY,
    "first_step_unit": _COUNT_UNIT,
    "resolution_unit": _COUNT_UNIT,
    "extension_unit": _COUNT_UNIT,
}


def label(table: dict, key: str | None) -> str:
    """The translated name of a code, or the code itself when it has none (another feature's)."""
    if key is None:
        return ""
    return str(table.get(key, key))


def audit_label(kind: str, key: str | None) -> str:
    """Translated names for audit entries: kind is "entity", "action", "field" or "calendar"."""
    table = {"entity": ENTITY, "action": ACTION, "field": FIELD, "calendar": CALENDAR_KIND}[kind]
    return label(table, key)


@dataclass(frozen=True)
class FieldChange:
    """One line of an audit entry: a field, and its value before and/or after."""

    field: str
    before: str | None
    after: str | None


def _shown(value, field: str | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return label(VALUE.get(field, {}), str(value))


def audit_changes(entry: AuditEntry) -> list[FieldChange]:
    """The fields an entry records, with before and after values as text."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(after) + [key for key in before if key not in after]
    return [
        FieldChange(
            label(FIELD, key),
            _shown(before.get(key), key) if key in before else None,
            _shown(after.get(key), key) if key in after else None,
        )
        for key in keys
    ]
