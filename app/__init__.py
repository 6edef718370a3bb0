"""Lắng Nghe: citizens' feedback and hotline cases, routed, tracked and scored."""
from __future__ import annotations

import logging
import os
import re
import secrets
import time
import uuid
from pathlib import Path

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config, config_from_env
from app.extensions import babel, csrf, db, limiter, login_manager, migrate

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
log = logging.getLogger("lang_nghe.request")
# Path parts that work as passwords: a citizen's tracking code, a one-time password link.
SECRET_PATH_PARTS = re.compile(r"^(/track|/password/set)/[^/]+")


def loggable_path(path: str) -> str:
    """The request path with tracking codes and password-link tokens masked, for logs."""
    return SECRET_PATH_PARTS.sub(r"\1/***", path)


def create_app(
    config_class: type[Config] | None = None, instance_path: str | None = None, **overrides
) -> Flask:
    """Build the application: settings, extensions, blueprints, errors, commands."""
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(config_class or config_from_env())
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_database_url(app)
    configure_secret_key(app)
    trust_proxies(app)
    register_request_hooks(app)  # first, so the request id exists for every later hook
    register_input_checks(app)  # before the blueprints: their <int:> rules use the bounded converter
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure_database_url(app: Flask) -> None:
    """Default to a SQLite file in the instance folder when DATABASE_URL is unset."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "lang_nghe.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"


def configure_secret_key(app: Flask) -> None:
    """Require SECRET_KEY in production; elsewhere keep a random one in the instance folder."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError(
            "SECRET_KEY is not set. Production refuses to start without it: "
            "set the SECRET_KEY environment variable to a long random value."
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        os.chmod(key_file, 0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from the last TRUSTED_PROXIES proxies' headers.

    Rate limits and the sign-in lockout count per ``request.remote_addr``; behind a
    proxy that is the proxy's address unless its X-Forwarded-For is trusted.
    """
    hops = app.config["TRUSTED_PROXIES"]
    if hops < 0:
        raise RuntimeError(f"TRUSTED_PROXIES={hops} must be 0 or the number of proxies in front.")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite enforces foreign keys only when asked, per connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def register_extensions(app: Flask) -> None:
    """Bind the extension objects of app.extensions to this app."""
    from app import models  # noqa: F401 - every table known to Alembic
    from app.web.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(Path(app.root_path) / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    from app.web.auth import sessions
    from app.web.auth.loader import load_user

    login_manager.user_loader(load_user)
    sessions.register(app)


def register_blueprints(app: Flask) -> None:
    """The web layer, one blueprint per audience or feature (see app/web/__init__.py)."""
    from app.web import blueprints

    for blueprint in blueprints():
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the user's language."""
    from app.web.errors import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    """Request id, security and cache headers, language cookie and one log line per request."""
    from app.web import caching
    from app.web.i18n import remember_locale

    @app.before_request
    def start_request() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isalnum() else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish_request(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        if response.mimetype == "text/html":
            response.vary.add("HX-Request")
            response.vary.add("Cookie")
        caching.add_headers(response)
        remember_locale(response)
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info(
            "%s %s %s %.1fms id=%s",
            request.method,
            loggable_path(request.path),
            response.status_code,
            elapsed_ms,
            g.get("request_id", "-"),
        )
        return response

    if not logging.getLogger().handlers and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    log.setLevel(logging.INFO)


def register_input_checks(app: Flask) -> None:
    """Input no route can use (NUL characters, ids beyond the database's range) refused once."""
    from app.web.input import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates share."""
    from app.web.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    """`flask seed ...`, `flask users ...` and friends."""
    from app.commands import register

    register(app)
