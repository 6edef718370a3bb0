"""The app's one log line per request, and the production access logs: no secrets from URLs."""
from __future__ import annotations

import logging
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CODE = "7" * 12


@pytest.mark.parametrize(("path", "logged"), [
    (f"/track/{CODE}", "GET /track/*** "),
    (f"/track/{CODE}/files/3", "GET /track/***/files/3 "),
    (f"/track/{CODE}/erase?lang=en", "GET /track/***/erase "),
    ("/password/set/s3cr3t-token-from-the-email", "GET /password/set/*** "),
])
def test_the_request_log_masks_tracking_codes_and_password_tokens(client, caplog, path, logged):
    with caplog.at_level(logging.INFO, logger="lang_nghe.request"):
        client.get(path)
    lines = [r.getMessage() for r in caplog.records if r.name == "lang_nghe.request"]
    assert len(lines) == 1 and lines[0].startswith(logged)
    assert CODE not in lines[0] and "s3cr3t" not in lines[0]


def test_the_request_log_keeps_other_paths(client, caplog):
    with caplog.at_level(logging.INFO, logger="lang_nghe.request"):
        client.get(f"/track?code={CODE}")
        client.get("/healthz")
    lines = [r.getMessage() for r in caplog.records if r.name == "lang_nghe.request"]
    assert [line.split()[:2] for line in lines] == [["GET", "/track"], ["GET", "/healthz"]]


def test_gunicorn_in_the_procfile_keeps_no_access_log():
    """Raw paths (tracking codes) and query strings (api_key) would land in it; nginx and
    the app's own request line log requests instead."""
    web = next(line for line in (REPO / "Procfile").read_text().splitlines()
               if line.startswith("web:"))
    arguments = shlex.split(web.removeprefix("web:"))
    assert arguments[0] == "gunicorn"
    assert not any(a.startswith(("--access-logfile", "--access-logformat")) for a in arguments)
