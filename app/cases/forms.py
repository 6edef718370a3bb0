"""Forms of the case page. Each carries the case version the officer saw."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.services.workflow import ANSWER_MAX


class VersionedForm(FlaskForm):
    """A case action: the version guards against overwriting someone else's change."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])

    def refresh_version(self, version: int) -> None:
        """Carry the case's current version, keeping everything else the user typed."""
        self.version.data = version
        self.version.raw_data = None


class AcknowledgeForm(VersionedForm):
    """Acknowledge the case for the unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="ack", **kwargs)

    submit = SubmitField(_l("Acknowledge"))


class RespondForm(VersionedForm):
    """The unit's public answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="respond", **kwargs)

    answer = TextAreaField(
        _l("Public answer to the citizen"),
        validators=[DataRequired(_l("Write the answer to the citizen.")), Length(max=ANSWER_MAX)],
    )
    submit = SubmitField(_l("Send the answer"))
