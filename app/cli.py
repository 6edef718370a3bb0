"""Flask commands: `flask seed demo|bulk`, `flask users create-admin`, `flask retention sweep`."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.extensions import db
from app.models import Role, User

seed_cli = AppGroup("seed", help="Load demo or volume data.")
users_cli = AppGroup("users", help="Manage staff accounts.")
retention_cli = AppGroup("retention", help="Erase personal data past its retention period.")


def _refuse_production(force: bool) -> None:
    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException(
            "Refusing to load demo data into a production configuration (use --force)."
        )


@seed_cli.command("demo")
@click.option("--password", help="Password for every demo account (resets existing ones).")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no units yet.")
@click.option("--force", is_flag=True, help="Allow seeding under the production configuration.")
def seed_demo_command(password: str | None, if_empty: bool, force: bool) -> None:
    """Create the demo units, categories, accounts and cases (idempotent)."""
    from app.demo import DEMO_ACCOUNTS, database_is_empty, seed_demo

    _refuse_production(force)
    if if_empty and not database_is_empty():
        click.echo("Demo data already present. Reset the demo passwords with "
                   "`flask seed demo --password NEW_PASSWORD`.")
        return
    if password is not None and len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="--password")
    report = seed_demo(password)
    db.session.commit()
    click.echo(
        f"Units created: {report.created_units}, categories: {report.created_categories}, "
        f"accounts: {report.created_users}, cases: {report.created_cases}."
    )
    if report.password:
        verb = "reset to" if report.password_reset else "created with"
        click.echo(f"Demo accounts {verb} the password: {report.password}")
        for email, _name, role, _unit in DEMO_ACCOUNTS:
            click.echo(f"  {email:<24} {role.value}")
    else:
        click.echo("Demo accounts unchanged (pass --password to reset them).")


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's email.")
@click.option("--name", prompt=True, help="The administrator's full name.")
@click.password_option(help="The administrator's password (asked twice if not given).")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create the first administrator of a fresh installation."""
    from app.services import accounts, audit
    from app.services.admin.users import snapshot
    from app.timeutil import utcnow

    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an email address", param_hint="--email")
    problem = accounts.password_problem(password, email)
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


@retention_cli.command("sweep")
def retention_sweep_command() -> None:
    """Erase contact details and files of cases closed more than RETENTION_MONTHS ago (once)."""
    from app.jobs.retention import sweep

    erased = sweep()
    click.echo(f"Cases erased: {erased} (retention: {current_app.config['RETENTION_MONTHS']} months).")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    from app.bulk.cli import seed_bulk_command
    from app.cli_deadlines import register as register_deadline_commands
    from app.scorecards.commands import scores_cli

    seed_cli.add_command(seed_bulk_command)
    app.cli.add_command(seed_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(scores_cli)
    register_deadline_commands(app)
    app.cli.add_command(retention_cli)
