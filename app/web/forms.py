"""What forms share: validators, and the domain's refusals shown next to a field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from app.core.errors import DomainError
from app.core.phone import normalise_phone


def show_on_form(form: FlaskForm, err: DomainError, fallback: str | None = None) -> str | None:
    """Put the domain's refusal next to the field it names, else next to ``fallback``.

    Returns the name of the field that shows the message, or None when the form has
    neither field (the caller then shows the message elsewhere on the page).
    """
    name = err.field if err.field and err.field in form else fallback
    if name is None or name not in form:
        return None
    form[name].errors = [*form[name].errors, str(err.message)]
    return name


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
