"""What each Open311 answer holds: plain dicts built from the domain, in the reader's language."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from app.cases import kinds
from app.core.timeutil import to_local
from app.deadlines import sla
from app.intake import open311
from app.models import Case, Category, CategoryAttribute

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's behaviour last changed (the discovery document's changeset).
CHANGESET = "2026-11-27T00:00:00+07:00"


def w3c(moment: datetime | None) -> str | None:
    """An instant in Ho Chi Minh City time with its offset: 2026-03-02T09:00:00+07:00."""
    if moment is None:
        return None
    return to_local(moment).isoformat(timespec="seconds")


def discovery(base_url: str) -> dict:
    """The service discovery document: one endpoint, one jurisdiction."""
    production = current_app.config["ENV_NAME"] == "production"
    return {
        "changeset": CHANGESET,
        "contact": _(
            "Lắng Nghe, Ho Chi Minh City. One jurisdiction only: jurisdiction_id is "
            "accepted and ignored."
        ),
        "key_service": _(
            "API keys for filing requests are issued by the administrators of Lắng Nghe."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": CHANGESET,
                "type": "production" if production else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service(category: Category, locale: str) -> dict:
    """One entry of the service list."""
    unit = category.default_unit
    return {
        "service_code": category.code,
        "service_name": category.display_name(locale),
        "description": (
            _("Feedback about %(name)s, answered by %(unit)s.",
              name=category.display_name(locale), unit=unit.display_name(locale))
            if unit else
            _("Feedback about %(name)s; an operator sends it to the responsible unit.",
              name=category.display_name(locale))
        ),
        # Every service asks at least the kind of case (open311.KIND_ATTRIBUTE).
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": unit.display_name(locale) if unit else None,
    }


def _attribute(attribute: CategoryAttribute, locale: str) -> dict:
    return {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.hint(locale),
        "order": attribute.position,
        "description": attribute.description(locale),
        "values": [{"key": o.key, "name": o.name(locale)} for o in attribute.options],
    }


def _kind_attribute(order: int) -> dict:
    """The question every service asks last: the kind of case, phản ánh when unanswered."""
    return {
        "variable": True,
        "code": open311.KIND_ATTRIBUTE,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": _("One of the keys; %(default)s when left out.",
                                  default=kinds.INFORMATION_KIND.value),
        "order": order,
        "description": _("Kind of case. A complaint or a denunciation sent without the "
                         "sender's first and last name is taken as information (phan_anh)."),
        "values": [{"key": key, "name": name} for key, name in open311.kind_values()],
    }


def service_definition(category: Category, questions: list[CategoryAttribute], locale: str) -> dict:
    """The service definition: the category's extra questions in order, then the kind."""
    order = max((a.position for a in questions), default=0) + 1
    return {
        "service_code": category.code,
        "attributes": [_attribute(a, locale) for a in questions] + [_kind_attribute(order)],
    }


def _place(case: Case) -> str | None:
    return ", ".join(p for p in (case.address, case.ward) if p) or None


def service_request(row: open311.RequestRow, locale: str) -> dict:
    """One request the caller may read (``open311.readable_filter``); never contact details."""
    case, submission = row.case, row.submission
    return {
        "service_request_id": case.reference,
        "status": open311.open311_status(case),
        "status_notes": open311.status_notes(case),
        "service_name": case.category.display_name(locale),
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": case.unit.display_name(locale) if case.unit else None,
        "service_notice": None,
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(row.updated_at),
        "expected_datetime": w3c(sla.last_moment(case)),
        "address": _place(case),
        "address_id": submission.address_id if submission else None,
        "zipcode": None,
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": submission.media_url if submission else None,
        # An extra field (GeoReport v2 allows them): the kind the case is handled as.
        "kind": case.kind,
    }


def created(case: Case, locale: str) -> dict:
    """The answer to a POST: the new request's id and what will happen next."""
    due = sla.due_text(case)
    if case.unit is not None:
        notice = _("Sent to %(unit)s, which should answer by %(due)s.",
                   unit=case.unit.display_name(locale), due=due)
    else:
        notice = _("Received; an operator will send it to the responsible unit. "
                   "An answer is due by %(due)s.", due=due)
    return {"service_request_id": case.reference, "service_notice": notice, "account_id": None}


def token(row: open311.RequestRow, token_value: str) -> dict:
    """The answer to GET tokens: the request the token stands for."""
    return {"service_request_id": row.case.reference, "token": token_value}
