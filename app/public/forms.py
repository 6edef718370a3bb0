"""The citizen's feedback form and the tracking lookup."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.forms_common import PhoneNumber
from app.services.intake import DESCRIPTION_MAX, TITLE_MAX


def optional_int(value) -> int | None:
    """An id from a select, or None for its empty placeholder option."""
    return None if value in ("", None) else int(value)


class FeedbackForm(FlaskForm):
    """What a citizen fills in on /feedback/new."""

    category = SelectField(
        _l("Field"), coerce=optional_int, validate_choice=True,
        validators=[DataRequired(_l("Choose a field from the list."))],
    )
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give your feedback a short title.")), Length(max=TITLE_MAX)],
    )
    description = TextAreaField(
        _l("Describe the problem"),
        validators=[DataRequired(_l("Describe the problem.")), Length(max=DESCRIPTION_MAX)],
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])
    ward = StringField(_l("Ward or commune"), validators=[Optional(), Length(max=100)])
    anonymous = BooleanField(_l("Send anonymously (no name or contact details are kept)"))
    citizen_name = StringField(_l("Your name"), validators=[Optional(), Length(max=120)])
    citizen_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32), PhoneNumber()])
    citizen_email = EmailField(
        _l("Email"),
        validators=[Optional(), Length(max=254),
                    Email(_l("Enter a valid email address."), check_deliverability=False)],
    )
    contact_consent = BooleanField(_l("You may contact me about this feedback"))
    public_consent = BooleanField(
        _l("The case may be listed publicly (without my name or contact details)")
    )
    submit = SubmitField(_l("Send feedback"))

    def validate_contact_consent(self, field) -> None:
        """Contact needs a way to reach the citizen."""
        if field.data and not self.anonymous.data and not (
            (self.citizen_phone.data or "").strip() or (self.citizen_email.data or "").strip()
        ):
            raise ValidationError(_l("Give a phone number or an email so that we can contact you."))


class TrackForm(FlaskForm):
    """Look a case up by its tracking code (a GET form, no CSRF needed)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Tracking code"),
        validators=[DataRequired(_l("Enter your tracking code.")), Length(max=32)],
    )
    submit = SubmitField(_l("Find my case"))
