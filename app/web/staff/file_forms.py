"""Files an officer adds to the unit's public answer."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import MultipleFileField, SubmitField

from app.web.attachments import ACCEPT
from app.web.forms import Form


class AnswerFilesForm(Form):
    """Photos or documents published with the answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="answer-files", **kwargs)

    attachments = MultipleFileField(_l("Choose files"), render_kw={"accept": ACCEPT})
    submit = SubmitField(_l("Add the files"))


class RemoveDraftForm(Form):
    """Take back a file not yet published."""
