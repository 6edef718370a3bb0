"""`flask apikeys create|revoke|list`: the same keys as the admin page, from a shell."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.accounts import apikeys
from app.core.errors import InvalidInput
from app.core.timeutil import to_local, utcnow
from app.extensions import db

apikeys_cli = AppGroup("apikeys", help="Manage Open311 API keys (create, revoke, list).")


def _when(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


@apikeys_cli.command("create")
@click.option("--name", required=True, help="Who will use the key (a program or partner).")
def create_command(name: str) -> None:
    """Create a key and print it, alone on the last line, once."""
    try:
        key, secret = apikeys.create_key(name, utcnow())
    except InvalidInput as err:
        raise click.BadParameter(str(err.message), param_hint="--name") from None
    db.session.commit()
    click.echo(f"API key {key.id} ({key.prefix}…) created for {key.name}. "
               "Copy it now: it is stored hashed and cannot be shown again.")
    click.echo(secret)


@apikeys_cli.command("revoke")
@click.argument("key")
def revoke_command(key: str) -> None:
    """Revoke a key, given by its id or its visible prefix."""
    found = apikeys.find_key(key)
    if found is None:
        raise click.ClickException(f"No single API key has the id or prefix {key!r}.")
    if apikeys.revoke_key(found, utcnow()):
        db.session.commit()
        click.echo(f"API key {found.id} ({found.prefix}…, {found.name}) revoked.")
    else:
        click.echo(f"API key {found.id} ({found.prefix}…, {found.name}) was already revoked.")


@apikeys_cli.command("list")
def list_command() -> None:
    """Every key: id, prefix, name, created, last used, and whether it is revoked."""
    keys = apikeys.list_keys()
    if not keys:
        click.echo("No API keys yet. Create one with `flask apikeys create --name NAME`.")
        return
    click.echo(f"{'id':>4}  {'prefix':<13} {'created':<16}  {'last used':<16}  {'state':<7}  name")
    for key in keys:
        state = "revoked" if key.revoked_at else "active"
        click.echo(f"{key.id:>4}  {key.prefix:<13} {_when(key.created_at):<16}  "
                   f"{_when(key.last_used_at):<16}  {state:<7}  {key.name}")
