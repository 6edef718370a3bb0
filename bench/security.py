"""`make security`: a bounded sqlmap scan of the public form, the tracking lookup and the queue search.

Against gunicorn on loopback, on a throwaway PostgreSQL database; level 2, risk 1,
non-interactive, each target cut off after SECURITY_TIMEOUT seconds (default 240).
Writes bench/results/<date>-security.md; exits non-zero if sqlmap reports an
injection point. Not part of the test suite.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench import report
from bench.client import Browser
from bench.db import make_app, scratch_database, seed
from bench.server import Gunicorn, app_environment

PASSWORD = "security-password-1"
FOUND = ("is vulnerable", "appears to be injectable", "identified the following injection point")
CLEAN = "do not appear to be injectable"


def _targets(url: str, base: str, session: str) -> list[tuple[str, list[str]]]:
    app = make_app(url)
    with app.app_context():
        from app.extensions import db
        from app.models import Case, Category

        category = db.session.scalar(sa.select(Category.id).where(Category.code == "THUE"))
        code = db.session.scalar(sa.select(Case.tracking_code).limit(1))
        db.engine.dispose()
    form = (f"csrf_token=x&category={category}&title=Ngap+nuoc&description=Duong+ngap"
            "&ward=Phuong+Ben+Thanh&citizen_name=An&citizen_phone=0901234567")
    return [
        ("public feedback form (POST /feedback/new)",
         ["-u", f"{base}/feedback/new", "--data", form, "--csrf-token", "csrf_token",
          "--csrf-url", f"{base}/feedback/new", "-p", "category,title,description,ward,citizen_name,citizen_phone"]),
        ("tracking lookup (GET /track?code=)", ["-u", f"{base}/track?code={code}", "-p", "code"]),
        ("tracking page (GET /track/<code>)", ["-u", f"{base}/track/{code}*"]),
        ("queue search (GET /cases?q=, signed in as an officer)",
         ["-u", f"{base}/cases?q=thue&show=all", "-p", "q", "--cookie", f"session={session}"]),
    ]


def _scan(name: str, args: list[str], work: Path, timeout: int) -> list:
    started = time.monotonic()
    command = ["sqlmap", *args, "--batch", "--level", "2", "--risk", "1", "--flush-session",
               "--disable-coloring", "--output-dir", str(work), "--timeout", "15",
               "--retries", "1"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        output, finished = done.stdout + done.stderr, True
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode("utf-8", "replace") if isinstance(expired.stdout, bytes) \
            else (expired.stdout or "")
        finished = False
    (work / f"{name.split(' (')[0].replace(' ', '-')}.log").write_text(output)
    lowered = output.lower()
    if any(marker in lowered for marker in FOUND):
        verdict = "**INJECTION REPORTED**"
    elif CLEAN in lowered:
        verdict = "no injection found"
    elif finished:
        verdict = "finished without a verdict (see log)"
    else:
        verdict = f"cut off after {timeout} s, nothing found so far"
    return [name, verdict, f"{time.monotonic() - started:.0f}"]


def main() -> int:
    """Seed, serve on loopback, scan each target, report."""
    if shutil.which("sqlmap") is None:
        print("sqlmap is not installed (apt-get install sqlmap)", file=sys.stderr)
        return 2
    timeout = int(os.environ.get("SECURITY_TIMEOUT", 240))
    work = Path(tempfile.mkdtemp(prefix="lang-nghe-security-"))
    rows = []
    with scratch_database("lang_nghe_security") as url:
        seed(url, 2000, PASSWORD, units=40)
        with Gunicorn("wsgi:app", app_environment(url), workers=2, log_path=work / "gunicorn.log") as server:
            officer = Browser(server.url)
            officer.sign_in("officer.thue@demo.vn", PASSWORD)
            for name, args in _targets(url, server.url, officer.cookies["session"]):
                print(f"sqlmap: {name}...", flush=True)
                rows.append(_scan(name, args, work, timeout))
    version = subprocess.run(["sqlmap", "--version"], capture_output=True,
                             text=True).stdout.strip().splitlines()[0]
    lines = ["# SQL injection scan (sqlmap)", "", *report.machine(),
             f"- sqlmap {version}, level 2, risk 1, --batch; gunicorn on loopback, PostgreSQL", "",
             *report.table(["target", "result", "seconds"], rows), "",
             f"Logs of this run: {work}", ""]
    report.write("security", lines)
    return 1 if any("INJECTION" in row[1] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
