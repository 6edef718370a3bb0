"""Password rules, sign-in with the throttle, and changing one's password."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts import credentials
from app.accounts.throttle import ThrottleRules
from app.core.errors import InvalidInput
from app.models import AuditEntry, User
from tests.factories import EMAILS, MONDAY_9AM, PASSWORD

RULES = ThrottleRules()


@pytest.mark.parametrize(("password", "ok"), [
    ("short pass", False),                 # 10 characters
    ("exactly 12 c", True),
    ("123456789012345", False),            # only digits
    ("officer.thue@test.vn", False),       # the email
    ("OFFICER.THUE@test.vn", False),
    ("officer.thue@test.vn!", True),
    ("x" * 201, False),
])
def test_password_rules(password, ok):
    assert (credentials.password_problem(password, "officer.thue@test.vn") is None) is ok


def _officer(db) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"]))


def test_sign_in_locks_after_five_failures_and_unlocks_after_fifteen_minutes(db, world):
    email = EMAILS["officer_thue"]
    for minute in range(5):
        result = credentials.sign_in(email, "nope", "10.0.0.1", MONDAY_9AM + timedelta(minutes=minute), RULES)
        assert result.user is None
    assert result.locked_until == MONDAY_9AM + timedelta(minutes=19)
    during = credentials.sign_in(email, PASSWORD, "10.0.0.1", MONDAY_9AM + timedelta(minutes=18), RULES)
    assert during.user is None and during.locked_until == MONDAY_9AM + timedelta(minutes=19)
    after = credentials.sign_in(email, PASSWORD, "10.0.0.1", MONDAY_9AM + timedelta(minutes=19), RULES)
    assert after.user is not None and after.user.last_login_at == MONDAY_9AM + timedelta(minutes=19)


def test_an_inactive_account_cannot_sign_in(db, world):
    _officer(db).active = False
    assert credentials.sign_in(EMAILS["officer_thue"], PASSWORD, None, MONDAY_9AM, RULES).user is None


def test_change_password_checks_the_current_one_and_the_rules(db, world):
    user = _officer(db)
    token = user.session_token
    with pytest.raises(InvalidInput) as wrong:
        credentials.change_password(user, "not it", "a much better passphrase", MONDAY_9AM)
    assert wrong.value.field == "current_password"
    with pytest.raises(InvalidInput) as weak:
        credentials.change_password(user, PASSWORD, "tiny", MONDAY_9AM)
    assert weak.value.field == "new_password"
    assert user.session_token == token
    credentials.change_password(user, PASSWORD, "a much better passphrase", MONDAY_9AM)
    assert user.check_password("a much better passphrase") and user.session_token != token
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.entity_id) == ("password_changed", user.id, user.id)
    assert entry.before is None and entry.after is None  # never the password or its hash
