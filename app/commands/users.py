"""`flask users create-admin`: the first administrator of a fresh installation."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from app.extensions import db
from app.models import Role, User

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's email.")
@click.option("--name", prompt=True, help="The administrator's full name.")
@click.password_option(help="The administrator's password (asked twice if not given).")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create the first administrator of a fresh installation."""
    from app.accounts import credentials
    from app.accounts.users import snapshot
    from app.core import audit
    from app.core.timeutil import utcnow

    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an email address", param_hint="--email")
    problem = credentials.password_problem(password, email)
    if problem is not None:
        with force_locale("en"):
            raise click.BadParameter(str(problem), param_hint="--password")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise click.ClickException(f"An account with the email {email} already exists.")
    user = User(email=email, name=name.strip()[:120], role=Role.ADMIN.value)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(None, "create", "user", user.id, user.email, utcnow(), after=snapshot(user))
    db.session.commit()
    click.echo(f"Administrator {email} created.")
