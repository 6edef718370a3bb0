"""API keys: shown once, stored as a SHA-256 hash, revocable, with their last use recorded."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts import apikeys
from app.core.errors import InvalidInput
from app.models import ApiKey
from tests.factories import MONDAY_9AM


def test_a_new_key_is_stored_only_as_its_hash(db):
    key, secret = apikeys.create_key("  Chatbot quận 1 ", MONDAY_9AM)
    db.session.commit()
    row = db.session.scalar(sa.select(ApiKey))
    assert row.name == "Chatbot quận 1"
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith("ln311_") and len(secret) >= 40
    assert row.prefix == secret[:12] and secret not in (row.prefix, row.secret_hash)
    assert row.created_at == MONDAY_9AM and row.revoked_at is None and row.last_used_at is None


def test_two_keys_never_share_a_secret(db):
    secrets = {apikeys.create_key(f"k{i}", MONDAY_9AM)[1] for i in range(5)}
    assert len(secrets) == 5


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_key_needs_a_reasonable_name(db, name):
    with pytest.raises(InvalidInput) as err:
        apikeys.create_key(name, MONDAY_9AM)
    assert err.value.field == "name"


def test_authenticate_finds_the_key_and_records_its_use(db):
    key, secret = apikeys.create_key("app", MONDAY_9AM)
    later = MONDAY_9AM + timedelta(hours=2)
    assert apikeys.authenticate(secret, later) is key
    assert key.last_used_at == later
    # Within a minute the use is not written again; after it, it is.
    assert apikeys.authenticate(secret, later + timedelta(seconds=30)) is key
    assert key.last_used_at == later
    assert apikeys.authenticate(f" {secret} ", later + timedelta(minutes=2)) is key
    assert key.last_used_at == later + timedelta(minutes=2)


@pytest.mark.parametrize("sent", [None, "", "ln311_wrong", "x" * 500])
def test_authenticate_refuses_unknown_secrets(db, sent):
    apikeys.create_key("app", MONDAY_9AM)
    assert apikeys.authenticate(sent, MONDAY_9AM) is None


def test_a_revoked_key_no_longer_authenticates(db):
    key, secret = apikeys.create_key("app", MONDAY_9AM)
    assert apikeys.revoke_key(key, MONDAY_9AM + timedelta(days=1)) is True
    assert apikeys.revoke_key(key, MONDAY_9AM + timedelta(days=2)) is False
    assert key.revoked_at == MONDAY_9AM + timedelta(days=1)
    assert apikeys.authenticate(secret, MONDAY_9AM + timedelta(days=3)) is None


def test_list_shows_active_keys_first_then_newest(db):
    old, _ = apikeys.create_key("old", MONDAY_9AM)
    new, _ = apikeys.create_key("new", MONDAY_9AM + timedelta(days=1))
    gone, _ = apikeys.create_key("gone", MONDAY_9AM + timedelta(days=2))
    apikeys.revoke_key(gone, MONDAY_9AM + timedelta(days=3))
    assert [k.name for k in apikeys.list_keys()] == ["new", "old", "gone"]


def test_find_key_by_id_or_prefix(db):
    key, secret = apikeys.create_key("app", MONDAY_9AM)
    assert apikeys.find_key(str(key.id)) is key
    assert apikeys.find_key(secret[:12]) is key
    assert apikeys.find_key("ln311_nothing") is None
    assert apikeys.find_key(secret) is None  # the full secret is not an identifier


def test_creating_and_revoking_a_key_is_audited(db, world):
    from app.models import AuditEntry, User
    from tests.factories import EMAILS

    admin = db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))
    key, secret = apikeys.create_key("Ứng dụng phường", MONDAY_9AM, created_by=admin)
    assert apikeys.revoke_key(key, MONDAY_9AM + timedelta(hours=1), actor=admin)
    assert not apikeys.revoke_key(key, MONDAY_9AM + timedelta(hours=2), actor=admin)
    db.session.commit()
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.entity_type, e.entity_id, e.actor_email) for e in entries] == [
        ("create", "api_key", key.id, EMAILS["admin"]),
        ("revoke", "api_key", key.id, EMAILS["admin"]),
    ]
    # The secret never reaches the audit log; only its visible prefix does.
    assert all(secret not in str(e.after) for e in entries)
    assert entries[0].after == {"name": "Ứng dụng phường", "prefix": key.prefix}
