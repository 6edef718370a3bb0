"""Filing an Open311 request: a POST checked field by field, then a case like any other.

The case goes through ``intake.submit_case`` with channel ``api`` (same
validation, same routing); the spec's extra fields (address_id, media_url) and
the key that filed it are kept beside the case, the answers to the service's
questions on it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.core.errors import InvalidInput
from app.core.phone import normalise_phone
from app.extensions import db
from app.intake import attributes
from app.intake.open311 import kind_of, service_by_code
from app.intake.submission import DESCRIPTION_MAX, Submission, submit_case
from app.models import ApiKey, ApiSubmission, Case, Channel

TITLE_LENGTH = 120
ATTRIBUTE_FIELD = re.compile(r"^attribute\[([^\[\]]+)\](?:\[\])?$")
# Control characters other than tab and line breaks: not text, and not allowed in XML.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class NewRequest:
    """What a client POSTs to requests, as text, before any check."""

    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    public_consent: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    locale: str = "vi"


def _no_control_characters(data: NewRequest) -> None:
    texts = [(name, getattr(data, name)) for name in (
        "service_code", "lat", "long", "address_string", "address_id", "email", "first_name",
        "last_name", "phone", "description", "media_url", "public_consent")]
    texts += [(f"attribute[{code}]", v) for code, vs in data.attributes.items() for v in vs]
    for name, text in texts:
        if CONTROL.search(text or ""):
            raise InvalidInput(_l("%(field)s contains control characters.", field=name), name)


def _limit(text: str, limit: int, field_name: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise InvalidInput(
            _l("%(field)s is too long (at most %(n)d characters).", field=field_name, n=limit),
            field_name,
        )
    return text


def _coordinate(text: str, field_name: str, bound: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not -bound <= value <= bound:
        raise InvalidInput(
            _l("%(field)s must be a number between -%(n)d and %(n)d.", field=field_name,
               n=int(bound)),
            field_name,
        )
    return value


def _location(data: NewRequest) -> tuple[float | None, float | None, str, str | None]:
    lat, long = data.lat.strip(), data.long.strip()
    address = _limit(data.address_string, 255, "address_string")
    address_id = _limit(data.address_id, 64, "address_id") or None
    if bool(lat) != bool(long):
        raise InvalidInput(_l("Send lat and long together."), "lat" if not lat else "long")
    if not lat and not address and not address_id:
        raise InvalidInput(
            _l("A location is required: lat and long, address_string or address_id."), "lat"
        )
    latitude = _coordinate(lat, "lat", 90) if lat else None
    longitude = _coordinate(long, "long", 180) if long else None
    return latitude, longitude, address, address_id


def _contact(data: NewRequest) -> tuple[str | None, str | None, str | None]:
    name = " ".join(p for p in (data.first_name.strip(), data.last_name.strip()) if p)
    name = _limit(name, 120, "first_name") or None
    email = _limit(data.email, 254, "email") or None
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            raise InvalidInput(_l("email is not a valid email address."), "email") from None
    phone = None
    if data.phone.strip():
        phone = normalise_phone(_limit(data.phone, 32, "phone"))
        if phone is None:
            raise InvalidInput(_l("phone is not a valid phone number."), "phone")
    return name, phone, email


def _media_url(text: str) -> str | None:
    url = _limit(text, 1000, "media_url")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise InvalidInput(_l("media_url must be an http or https address."), "media_url")
    return url


def title_from(description: str, fallback: str) -> str:
    """A short title for a case filed through the API: the first line of its description."""
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    if not first_line:
        return fallback
    if len(first_line) <= TITLE_LENGTH:
        return first_line
    cut = first_line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] or first_line[: TITLE_LENGTH - 1]
    return cut.rstrip(" ,.;:") + "…"


def file_request(key: ApiKey, data: NewRequest, now: datetime) -> Case:
    """Create a case from a POSTed request (channel api), routed like any other.

    Raises InvalidInput (the request is not acceptable) or NotFound (no such
    service). The caller commits.
    """
    _no_control_characters(data)
    code = data.service_code.strip()
    if not code:
        raise InvalidInput(_l("service_code is required."), "service_code")
    category = service_by_code(code)
    latitude, longitude, address, address_id = _location(data)
    name, phone, email = _contact(data)
    media_url = _media_url(data.media_url)
    description = data.description or ""
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            _l("%(field)s is too long (at most %(n)d characters).", field="description",
               n=DESCRIPTION_MAX),
            "description",
        )
    answers = attributes.check_answers(attributes.questions_of(category.id), data.attributes)
    submission = Submission(
        category=category,
        kind=kind_of(data.attributes),
        title=title_from(description, category.display_name(data.locale)),
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        citizen_name=name,
        citizen_phone=phone,
        citizen_email=email,
        # Contact details sent through an app are sent so that the unit can reply.
        contact_consent=bool(phone or email),
        public_consent=data.public_consent.strip().lower() in ("true", "1", "yes"),
        locale=data.locale,
    )
    case = submit_case(submission, Channel.API, now)
    attributes.store_answers(case, answers)
    db.session.add(ApiSubmission(
        case_id=case.id, api_key_id=key.id, address_id=address_id, media_url=media_url,
        created_at=now,
    ))
    db.session.flush()
    return case


def answers_from_form(items: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """attribute[CODE]=v and attribute[CODE][]=v pairs of a form, grouped by code."""
    grouped: dict[str, list[str]] = {}
    for name, value in items:
        match = ATTRIBUTE_FIELD.match(name)
        if match:
            grouped.setdefault(match.group(1), []).append(value)
    return grouped

