"""The shell of the app: languages, security headers, error pages, health checks, config."""
from __future__ import annotations

import re

import pytest
from flask import abort

from app import create_app
from app.config import ProductionConfig, TestingConfig, normalise_database_url
from tests.conftest import csrf_token
from tests.factories import EMAILS

PAGES = ["/", "/feedback/new", "/track", "/login"]


def test_vietnamese_is_the_default_and_english_is_available(client, world):
    vi = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in vi and "Send feedback" not in vi
    en = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in en and "Send feedback" in en


def test_lang_parameter_sticks_in_a_cookie(client, world):
    response = client.get("/?lang=en")
    assert "lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/track").get_data(as_text=True)
    client.get("/?lang=vi")
    assert '<html lang="vi">' in client.get("/track").get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_a_strict_csp_and_no_inline_script_or_style(client, world, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    text = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_is_vendored_and_pinned(client):
    page = client.get("/").get_data(as_text=True)
    src = re.search(r'<script src="([^"]+htmx[^"]+)"', page).group(1)
    assert src.startswith("/static/") and "2.0.11" in src
    assert client.get(src).status_code == 200


def test_every_request_has_an_id(client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "abc123"}).headers["X-Request-ID"] == "abc123"


@pytest.mark.parametrize(("lang", "title"), [("vi", "Không tìm thấy"), ("en", "Not found")])
def test_404_page_in_both_languages(client, lang, title):
    response = client.get(f"/no-such-page?lang={lang}")
    assert response.status_code == 404
    assert title in response.get_data(as_text=True)


def test_405_page(client):
    response = client.post("/healthz?lang=en")
    assert response.status_code in (400, 405)  # CSRF is checked before the method


def _app_with(tmp_path, database_url, **overrides):
    return create_app(TestingConfig, instance_path=str(tmp_path / "i"),
                      SQLALCHEMY_DATABASE_URI=database_url, **overrides)


def test_413_page_for_oversized_requests(tmp_path, database_url):
    app = _app_with(tmp_path, database_url, MAX_CONTENT_LENGTH=1024, WTF_CSRF_ENABLED=False)
    response = app.test_client().post("/feedback/new?lang=en", data={"description": "x" * 5000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_429_page_when_submitting_too_fast(tmp_path, database_url, world):
    app = _app_with(tmp_path, database_url, RATELIMIT_ENABLED=True, SUBMISSIONS_PER_MINUTE=2)
    client = app.test_client()
    codes = []
    for _ in range(3):
        token = csrf_token(client, "/feedback/new")
        codes.append(client.post("/feedback/new?lang=en", data={"csrf_token": token}).status_code)
    assert codes == [422, 422, 429]
    last = client.post("/feedback/new?lang=en", data={"csrf_token": token})
    assert "Too many requests" in last.get_data(as_text=True)


def test_500_page_does_not_leak_the_error(tmp_path, database_url):
    app = _app_with(tmp_path, database_url, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom?lang=en")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Something went wrong" in text and "secret internals" not in text


def test_403_page(tmp_path, database_url):
    app = _app_with(tmp_path, database_url)

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    response = app.test_client().get("/forbidden?lang=vi")
    assert response.status_code == 403 and "<h1>" in response.get_data(as_text=True)


def test_healthz_and_readyz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"database": "ok"}


def test_readyz_reports_redis(tmp_path, database_url):
    down = _app_with(tmp_path, database_url, REDIS_URL="redis://127.0.0.1:1/0")
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"].startswith("error")


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(ProductionConfig, instance_path=str(tmp_path))


def test_database_url_accepts_both_postgresql_spellings():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalise_database_url(None) is None


def test_readyz_with_a_real_redis(tmp_path, database_url):
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("REDIS_URL not set")
    app = _app_with(tmp_path, database_url, REDIS_URL=url)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}


MENU_LINKS = {
    "cases": "/cases", "scorecards": "/scorecards", "campaigns": "/campaigns",
    "api_keys": "/admin/api-keys", "hotline": "/hotline/new", "admin": "/admin",
}
MENU = {
    "anonymous": set(),
    "operator": {"cases", "hotline"},
    "officer_thue": {"cases", "campaigns"},
    "head_thue": {"cases", "scorecards", "campaigns"},
    "committee": {"cases", "scorecards", "campaigns"},
    "admin": {"cases", "scorecards", "campaigns", "api_keys", "admin"},
}


@pytest.mark.parametrize("who", MENU)
def test_the_menu_offers_each_role_what_it_may_open(client, auth, world, who):
    if who != "anonymous":
        auth.login(EMAILS[who])
    page = client.get("/").get_data(as_text=True)
    menu = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', page, re.S).group(1)
    hrefs = set(re.findall(r'href="([^"?]+)', menu))
    assert {name for name, path in MENU_LINKS.items() if path in hrefs} == MENU[who]
