"""The operator's forms: a call taken on the desk, and routing from triage."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from app.cases import labels
from app.intake.hotline import HOTLINE_CHANNELS
from app.intake.submission import DESCRIPTION_MAX, TITLE_MAX
from app.models import Channel, Priority
from app.web.forms import Form, GroupedSelect, PhoneNumber, WholeNumberField, database_int, kind_field


class CallForm(Form):
    """A call (or a visit, or a letter by email) typed in by the operator, in tab order."""

    caller_phone = StringField(
        _l("Caller's phone"), validators=[Optional(), Length(max=32), PhoneNumber()]
    )
    caller_name = StringField(_l("Caller's name"), validators=[Optional(), Length(max=120)])
    category_search = StringField(_l("Field"), validators=[Optional(), Length(max=100)])
    category = WholeNumberField(validators=[Optional()])
    kind = kind_field()
    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX)])
    description = TextAreaField(
        _l("What the caller reports"),
        validators=[DataRequired(_l("Describe the problem.")), Length(max=DESCRIPTION_MAX)],
    )
    ward = StringField(_l("Ward or commune"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])
    channel = SelectField(
        _l("Channel"), choices=[(c, labels.CHANNEL[Channel(c)]) for c in HOTLINE_CHANNELS],
        default=Channel.HOTLINE.value,
    )
    priority = SelectField(
        _l("Priority"), choices=[(p.value, labels.PRIORITY[p]) for p in Priority],
        default=Priority.NORMAL.value,
    )
    caller_email = EmailField(
        _l("Caller's email"),
        validators=[Optional(), Length(max=254),
                    Email(_l("Enter a valid email address."), check_deliverability=False)],
    )
    notify_email = BooleanField(_l("Send the caller email updates"))
    locale = SelectField(
        _l("Caller's language"), choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    contact_consent = BooleanField(_l("The caller agrees to be contacted"), default=True)
    submission_token = HiddenField()
    submit = SubmitField(_l("Save the case"))


class RouteForm(Form):
    """Send a waiting case to a unit."""

    unit = SelectField(_l("Responsible unit"), coerce=database_int, validate_choice=False,
                       widget=GroupedSelect(_l("— Choose a unit —")),
                       validators=[DataRequired(_l("Choose the responsible unit."))])
    submit = SubmitField(_l("Route"))
