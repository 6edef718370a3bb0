"""The citizen's feedback form and the tracking lookup."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.cases.lifecycle import REASON_MAX
from app.intake.submission import DESCRIPTION_MAX, TITLE_MAX
from app.web.attachments import ACCEPT
from app.web.forms import Form, PhoneNumber, kind_field


def optional_int(value) -> int | None:
    """An id from a select, or None for its empty placeholder option."""
    return None if value in ("", None) else int(value)


class FeedbackForm(Form):
    """What a citizen fills in on /feedback/new."""

    kind = kind_field(_l("What kind of feedback is this?"))
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
    notify_email = BooleanField(_l("Email me when my case is received, questioned, answered or closed"))
    public_consent = BooleanField(
        _l("The case may be listed publicly (without my name or contact details)")
    )
    attachments = MultipleFileField(_l("Photos or documents"), render_kw={"accept": ACCEPT})
    # A trap for robots: hidden from people, who leave it empty.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    submission_token = HiddenField()
    submit = SubmitField(_l("Send feedback"))

    def validate_website(self, field) -> None:
        """Anything typed into the hidden trap field means a robot filled the form."""
        if field.data:
            raise ValidationError(_l("Leave this field empty."))

    def validate_notify_email(self, field) -> None:
        """Email updates need an email address, and a name-less case has none."""
        if not field.data:
            return
        if self.anonymous.data:
            raise ValidationError(
                _l("Email updates need your email address: untick “Send anonymously” or this box.")
            )
        if not (self.citizen_email.data or "").strip():
            raise ValidationError(_l("Give your email address to receive updates by email."))

    def validate_contact_consent(self, field) -> None:
        """Contact needs a way to reach the citizen."""
        if field.data and not self.anonymous.data and not (
            (self.citizen_phone.data or "").strip() or (self.citizen_email.data or "").strip()
        ):
            raise ValidationError(_l("Give a phone number or an email so that we can contact you."))


class TrackForm(Form):
    """Look a case up by its tracking code (a GET form, no CSRF needed)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Tracking code"),
        validators=[DataRequired(_l("Enter your tracking code.")), Length(max=32)],
    )
    submit = SubmitField(_l("Find my case"))


class ReplyForm(Form):
    """The citizen's answer to the unit's question."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reply", **kwargs)

    message = TextAreaField(
        _l("Your answer"),
        validators=[DataRequired(_l("Write your answer.")), Length(max=REASON_MAX)],
    )
    attachments = MultipleFileField(_l("Photos or documents"), render_kw={"accept": ACCEPT})
    submit = SubmitField(_l("Send my answer"))


class RateForm(Form):
    """The citizen's rating of the unit's answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="rate", **kwargs)

    rating = RadioField(
        _l("How satisfied are you with the answer?"),
        choices=[("5", _l("5 — very satisfied")), ("4", _l("4 — satisfied")),
                 ("3", _l("3 — acceptable")), ("2", _l("2 — unsatisfied")),
                 ("1", _l("1 — very unsatisfied"))],
        validators=[DataRequired(_l("Choose a rating from 1 to 5."))],
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Send my rating"))


class ReopenForm(Form):
    """The citizen says the problem is not solved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reopen", **kwargs)

    reason = TextAreaField(
        _l("What is still not solved?"),
        validators=[DataRequired(_l("Tell us why the problem is not solved.")),
                    Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("The problem is not solved"))


class EraseContactForm(Form):
    """Confirmation that the citizen wants their contact details erased now."""

    submit = SubmitField(_l("Erase my contact details"))
