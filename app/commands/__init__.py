"""Every `flask` command of the product. Each module defines its command groups; they are
registered here, one way, by ``register``."""
from __future__ import annotations

from flask import Flask

from app.commands.apikeys import apikeys_cli
from app.commands.deadlines import calendar_cli, regimes_cli, sla_cli
from app.commands.retention import retention_cli
from app.commands.scores import scores_cli
from app.commands.seed import seed_cli
from app.commands.users import users_cli

GROUPS = (seed_cli, users_cli, sla_cli, calendar_cli, regimes_cli, scores_cli, apikeys_cli,
          retention_cli)


def register(app: Flask) -> None:
    """Attach every command group to the app."""
    for group in GROUPS:
        app.cli.add_command(group)
