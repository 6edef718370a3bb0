"""Validators shared by forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from app.core.phone import normalise_phone


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
