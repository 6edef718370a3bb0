"""Throwaway PostgreSQL databases for the gates: created on a server, migrated, dropped."""
from __future__ import annotations

import logging
import os
import tempfile
import uuid
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

from app.config import normalise_database_url

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    """The PostgreSQL server to use: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local one."""
    return (os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
            or DEFAULT_SERVER)


@contextmanager
def scratch_database(prefix: str = "lang_nghe_bench"):
    """A new, migrated database on the server (its SQLAlchemy URL); dropped afterwards."""
    server = make_url(normalise_database_url(server_url()))
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str, **overrides):
    """The application on that database, with its instance folder in a temporary directory."""
    from app import create_app
    from app.config import DevelopmentConfig

    overrides.setdefault("SECRET_KEY", "bench-only-secret")
    overrides.setdefault("REDIS_URL", None)
    overrides.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    overrides.setdefault("RATELIMIT_ENABLED", False)  # every measured request comes from one address
    instance = tempfile.mkdtemp(prefix="lang-nghe-instance-")
    app = create_app(DevelopmentConfig, instance_path=instance, SQLALCHEMY_DATABASE_URI=url,
                     **overrides)
    logging.getLogger("lang_nghe.request").setLevel(logging.WARNING)  # thousands of requests
    return app


def migrate(url: str) -> None:
    """Apply every migration to the database."""
    from pathlib import Path

    from flask_migrate import upgrade

    from app.extensions import db

    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(Path(app.root_path).parent / "migrations"))
        db.engine.dispose()


def seed(url: str, cases: int, password: str, units: int = 500, seed_value: int = 9) -> dict:
    """Demo accounts (with ``password``) and ``cases`` bulk cases; returns the bulk report numbers."""
    from app.extensions import db
    from app.seed.bulk import seed_bulk
    from app.seed.demo import seed_demo

    app = make_app(url)
    with app.app_context():
        seed_demo(password)
        db.session.commit()
        report = seed_bulk(cases, seed=seed_value, units=units)
        db.session.commit()
        db.engine.dispose()
    return {"cases": report.cases, "events": report.events, "seconds": report.seconds}
