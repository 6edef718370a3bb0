"""`flask users create-admin`: the first administrator of a fresh installation."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.accounts.users import create_admin
from app.core.errors import InvalidInput
from app.core.timeutil import utcnow
from app.extensions import db

users_cli = AppGroup("users", help="Manage staff accounts.")
# The option that holds each field the account rules may refuse.
OPTION_OF_FIELD = {"email": "--email", "name": "--name", "password": "--password"}


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's email.")
@click.option("--name", prompt=True, help="The administrator's full name.")
@click.password_option(help="The administrator's password (asked twice if not given).")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an administrator, under the account rules of the admin console."""
    with force_locale("en"):
        try:
            user = create_admin(email, name, password, utcnow())
        except InvalidInput as err:
            raise click.BadParameter(
                str(err.message), param_hint=OPTION_OF_FIELD.get(err.field)
            ) from None
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")
