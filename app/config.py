"""Settings read from the environment, one class per environment.

Select the class with ``APP_ENV`` (``development`` by default, ``production``,
``testing``). Every setting that differs between machines comes from an
environment variable; nothing secret has a default.
"""
from __future__ import annotations

import os
from datetime import timedelta


def normalise_database_url(url: str | None) -> str | None:
    """Point PostgreSQL URLs at the psycopg 3 driver.

    Accepts ``postgres://``, ``postgresql://`` and ``postgresql+psycopg://``;
    other URLs (SQLite) are returned unchanged.
    """
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # None means "SQLite file in the instance folder", resolved by create_app().
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL"))
    # hide_parameters: a failed statement's values (tracking codes, names, phones, emails)
    # stay out of tracebacks and logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "default")
    # A delivery claimed this many seconds ago without finishing was lost (a killed worker).
    DELIVERY_STALE_CLAIM_SECONDS = _int("DELIVERY_STALE_CLAIM_SECONDS", 600)

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "lang-nghe@localhost")
    # Where citizens reach the site; links in emails are built on it.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # How many proxies in front of the app set X-Forwarded-For/-Proto (nginx alone: 1).
    # 0 ignores those headers, so that a client cannot choose the address it is counted as.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    # Officers keep a case page open for hours; the token is tied to the session.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Citizens' photos and documents: JPEG, PNG, WebP or PDF, checked by content.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or None  # None: instance/uploads
    # A phone photo of 12-48 megapixels is 3-8 MB; it is accepted and shrunk.
    ATTACHMENT_MAX_BYTES = _int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    ATTACHMENTS_PER_CASE = _int("ATTACHMENTS_PER_CASE", 5)
    # Decoding is bounded before it starts: pixels one photo may decode (JPEGs are
    # decoded reduced, so larger phone photos still fit), and all photos of one form.
    ATTACHMENT_MAX_PIXELS = _int("ATTACHMENT_MAX_PIXELS", 20_000_000)
    ATTACHMENT_PIXELS_PER_REQUEST = _int("ATTACHMENT_PIXELS_PER_REQUEST", 60_000_000)
    # A full form with every file at its largest still fits; anything bigger gets the 413 page.
    MAX_CONTENT_LENGTH = _int(
        "MAX_CONTENT_LENGTH", ATTACHMENTS_PER_CASE * ATTACHMENT_MAX_BYTES + 1024 * 1024
    )

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down must not turn submissions into 500s: count in memory until it is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    SUBMISSIONS_PER_MINUTE = _int("SUBMISSIONS_PER_MINUTE", 10)
    LOOKUPS_PER_MINUTE = _int("LOOKUPS_PER_MINUTE", 30)
    LOGINS_PER_MINUTE = _int("LOGINS_PER_MINUTE", 10)
    # Open311: calls per minute for each api_key, and for callers without a key per address.
    OPEN311_REQUESTS_PER_MINUTE = _int("OPEN311_REQUESTS_PER_MINUTE", 60)
    OPEN311_ANONYMOUS_REQUESTS_PER_MINUTE = _int("OPEN311_ANONYMOUS_REQUESTS_PER_MINUTE", 120)
    REPLIES_PER_MINUTE = _int("REPLIES_PER_MINUTE", 10)

    # Working days (on the working calendar) a citizen has to rate or reopen an answered
    # case: until the end of the N-th working day after the answer's day.
    REOPEN_WINDOW_DAYS = _int("REOPEN_WINDOW_DAYS", 7)
    # A draft waiting this long for sign-off (working hours) is reminded to the reviewers once.
    REVIEW_REMINDER_WORKING_HOURS = _int("REVIEW_REMINDER_WORKING_HOURS", 4)
    # Contact details and files of cases closed this long ago are erased.
    RETENTION_MONTHS = _int("RETENTION_MONTHS", 24)
    CASES_PER_PAGE = 25
    # How often the queue asks whether new cases arrived.
    QUEUE_POLL_SECONDS = _int("QUEUE_POLL_SECONDS", 30)

    # Account security: lockout after repeated failed sign-ins, one-time password links.
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)
    LOGIN_MAX_FAILURES_PER_ADDRESS = _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
    LOGIN_FAILURE_WINDOW_MINUTES = _int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
    LOGIN_LOCKOUT_MINUTES = _int("LOGIN_LOCKOUT_MINUTES", 15)
    PASSWORD_LINK_HOURS = _int("PASSWORD_LINK_HOURS", 48)
    REMEMBER_COOKIE_DURATION = timedelta(days=_int("REMEMBER_DAYS", 14))
    # A staff session ends after this long without activity, and this long after sign-in.
    STAFF_IDLE_MINUTES = _int("STAFF_IDLE_MINUTES", 30)
    STAFF_SESSION_HOURS = _int("STAFF_SESSION_HOURS", 12)
    # Flask also refuses a session cookie last written longer ago than this.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=STAFF_SESSION_HOURS)
    # Strict-Transport-Security max-age in seconds; 0 sends no header (plain-HTTP development).
    HSTS_SECONDS = _int("HSTS_SECONDS", 0)
    ADMIN_PER_PAGE = 50


class DevelopmentConfig(Config):
    """`make run` on a laptop: SQLite, inline jobs, a per-installation secret."""

    ENV_NAME = "development"
    DEBUG = False


class TestingConfig(Config):
    """The test suite: a database per test, set by the fixtures."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-secret"  # noqa: S105 - never used outside tests
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = False
    MAIL_SERVER = None


class ProductionConfig(Config):
    """Behind a load balancer with PostgreSQL and Redis. SECRET_KEY is mandatory."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = _int("HSTS_SECONDS", 365 * 24 * 3600)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by ``APP_ENV`` (default: development)."""
    name = os.environ.get("APP_ENV", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"APP_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}."
        ) from None
