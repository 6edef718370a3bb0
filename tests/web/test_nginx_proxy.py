"""deploy/nginx.conf in front of gunicorn, both on loopback, as in production.

The recipe is run by Debian's nginx with only ports and paths substituted. Clients
differ as real ones do, by source address (127.0.0.2 and 127.0.0.3, bound by the
client socket), not by headers they could forge. Skipped without nginx, failed when
REQUIRE_SERVICES=1.
"""
from __future__ import annotations

import http.client
import os
import re
import socket
import ssl
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from app import create_app
from app.config import Config, TestingConfig
from app.extensions import db
from bench.server import REPO, Gunicorn, app_environment, free_port
from tests.conftest import _migrate
from tests.factories import EMAILS, PASSWORD, make_world

NGINX = Path("/usr/sbin/nginx")
RECIPE = REPO / "deploy" / "nginx.conf"
CLIENT_A, CLIENT_B = "127.0.0.2", "127.0.0.3"
MAX_FAILURES_PER_ADDRESS = 3
OPEN311_PER_MINUTE = 3
# What a browser on the real site sends (port 443 is implied, so nginx's $host matches).
SITE = "lang-nghe.example.vn"
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


class Answer:
    """Status, headers and body of one response."""

    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()


class Client:
    """One client machine: its own source address and its own cookies."""

    def __init__(self, port: int, source: str):
        self.port, self.source = port, source
        self.cookies: dict[str, str] = {}

    def connect(self) -> http.client.HTTPSConnection:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30,
                                           source_address=(self.source, 0), context=context)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        """Send one request; keep the cookies the answer sets."""
        headers = {"Host": SITE, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = self.connect()
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = Answer(connection.getresponse())
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer

    def sign_in(self, email: str, password: str, forged_for: str | None = None) -> int:
        """The sign-in form, as a browser fills it; returns the status of the POST."""
        page = self.request("GET", "/login")
        token = TOKEN.search(page.body.decode()).group(1)
        form = f"csrf_token={token}&email={email}&password={password.replace(' ', '+')}"
        # Flask-WTF checks the Referer of HTTPS posts: this also shows X-Forwarded-Proto arrives.
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Referer": f"https://{SITE}/login"}
        if forged_for:
            headers["X-Forwarded-For"] = forged_for
        return self.request("POST", "/login", form.encode(), headers).status


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def _substitute(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer holds {old!r}"
        text = text.replace(old, new)
    return text


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {log.read_text() if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("nginx did not listen")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """nginx with the recipe on two spare ports, gunicorn behind it; yields the paths and ports."""
    if not NGINX.exists():
        _unavailable(f"{NGINX} is not installed")
    work = tmp_path_factory.mktemp("nginx")
    database_url = f"sqlite:///{work / 'site.sqlite3'}"
    _migrate(database_url)
    app = create_app(TestingConfig, instance_path=str(work / "instance"),
                     SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        make_world()
        db.session.commit()
        db.engine.dispose()

    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(work / "site.key"),
                    "-out", str(work / "site.pem")], check=True, capture_output=True)
    env = app_environment(
        database_url, TRUSTED_PROXIES="1",
        LOGIN_MAX_FAILURES_PER_ADDRESS=str(MAX_FAILURES_PER_ADDRESS),
        OPEN311_ANONYMOUS_REQUESTS_PER_MINUTE=str(OPEN311_PER_MINUTE),
    )
    http_port, https_port = free_port(), free_port()
    with Gunicorn("wsgi:app", env, workers=1, log_path=work / "gunicorn.log") as web:
        recipe = _substitute(RECIPE.read_text(), {
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
            "/etc/ssl/certs/lang-nghe.pem": str(work / "site.pem"),
            "/etc/ssl/private/lang-nghe.key": str(work / "site.key"),
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{web.port};",
            "/srv/lang-nghe/static/": f"{REPO / 'static'}/",
            "/var/log/nginx/lang-nghe.access.log": str(work / "access.log"),
        })
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the temp dir
        (work / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {work / 'nginx.pid'};\n"
            f"error_log {work / 'error.log'};\nevents {{ worker_connections 64; }}\n"
            f"http {{\n    include /etc/nginx/mime.types;\n{recipe}\n}}\n")
        nginx = subprocess.Popen(
            [str(NGINX), "-p", str(work), "-c", str(work / "nginx.conf"),
             "-e", str(work / "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_for_port(https_port, nginx, work / "error.log")
            yield {"work": work, "http": http_port, "https": https_port}
        finally:
            nginx.terminate()
            nginx.wait(timeout=15)


def test_the_login_lockout_holds_per_client_through_nginx(site):
    a, b = Client(site["https"], CLIENT_A), Client(site["https"], CLIENT_B)
    # A header the client makes up changes nothing: nginx overwrites it.
    failures = [a.sign_in(f"guess{i}@test.vn", "wrong password", forged_for=f"10.0.0.{i}")
                for i in range(MAX_FAILURES_PER_ADDRESS)]
    assert failures == [422] * (MAX_FAILURES_PER_ADDRESS - 1) + [429]  # the last one locks
    assert a.sign_in(EMAILS["officer_bhxh"], PASSWORD) == 429
    assert a.sign_in(EMAILS["officer_thue"], PASSWORD, forged_for=CLIENT_B) == 429
    assert b.sign_in(EMAILS["officer_bhxh"], PASSWORD) == 303


def test_rate_limits_hold_per_client_through_nginx(site):
    a, b = Client(site["https"], CLIENT_A), Client(site["https"], CLIENT_B)
    path = "/open311/v2/services.json"
    assert [a.request("GET", path).status for _ in range(OPEN311_PER_MINUTE + 1)] == [
        200] * OPEN311_PER_MINUTE + [429]
    assert a.request("GET", path, headers={"X-Forwarded-For": "10.0.0.9"}).status == 429
    assert b.request("GET", path).status == 200


def test_static_files_are_served_by_nginx(site):
    answer = Client(site["https"], CLIENT_A).request("GET", "/static/favicon.svg")
    assert answer.status == 200 and answer.body == (REPO / "static" / "favicon.svg").read_bytes()
    assert answer.headers["Server"].startswith("nginx")
    assert "X-Request-ID" not in answer.headers  # every answer of the app carries one
    assert "max-age=" in answer.headers["Cache-Control"]


def test_the_body_limit_matches_the_app_and_nginx_answers_413_above_it(site):
    (size,) = re.findall(r"client_max_body_size (\d+)m;", RECIPE.read_text())
    assert int(size) * 1024 * 1024 == Config.MAX_CONTENT_LENGTH
    connection = Client(site["https"], CLIENT_B).connect()
    try:
        connection.putrequest("POST", "/feedback/new", skip_host=True)
        connection.putheader("Host", SITE)
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(Config.MAX_CONTENT_LENGTH + 1))
        connection.endheaders(b"--x\r\n")
        answer = Answer(connection.getresponse())
    finally:
        connection.close()
    assert answer.status == 413 and "X-Request-ID" not in answer.headers


def test_plain_http_is_sent_to_https(site):
    connection = http.client.HTTPConnection("127.0.0.1", site["http"], timeout=10)
    connection.request("GET", "/track/123456789012", headers={"Host": SITE})
    answer = Answer(connection.getresponse())
    connection.close()
    assert answer.status == 301
    assert answer.headers["Location"] == f"https://{SITE}/track/123456789012"


def test_the_access_log_keeps_no_tracking_code_and_no_query_string(site):
    client = Client(site["https"], CLIENT_A)
    client.request("GET", "/track/987654321098/files/1")
    client.request("GET", "/open311/v2/requests.json?api_key=ln311_secret-in-url")
    client.request("GET", "/password/set/token-from-email")
    time.sleep(0.2)
    log = (site["work"] / "access.log").read_text()
    assert '"GET /track/***/files/1"' in log and '"GET /open311/v2/requests.json"' in log
    assert '"GET /password/set/***"' in log
    for secret in ("987654321098", "ln311_secret", "token-from-email", "123456789012"):
        assert secret not in log
