"""TRUSTED_PROXIES: behind a proxy, limits and the sign-in lockout count the forwarded client.

The test client plays the proxy (REMOTE_ADDR 127.0.0.1) and names the client in
X-Forwarded-For, as nginx does.
"""
from __future__ import annotations

import pytest

from app import create_app
from app.config import TestingConfig
from tests.conftest import csrf_token
from tests.factories import EMAILS, PASSWORD

PROXY = "127.0.0.1"


def _app(tmp_path, database_url, **config):
    return create_app(TestingConfig, instance_path=str(tmp_path / "proxied"),
                      SQLALCHEMY_DATABASE_URI=database_url, **config)


def _login(client, email, password, forwarded_for):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password},
                       headers={"X-Forwarded-For": forwarded_for},
                       environ_base={"REMOTE_ADDR": PROXY})


def test_behind_one_proxy_failures_from_one_client_do_not_lock_out_another(
        tmp_path, database_url, world):
    app = _app(tmp_path, database_url, TRUSTED_PROXIES=1)
    assert app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] == 20
    client = app.test_client()
    for i in range(20):
        _login(client, f"guess{i}@test.vn", "wrong password", forwarded_for="203.0.113.7")
    assert _login(client, EMAILS["officer_bhxh"], PASSWORD, "203.0.113.7").status_code == 429
    # Another citizen of the same city, through the same proxy, signs in.
    assert _login(client, EMAILS["officer_bhxh"], PASSWORD, "198.51.100.4").status_code == 303


def test_without_trusted_proxies_a_forged_forwarded_for_picks_no_other_address(
        tmp_path, database_url, world):
    app = _app(tmp_path, database_url, LOGIN_MAX_FAILURES_PER_ADDRESS=4)
    assert app.config["TRUSTED_PROXIES"] == 0
    client = app.test_client()
    for i in range(4):
        _login(client, f"guess{i}@test.vn", "wrong password", forwarded_for=f"198.51.100.{i}")
    # Every failure counted against the real address, whatever the header said.
    assert _login(client, EMAILS["officer_bhxh"], PASSWORD, "192.0.2.200").status_code == 429


def test_behind_one_proxy_rate_limits_count_each_client(tmp_path, database_url, world):
    app = _app(tmp_path, database_url, TRUSTED_PROXIES=1, RATELIMIT_ENABLED=True,
               OPEN311_ANONYMOUS_REQUESTS_PER_MINUTE=2)
    client = app.test_client()

    def services(forwarded_for: str) -> int:
        return client.get("/open311/v2/services.json", headers={"X-Forwarded-For": forwarded_for},
                          environ_base={"REMOTE_ADDR": PROXY}).status_code

    assert [services("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert services("198.51.100.4") == 200
    # Only the last hop is trusted: a client prepending addresses gains nothing.
    assert services("198.51.100.9, 203.0.113.7") == 429


def test_a_negative_number_of_proxies_is_refused(tmp_path, database_url):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        _app(tmp_path, database_url, TRUSTED_PROXIES=-1)
