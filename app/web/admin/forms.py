"""Forms of the admin console. They check the shape of the input; the rules
(unique codes, the unit tree, password links, targets) live in services/admin/."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.web.forms import Form, WholeNumberField, database_int
from app.web.forms import LocalDateField as SharedLocalDateField

NO_UNIT = 0  # the "none" choice of a unit list


class LocalDateField(SharedLocalDateField):
    """A date field (yyyy-mm-dd, as date inputs send it) whose parse error is translated."""

    message = _l("Enter a date such as 2026-09-01.")


class UnitForm(Form):
    """A unit's names, email and place in the tree."""

    name = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(_l("This field is required.")), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email of the unit"), validators=[Optional(), Length(max=254)])
    parent_id = SelectField(_l("Parent unit"), coerce=database_int, validate_choice=False)
    handles_cases = BooleanField(_l("Handles citizens' cases"), default=True)
    submit = SubmitField(_l("Save"))


class NewUnitForm(UnitForm):
    """A new unit, with its code."""

    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter a code.")), Length(max=32)])
    submit = SubmitField(_l("Add unit"))


class AccountForm(Form):
    """A staff account's email, name, role and unit."""

    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter an email address.")), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(_l("This field is required.")), Length(max=120)])
    role = SelectField(_l("Role"), validate_choice=False)
    unit_id = SelectField(_l("Unit"), coerce=database_int, validate_choice=False)
    submit = SubmitField(_l("Save"))


class NewAccountForm(AccountForm):
    """A new account; its owner gets a one-time link to choose a password."""

    submit = SubmitField(_l("Create account and invitation link"))


class AccountFilterForm(Form):
    """Narrow the account list (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or email contains"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), validate_choice=False)
    unit = SelectField(_l("Unit"), coerce=database_int, validate_choice=False)


class CategoryForm(Form):
    """A category: names, keywords, routing, flags, order."""

    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(_l("This field is required.")), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(_l("This field is required.")), Length(max=120)])
    keywords = StringField(_l("Keywords"), validators=[Optional(), Length(max=255)])
    default_unit = SelectField(
        _l("Cases go to"),
        validators=[DataRequired(_l("Choose the unit that receives these cases, or send them to triage."))],
        validate_choice=False,
    )
    asks_location = BooleanField(_l("Ask the citizen where the problem is"))
    active = BooleanField(_l("Offered to citizens"), default=True)
    position = WholeNumberField(_l("Display order"), default=0,
                                validators=[InputRequired(_l("Enter a whole number."))])
    submit = SubmitField(_l("Save"))


class NewCategoryForm(CategoryForm):
    """A new category, with its code (also its Open311 service code)."""

    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter a code.")), Length(max=32)])
    submit = SubmitField(_l("Add category"))


def _target(label):
    return WholeNumberField(label, validators=[InputRequired(_l("Enter a whole number greater than zero."))])


UNIT_CHOICES = [("working_hours", _l("working hours")), ("working_days", _l("working days")),
                ("calendar_days", _l("days (calendar)"))]


class RegimeForm(Form):
    """A deadline regime's terms. The amounts' limits and the units are the domain's to check."""

    first_step_amount = WholeNumberField(_l("First step within"))
    first_step_unit = SelectField(_l("First step counted in"), choices=UNIT_CHOICES,
                                  validate_choice=False)
    resolution_amount = WholeNumberField(_l("Answer within"))
    resolution_unit = SelectField(_l("Answer counted in"), choices=UNIT_CHOICES,
                                  validate_choice=False)
    resolution_from_first_step = BooleanField(_l("The answer is counted from acceptance"))
    max_extensions = WholeNumberField(_l("Extensions allowed"))
    extension_amount = WholeNumberField(_l("Each extension at most"))
    extension_unit = SelectField(_l("Extension counted in"), choices=UNIT_CHOICES[1:],
                                 validate_choice=False)
    legal_source = TextAreaField(_l("Legal source"), validators=[Optional(), Length(max=400)])
    submit = SubmitField(_l("Save"))


class NewRegimeForm(RegimeForm):
    """A new regime: the kind, and the field, the priority or both it is limited to."""

    kind = SelectField(_l("Kind of case"), validate_choice=False)
    category_id = SelectField(_l("Field"), coerce=database_int, validate_choice=False)
    priority = SelectField(_l("Priority"), validate_choice=False)
    submit = SubmitField(_l("Add regime"))


class CalendarDayForm(Form):
    """An exception to the working calendar."""

    day = LocalDateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    kind = SelectField(
        _l("Kind"),
        choices=[("day_off", _l("Extra day off")), ("working_day", _l("Make-up working day"))],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add to the calendar"))


class AuditFilterForm(Form):
    """Narrow the audit log (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    actor = SelectField(_l("Administrator"), coerce=database_int, validate_choice=False)
    entity = SelectField(_l("Kind of record"), validate_choice=False)
    date_from = LocalDateField(_l("From"), validators=[Optional()])
    date_to = LocalDateField(_l("To"), validators=[Optional()])


class RoutingRuleForm(Form):
    """A new routing rule: category, ward (empty for any ward) and unit."""

    category_id = SelectField(_l("Category"), coerce=database_int, validate_choice=False)
    ward = StringField(_l("Ward"))
    unit_id = SelectField(_l("Unit"), coerce=database_int, validate_choice=False)
    submit = SubmitField(_l("Add rule"))


class RuleUnitForm(Form):
    """Another unit for an existing routing rule."""

    unit_id = SelectField(_l("Unit"), coerce=database_int, validate_choice=False)
    submit = SubmitField(_l("Save"))


class RoutingTestForm(Form):
    """Which unit would get a case of this category in this ward (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    category_id = SelectField(_l("Category"), coerce=database_int, validate_choice=False)
    ward = StringField(_l("Ward"))
    submit = SubmitField(_l("Find the unit"))
