"""Forms of co-handling on the case page: asking a unit for input, answering, declining."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, MultipleFileField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.cases.cohandling import CONTRIBUTION_MAX, QUESTION_MAX
from app.cases.lifecycle import REASON_MAX
from app.web.attachments import ACCEPT
from app.web.forms import GroupedSelect, LocalDateField
from app.web.staff.forms import VersionedForm, optional_int


class AskCohandlingForm(VersionedForm):
    """The lead unit asks another unit for its input, by a last day."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="cohandling", **kwargs)

    unit = SelectField(_l("Unit asked for input"), coerce=optional_int, validate_choice=False,
                       widget=GroupedSelect(_l("Choose a unit")),
                       validators=[InputRequired(_l("Choose a unit from the list."))])
    question = TextAreaField(_l("What the unit is asked for"), validators=[
        DataRequired(_l("Write what the unit is asked for.")), Length(max=QUESTION_MAX)])
    last_day = LocalDateField(_l("Input by"), validators=[
        InputRequired(_l("Choose the last day for the input."))])
    share_contact = BooleanField(_l("Share the citizen's contact details with this unit"))
    submit = SubmitField(_l("Ask for input"))


class ContributeForm(VersionedForm):
    """The asked unit's input: a text and files for the lead unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="contribute", **kwargs)

    text = TextAreaField(_l("Your unit's input"), validators=[
        DataRequired(_l("Write the unit's input.")), Length(max=CONTRIBUTION_MAX)])
    files = MultipleFileField(_l("Files for the lead unit"), render_kw={"accept": ACCEPT})
    submit = SubmitField(_l("Send the input"))


class DeclineForm(VersionedForm):
    """The asked unit declines, with the reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="decline", **kwargs)

    reason = TextAreaField(_l("Reason for declining"), validators=[
        DataRequired(_l("Say why the unit declines.")), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Decline"))


class WithdrawForm(VersionedForm):
    """The lead no longer needs a unit's input (one per open request; posted to its URL)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="withdraw", **kwargs)

    submit = SubmitField(_l("Withdraw the request"))


COHANDLING_FORMS = {"ask": AskCohandlingForm, "contribute": ContributeForm,
                    "decline": DeclineForm, "withdraw": WithdrawForm}
