"""`flask seed demo` and `flask seed bulk`: demonstration data and volume data."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

seed_cli = AppGroup("seed", help="Load demo or volume data.")


def _refuse_production(force: bool, what: str = "demo data") -> None:
    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException(
            f"Refusing to load {what} into a production configuration (use --force)."
        )


@seed_cli.command("demo")
@click.option("--password", help="Password for every demo account (resets existing ones).")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no units yet.")
@click.option("--force", is_flag=True, help="Allow seeding under the production configuration.")
def seed_demo_command(password: str | None, if_empty: bool, force: bool) -> None:
    """Create the demo units, categories, accounts and cases (idempotent)."""
    from app.seed.demo import DEMO_ACCOUNTS, database_is_empty, seed_demo

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


@seed_cli.command("bulk")
@click.option("--cases", type=click.IntRange(min=1), required=True, help="How many cases to add.")
@click.option("--seed", type=int, default=None, help="Seed of the random choices (same seed, same data).")
@click.option("--units", type=click.IntRange(min=1), default=100, show_default=True,
              help="Add local branches until at least this many units exist.")
@click.option("--years", type=click.IntRange(min=1, max=10), default=2, show_default=True,
              help="Spread the cases over this many years back from today.")
@click.option("--workers", type=click.IntRange(min=1, max=16), default=1, show_default=True,
              help="Processes drawing the cases on PostgreSQL (same data for a given --seed).")
@click.option("--force", is_flag=True, help="Allow it under the production configuration.")
def seed_bulk_command(cases: int, seed: int | None, units: int, years: int, workers: int,
                      force: bool) -> None:
    """Add N realistic cases with their timelines, by bulk inserts (COPY on PostgreSQL)."""
    from app.seed.bulk import seed_bulk

    _refuse_production(force, "volume data")
    report = seed_bulk(cases, seed=seed, units=units, years=years, workers=workers)
    db.session.commit()
    rate = report.cases / report.seconds if report.seconds else 0
    click.echo(
        f"Added {report.cases:,} cases and {report.events:,} events in {report.seconds:.1f} s "
        f"({rate:,.0f} cases/s); units created: {report.units_created}, "
        f"accounts created: {report.users_created}."
    )
    if report.campaign:
        click.echo(f"Scored in the open campaign “{report.campaign}” "
                   "(run `flask scores recompute` for its scorecards).")
    click.echo("By status: " + ", ".join(f"{k} {v:,}" for k, v in report.statuses.items()))
    if report.demo.password:
        click.echo(f"Demo accounts created with the password: {report.demo.password}")
