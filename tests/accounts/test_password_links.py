"""One-time password links: hashed, single use, expiring, voided by a newer link."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts import password_links
from app.core.errors import InvalidInput
from app.models import LinkPurpose, PasswordToken, User
from tests.factories import EMAILS, MONDAY_9AM

NEW = "a long and quiet passphrase"


@pytest.fixture
def officer(db, world) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"]))


def test_only_the_hash_is_stored(db, officer):
    token = password_links.issue(officer, LinkPurpose.RESET, MONDAY_9AM, created_by=None)
    stored = db.session.scalar(sa.select(PasswordToken))
    assert len(token) >= 40 and stored.token_hash == password_links.token_hash(token)
    assert token not in stored.token_hash
    assert stored.expires_at == MONDAY_9AM + timedelta(hours=48)


def test_a_link_works_once(db, officer):
    token = password_links.issue(officer, LinkPurpose.INVITE, MONDAY_9AM, created_by=None)
    before = officer.session_token
    assert password_links.redeem(token, NEW, MONDAY_9AM + timedelta(hours=1)) is officer
    assert officer.check_password(NEW) and officer.session_token != before
    db.session.commit()
    with pytest.raises(password_links.LinkNotValid):
        password_links.redeem(token, "another passphrase here", MONDAY_9AM + timedelta(hours=2))
    assert password_links.valid_link(token, MONDAY_9AM + timedelta(hours=2)) is None


def test_a_link_expires(db, officer):
    token = password_links.issue(officer, LinkPurpose.RESET, MONDAY_9AM, created_by=None)
    assert password_links.valid_link(token, MONDAY_9AM + timedelta(hours=47, minutes=59)) is not None
    with pytest.raises(password_links.LinkNotValid):
        password_links.redeem(token, NEW, MONDAY_9AM + timedelta(hours=48))


def test_a_newer_link_voids_the_older_one(db, officer):
    old = password_links.issue(officer, LinkPurpose.RESET, MONDAY_9AM, created_by=None)
    new = password_links.issue(officer, LinkPurpose.RESET, MONDAY_9AM, created_by=None)
    assert password_links.valid_link(old, MONDAY_9AM) is None
    assert password_links.valid_link(new, MONDAY_9AM) is not None


def test_a_weak_password_keeps_the_link_usable(db, officer):
    token = password_links.issue(officer, LinkPurpose.RESET, MONDAY_9AM, created_by=None)
    with pytest.raises(InvalidInput):
        password_links.redeem(token, "123412341234", MONDAY_9AM)
    assert password_links.valid_link(token, MONDAY_9AM) is not None


def test_a_changed_password_voids_open_links(db, officer):
    from app.accounts import credentials

    token = password_links.issue(officer, LinkPurpose.RESET, MONDAY_9AM, created_by=None)
    credentials.change_password(officer, "correct horse battery", NEW, MONDAY_9AM)
    assert password_links.valid_link(token, MONDAY_9AM) is None
