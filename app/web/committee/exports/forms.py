"""The export request form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import AnyOf, DataRequired

from app.web.forms import Form


class ExportForm(Form):
    """Which list, in which format, with the filters of the page it came from."""

    kind = HiddenField(validators=[AnyOf(("scorecard", "cases"))])
    file_format = SelectField(_l("Format"), choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")],
                              validators=[DataRequired()])
    campaign = HiddenField()
    period = HiddenField()
    unit = HiddenField()
    show = HiddenField()
    submit = SubmitField(_l("Export to Excel"))
