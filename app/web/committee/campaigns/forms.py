"""Forms of the campaign pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from app.models.campaigns import DEFAULT_WEIGHTS
from app.web.forms import Form, GroupedSelect, LocalDateField, database_int

WEIGHT_LABELS = {
    "ack": _l("Weight: acknowledged on time"),
    "response": _l("Weight: answered on time"),
    "satisfaction": _l("Weight: rated 4–5"),
    "reopen": _l("Weight: not reopened"),
    "transfer": _l("Weight: no late transfer"),
    "cohandling": _l("Weight: co-handling on time"),
    "works": _l("Weight: campaign works"),
}


def _weight(code: str) -> IntegerField:
    return IntegerField(WEIGHT_LABELS[code], default=DEFAULT_WEIGHTS[code],
                        validators=[InputRequired(), NumberRange(0, 100)])


class CampaignForm(Form):
    """An admin's campaign: period, fields, weights and score settings."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    starts_on = LocalDateField(_l("Starts on"), validators=[InputRequired()])
    ends_on = LocalDateField(_l("Ends on (inclusive)"), validators=[InputRequired()])
    fields = TextAreaField(_l("Fields, one per line: CODE | Vietnamese name | English name"),
                           validators=[DataRequired()])
    weight_ack = _weight("ack")
    weight_response = _weight("response")
    weight_satisfaction = _weight("satisfaction")
    weight_reopen = _weight("reopen")
    weight_transfer = _weight("transfer")
    weight_cohandling = _weight("cohandling")
    weight_works = _weight("works")
    prior_strength = IntegerField(_l("Prior strength k (cases)"), default=20,
                                  validators=[InputRequired(), NumberRange(0, 10000)])
    min_cases = IntegerField(_l("Minimum cases to be ranked"), default=10,
                             validators=[InputRequired(), NumberRange(0, 100000)])
    works_target = IntegerField(_l("Works target per unit"), default=2,
                                validators=[InputRequired(), NumberRange(1, 1000)])
    khoi_threshold = IntegerField(_l("Score for a Khối-level commendation"), default=80,
                                  validators=[InputRequired(), NumberRange(0, 100)])
    city_threshold = IntegerField(_l("Score for a city-level commendation"), default=90,
                                  validators=[InputRequired(), NumberRange(0, 100)])
    status = SelectField(_l("Status"), choices=[("open", lazy_pgettext("campaign", "Open")),
                                                ("closed", _l("Closed"))])
    submit = SubmitField(_l("Save the campaign"))


class WorkForm(Form):
    """A unit registers a work."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="work", **kwargs)

    field = SelectField(_l("Field"), coerce=database_int, validators=[InputRequired()])
    title = StringField(_l("Title of the work"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Register the work"))


class AdvanceForm(Form):
    """Move a work to its next status."""

    target = HiddenField(validators=[DataRequired()])


class CommendationForm(Form):
    """The committee records a commendation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="commend", **kwargs)

    level = SelectField(_l("Level"), choices=[("khoi", _l("Khối level")), ("city", _l("City level"))])
    kind = SelectField(_l("Commended"), choices=[("collective", _l("Collective")),
                                                 ("individual", _l("Individual"))])
    unit = SelectField(_l("Unit"), coerce=database_int, validators=[InputRequired()],
                       widget=GroupedSelect(_l("Choose a unit")))
    person_name = StringField(_l("Person's full name (individuals)"),
                              validators=[Optional(), Length(max=120)])
    citation = TextAreaField(_l("Citation"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record the commendation"))
