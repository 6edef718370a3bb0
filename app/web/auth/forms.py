"""Sign-in and password forms."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.web.forms import Form


class LoginForm(Form):
    """Staff sign-in."""

    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email.")), Length(max=254),
                    Email(_l("Enter a valid email address."), check_deliverability=False)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)]
    )
    remember = BooleanField(_l("Keep me signed in on this computer"), default=False)
    submit = SubmitField(_l("Sign in"))


class NewPasswordMixin:
    """A new password typed twice. The rules themselves live in services/accounts.py."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=200)],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("new_password", _l("The two passwords are not the same.")),
        ],
    )


class ChangePasswordForm(NewPasswordMixin, Form):
    """A signed-in user changes their own password."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=200)],
    )
    submit = SubmitField(_l("Change password"))


class SetPasswordForm(NewPasswordMixin, Form):
    """The owner of a one-time link chooses a password."""

    submit = SubmitField(_l("Set password"))
