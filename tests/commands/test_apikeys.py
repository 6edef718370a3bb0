"""`flask apikeys create|revoke|list`."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa

from app.extensions import db
from app.models import ApiKey


def test_create_prints_the_key_alone_on_its_last_line(app, runner):
    result = runner.invoke(args=["apikeys", "create", "--name", "Nhóm nghiên cứu ĐHQG"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    secret = lines[-1]
    assert secret.startswith("ln311_") and " " not in secret
    assert secret not in "\n".join(lines[:-1])
    with app.app_context():
        key = db.session.scalar(sa.select(ApiKey))
        assert key.name == "Nhóm nghiên cứu ĐHQG" and key.created_by_id is None
        assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    listing = runner.invoke(args=["apikeys", "list"])
    assert key.prefix in listing.output and secret not in listing.output
    assert "active" in listing.output


def test_create_needs_a_name(app, runner):
    assert runner.invoke(args=["apikeys", "create"]).exit_code != 0
    result = runner.invoke(args=["apikeys", "create", "--name", "  "])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 0


def test_revoke_by_prefix_or_id(app, runner):
    secret = runner.invoke(args=["apikeys", "create", "--name", "A"]).output.strip().splitlines()[-1]
    runner.invoke(args=["apikeys", "create", "--name", "B"])
    result = runner.invoke(args=["apikeys", "revoke", secret[:12]])
    assert result.exit_code == 0 and "revoked" in result.output
    again = runner.invoke(args=["apikeys", "revoke", "1"])
    assert again.exit_code == 0 and "already revoked" in again.output
    missing = runner.invoke(args=["apikeys", "revoke", "ln311_nope"])
    assert missing.exit_code != 0
    with app.app_context():
        states = dict(db.session.execute(sa.select(ApiKey.name, ApiKey.revoked_at)).all())
        assert states["A"] is not None and states["B"] is None
    listing = runner.invoke(args=["apikeys", "list"]).output
    assert listing.index(" B") < listing.index(" A") and "revoked" in listing


def test_list_when_there_are_no_keys(runner):
    assert "No API keys yet" in runner.invoke(args=["apikeys", "list"]).output
