"""`flask seed bulk --cases N`: volume data for benchmarks and load tests."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db


@click.command("bulk")
@click.option("--cases", type=click.IntRange(min=1), required=True, help="How many cases to add.")
@click.option("--seed", type=int, default=None, help="Seed of the random choices (same seed, same data).")
@click.option("--units", type=click.IntRange(min=1), default=100, show_default=True,
              help="Add local branches until at least this many units exist.")
@click.option("--years", type=click.IntRange(min=1, max=10), default=2, show_default=True,
              help="Spread the cases over this many years back from today.")
@click.option("--force", is_flag=True, help="Allow it under the production configuration.")
@with_appcontext
def seed_bulk_command(cases: int, seed: int | None, units: int, years: int, force: bool) -> None:
    """Add N realistic cases with their timelines, by bulk inserts (COPY on PostgreSQL)."""
    from app.bulk import seed_bulk

    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException(
            "Refusing to load volume data into a production configuration (use --force)."
        )
    report = seed_bulk(cases, seed=seed, units=units, years=years)
    db.session.commit()
    rate = report.cases / report.seconds if report.seconds else 0
    click.echo(
        f"Added {report.cases:,} cases and {report.events:,} events in {report.seconds:.1f} s "
        f"({rate:,.0f} cases/s); units created: {report.units_created}, "
        f"accounts created: {report.users_created}."
    )
    click.echo("By status: " + ", ".join(f"{k} {v:,}" for k, v in report.statuses.items()))
    if report.demo.password:
        click.echo(f"Demo accounts created with the password: {report.demo.password}")
