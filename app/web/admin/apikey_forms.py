"""The form that creates an API key."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.accounts.apikeys import NAME_MAX
from app.web.forms import Form


class ApiKeyForm(Form):
    """Name a new key after the program or partner that will use it."""

    name = StringField(
        _l("Who will use the key"),
        validators=[DataRequired(_l("Give the key a name (who uses it).")), Length(max=NAME_MAX)],
    )
    submit = SubmitField(_l("Create key"))
