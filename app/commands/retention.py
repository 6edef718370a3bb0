"""`flask retention sweep`: erase personal data past its retention period, once."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

retention_cli = AppGroup("retention", help="Erase personal data past its retention period.")


@retention_cli.command("sweep")
def retention_sweep_command() -> None:
    """Erase contact details and files of cases closed more than RETENTION_MONTHS ago (once)."""
    from app.jobs.retention import sweep

    erased = sweep()
    click.echo(f"Cases erased: {erased} (retention: {current_app.config['RETENTION_MONTHS']} months).")
