"""Fixtures in the flaskr style: app, client, runner, db, and helpers to sign in.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too
(the fixture creates a database of its own on that server and drops it after).
The schema comes from the Alembic migrations; each test starts from empty tables.
"""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app import create_app
from app.config import TestingConfig, normalise_database_url
from app.deadlines import regimes
from app.extensions import db as _db

REPO = Path(__file__).resolve().parent.parent


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        backends.append("postgresql")
    elif os.environ.get("REQUIRE_SERVICES") == "1":
        raise pytest.UsageError("REQUIRE_SERVICES=1 but TEST_DATABASE_URL is not set.")
    return backends


@pytest.fixture(scope="session", params=_backends())
def database_url(request, tmp_path_factory):
    """A fresh, migrated database for the whole session, on each backend."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        url = f"sqlite:///{path}"
        _migrate(url)
        yield url
        return
    server = make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    name = f"lang_nghe_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(url: str) -> None:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(REPO / "migrations"))
        _db.engine.dispose()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture
def app(database_url, tmp_path):
    """The application on a clean database, with its instance folder in tmp."""
    app = create_app(
        TestingConfig, instance_path=str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=database_url
    )
    with app.app_context():  # what the migrations seed, as every test starts from it
        regimes.ensure_defaults()
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """An app context and the SQLAlchemy object, for service tests."""
    with app.app_context():
        yield _db
        _db.session.rollback()


@pytest.fixture
def world(app):
    """Two units with categories and one account per role (see tests/factories.py)."""
    from tests.factories import make_world

    with app.app_context():
        ids = make_world()
        _db.session.commit()
    return ids


_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    page = client.get(path)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Auth:
    """Signs the test client in and out as one of the world's accounts."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str | None = None):
        from tests.factories import PASSWORD

        token = csrf_token(self.client, "/login")
        return self.client.post(
            "/login",
            data={"csrf_token": token, "email": email, "password": password or PASSWORD},
        )

    def logout(self):
        token = csrf_token(self.client)
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return Auth(client)


class _Inbox:
    """Collects what the loopback SMTP server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port; ``.messages`` holds what arrived."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def mail_app(app, smtp_server):
    """The app pointed at the loopback SMTP server."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    return app


def redis_url_or_skip() -> str:
    """The real Redis of the machine, or a skip (a failure when REQUIRE_SERVICES=1)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("REDIS_URL not set")
    return url


# Scorecard tests' hand-worked figures count answers in working hours (ten working days'
# worth: 80 h; urgent 24 h), as the deadline rules did when they were worked out. What a
# unit is charged with is the same whichever way a regime counts: the instants stored on the
# case and its arrivals. Day counts themselves are tested in tests/deadlines.
@pytest.fixture
def hour_regimes(db, world):
    """Phản ánh answered in working hours (8 h / 80 h normal, 2 h / 24 h urgent)."""
    from tests.factories import make_regime

    make_regime("phan_anh", first=(8, "working_hours"), resolution=(80, "working_hours"))
    make_regime("phan_anh", priority="urgent", first=(2, "working_hours"),
                resolution=(24, "working_hours"))
    db.session.commit()
