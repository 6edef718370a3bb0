"""Failed sign-ins counted per account and per address, with a lockout that ends."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts import throttle
from app.models import LoginThrottle
from tests.factories import MONDAY_9AM

RULES = throttle.ThrottleRules(max_failures_per_account=3, max_failures_per_address=5,
                               window=timedelta(minutes=15), lockout=timedelta(minutes=10))


def _fail(email="a@test.vn", address="10.0.0.1", now=MONDAY_9AM):
    return throttle.record_failure(email, address, now, RULES)


def test_the_third_failure_locks_the_account_for_ten_minutes(db):
    assert _fail() is None and _fail() is None
    assert _fail(now=MONDAY_9AM + timedelta(minutes=1)) == MONDAY_9AM + timedelta(minutes=11)
    assert throttle.locked_until("a@test.vn", "10.9.9.9", MONDAY_9AM + timedelta(minutes=2)) \
        == MONDAY_9AM + timedelta(minutes=11)
    assert throttle.locked_until("A@Test.vn ", None, MONDAY_9AM + timedelta(minutes=10, seconds=59)) \
        is not None
    assert throttle.locked_until("a@test.vn", None, MONDAY_9AM + timedelta(minutes=11)) is None
    assert throttle.locked_until("b@test.vn", "10.9.9.9", MONDAY_9AM + timedelta(minutes=2)) is None


def test_after_a_lockout_the_count_starts_again(db):
    for _ in range(3):
        _fail()
    later = MONDAY_9AM + timedelta(minutes=10)
    other = "10.0.0.2"  # the first address has 3 of its 5 failures already
    assert _fail(now=later, address=other) is None and _fail(now=later, address=other) is None
    assert _fail(now=later, address=other) == later + timedelta(minutes=10)


def test_failures_older_than_the_window_are_forgotten(db):
    _fail()
    _fail()
    assert _fail(now=MONDAY_9AM + timedelta(minutes=15)) is None
    assert _fail(now=MONDAY_9AM + timedelta(minutes=16)) is None
    assert _fail(now=MONDAY_9AM + timedelta(minutes=17)) is not None


def test_the_address_locks_after_its_own_limit_across_accounts(db):
    for i in range(4):
        assert _fail(email=f"u{i}@test.vn") is None
    assert _fail(email="u4@test.vn") == MONDAY_9AM + timedelta(minutes=10)
    assert throttle.locked_until("fresh@test.vn", "10.0.0.1", MONDAY_9AM) is not None
    assert throttle.locked_until("fresh@test.vn", "10.0.0.2", MONDAY_9AM) is None


def test_success_clears_only_the_account(db):
    _fail()
    _fail()
    throttle.record_success("a@test.vn")
    assert _fail() is None and _fail() is None
    keys = set(db.session.scalars(sa.select(LoginThrottle.key)))
    assert keys == {throttle.account_key("a@test.vn"), throttle.address_key("10.0.0.1")}


def test_what_was_typed_is_not_stored_in_clear(db):
    _fail(email="my secret password")
    keys = " ".join(db.session.scalars(sa.select(LoginThrottle.key)))
    assert "secret" not in keys and len(throttle.account_key("x")) == len("account:") + 64
