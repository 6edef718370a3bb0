"""`flask scores recompute` and `flask scores backfill`."""
from __future__ import annotations

import re

import click
from flask.cli import AppGroup

from app.extensions import db

scores_cli = AppGroup("scores", help="Campaign scores and their snapshots.")


@scores_cli.command("recompute")
@click.option("--campaign", "campaign_id", type=int, help="Only this campaign (its id).")
@click.option("--period", help="Only this period: YYYY-MM, YYYY-Qn, YYYY or 'all'.")
def recompute_command(campaign_id: int | None, period: str | None) -> None:
    """Recompute score snapshots of every period begun so far (idempotent within a day)."""
    from app.core.timeutil import utcnow
    from app.scoring import snapshots

    if period and not re.fullmatch(r"all|\d{4}(-\d{2}|-Q[1-4])?", period):
        raise click.BadParameter("use YYYY-MM, YYYY-Qn, YYYY or all", param_hint="--period")
    written = snapshots.recompute(utcnow(), campaign_id=campaign_id, period_key=period)
    db.session.commit()
    click.echo(f"Snapshot rows written: {written}.")


@scores_cli.command("backfill")
def backfill_command() -> None:
    """Fill per-unit due times and working minutes for cases made before scorecards existed."""
    from app.scoring.attribution import backfill

    touched = backfill()
    db.session.commit()
    click.echo(f"Cases completed: {touched}.")
