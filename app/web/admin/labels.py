"""Translated names for what the audit log records."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ENTITY = {
    "unit": _l("Unit"),
    "user": _l("Account"),
    "category": _l("Category"),
    "deadline_policy": _l("Deadline policy"),
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
    "day": _l("Date"),
    "kind": _l("Kind"),
    "note": _l("Note"),
    "emailed": _l("Sent by email"),
    "category": _l("Category"),
    "ward": _l("Ward"),
}

CALENDAR_KIND = {"day_off": _l("Extra day off"), "working_day": _l("Make-up working day")}


def label(table: dict, key: str | None) -> str:
    """The translated name of a code, or the code itself when it has none (another feature's)."""
    if key is None:
        return ""
    return str(table.get(key, key))
