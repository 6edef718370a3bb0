"""Validators shared by forms."""
from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError


def normalise_phone(raw: str | None, region: str = "VN") -> str | None:
    """A phone number in E.164 form (+84...), or None when it is not a valid number."""
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PhoneNumber:
    """A field holding a valid phone number (Vietnam by default); normalises the data."""

    def __init__(self, message=None):
        self.message = message or _l("Enter a valid phone number, e.g. 0901 234 567.")

    def __call__(self, form, field) -> None:
        if not field.data or not field.data.strip():
            return
        normalised = normalise_phone(field.data)
        if normalised is None:
            raise ValidationError(self.message)
        field.data = normalised
