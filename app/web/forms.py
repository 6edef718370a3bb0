"""What forms share: validators, and the domain's refusals shown next to a field."""
from __future__ import annotations

from datetime import UTC, date, datetime

import wtforms
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, IntegerField, RadioField
from wtforms.validators import ValidationError

from app.cases import kinds, labels
from app.core.errors import DomainError, InvalidInput
from app.core.phone import normalise_phone
from app.web.form_messages import TRANSLATIONS
from app.web.input import DATABASE_INT_MAX, DATABASE_INT_MIN

# Dates outside these years are typing mistakes or probes; beyond them the time-zone
# arithmetic of the queue and the reports would overflow.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class Form(FlaskForm):
    """The base of every form of the app: WTForms' own messages in the user's language."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


class QueryForm(wtforms.Form):
    """The base of forms read from a URL (searches and filters: no CSRF token), translated
    as ``Form`` is."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


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


class KindChoice:
    """A field holding one of the legal kinds of case, judged by the domain's own parser."""

    def __call__(self, form, field) -> None:
        try:
            kinds.parse_kind(field.data)
        except InvalidInput as err:
            raise ValidationError(str(err.message)) from None


def kind_field(label=_l("Kind of case")) -> RadioField:
    """The required choice of the kind of case, one option per kind, phản ánh by default.

    The options' help sentences are labels.KIND_HELP; templates/_kind_field.html shows them.
    """
    return RadioField(
        label, choices=[(kind.value, name) for kind, name in labels.KIND.items()],
        default=kinds.INFORMATION_KIND.value, validate_choice=False, validators=[KindChoice()],
    )


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


def database_int(value) -> int:
    """Coerce a choice to an id, as ``int`` does; a number no id column can hold is refused."""
    number = value if isinstance(value, int) else int(value)
    if not DATABASE_INT_MIN <= number <= DATABASE_INT_MAX:
        raise ValueError(_l("Choose an option from the list."))
    return number


class WholeNumberField(IntegerField):
    """An integer field whose parse error is in the user's language; numbers beyond
    what the database holds are refused like any other malformed number."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            number = int(valuelist[0])
        except ValueError:
            number = None
        if number is None or not DATABASE_INT_MIN <= number <= DATABASE_INT_MAX:
            self.data = None
            raise ValueError(_l("Enter a whole number."))
        self.data = number


class LocalDateField(DateField):
    """A date typed as YYYY-MM-DD (what a date input sends), within the years the app
    can compute with; both errors are in the user's language."""

    message = _l("Enter a date as YYYY-MM-DD.")

    def process_formdata(self, valuelist):
        if not valuelist or not "".join(valuelist).strip():
            self.data = None  # empty: for Optional or InputRequired to judge
            return
        try:
            day = datetime.strptime(valuelist[0].strip(), "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            self.data = None
            raise ValueError(_l("Enter a date between %(a)d and %(b)d.",
                                a=EARLIEST_DATE.year, b=LATEST_DATE.year))
        self.data = day


def parse_moment(text: str | None) -> datetime | None:
    """An ISO 8601 moment with its offset, or None when it is malformed, naive or out of range."""
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment if EARLIEST_DATE <= moment.date() <= LATEST_DATE else None



class GroupedSelect(wtforms.widgets.Select):
    """A select whose options are grouped (``choices`` a dict: one <optgroup> per parent
    unit, see app.org.units.grouped_choices), after an empty first option."""

    def __init__(self, placeholder):
        super().__init__()
        self.placeholder = placeholder

    def __call__(self, field, **kwargs):
        if not field.has_groups():
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        for flag in ("required",):
            if getattr(field.flags, flag, False) and flag not in kwargs:
                kwargs[flag] = True
        html = [f"<select {wtforms.widgets.html_params(name=field.name, **kwargs)}>",
                self.render_option("", self.placeholder, field.data in (None, "", 0))]
        for group, choices in field.iter_groups():
            html.append(f"<optgroup {wtforms.widgets.html_params(label=group)}>")
            for value, label, selected, render_kw in choices:
                html.append(self.render_option(value, label, selected, **render_kw))
            html.append("</optgroup>")
        html.append("</select>")
        return Markup("".join(html))
