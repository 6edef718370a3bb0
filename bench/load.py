"""`make load`: a minute of realistic traffic against gunicorn on PostgreSQL, on loopback only.

Checks afterwards that no answer was a 5xx and that every submission answered
303 is a case in the database; writes bench/results/<date>-load.md and exits
non-zero if either check fails. Environment: BENCH_DATABASE_URL/TEST_DATABASE_URL,
LOAD_CASES (100,000), LOAD_USERS (30), LOAD_SECONDS (60), LOAD_WORKERS (3).
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from bench import report
from bench.db import make_app, scratch_database, seed
from bench.pages import PAGES, available
from bench.server import Gunicorn, app_environment

PASSWORD = "load-password-1"
OFFICERS = ["officer.thue@demo.vn", "officer.bhxh@demo.vn", "head.thue@demo.vn"]
COMMITTEE = "committee@demo.vn"
LOCUST = Path(sys.executable).with_name("locust")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _plan(url: str, work: Path) -> tuple[dict, list[str]]:
    """What the visitors need: accounts, categories, existing codes, the served pages."""
    from app.extensions import db
    from app.models import Case, Category

    app = make_app(url)
    present, notes = available(app, [p for p in PAGES if not p.form_errors])
    groups: dict[str, list] = {}
    for page in present:
        groups.setdefault(page.who or "citizen", []).append({"name": page.name, "path": page.path})
    with app.app_context():
        categories = list(db.session.scalars(
            sa.select(Category.id).where(Category.active, Category.default_unit_id.is_not(None))))
        codes = list(db.session.scalars(
            sa.select(Case.tracking_code).order_by(sa.func.random()).limit(500)))
        db.engine.dispose()
    plan = {"password": PASSWORD, "officers": OFFICERS, "committee": COMMITTEE,
            "categories": categories, "codes": codes, "pages": groups,
            "words": ["thue", "ho so", "bao hiem", "ngap nuoc", "luong"],
            "report": str(work / "visitors.json")}
    return plan, notes


def _missing_submissions(url: str, issued: list[str]) -> list[str]:
    """Tracking codes answered with 303 that have no case in the database."""
    from app.extensions import db
    from app.models import Case

    app = make_app(url)
    found: set[str] = set()
    with app.app_context():
        for start in range(0, len(issued), 1000):
            found |= set(db.session.scalars(
                sa.select(Case.tracking_code).where(Case.tracking_code.in_(issued[start:start + 1000]))))
        db.engine.dispose()
    return [code for code in issued if code not in found]


def main() -> int:
    """Seed, serve, load, check, report."""
    cases, users = _int("LOAD_CASES", 100_000), _int("LOAD_USERS", 30)
    seconds, workers = _int("LOAD_SECONDS", 60), _int("LOAD_WORKERS", 3)
    work = Path(tempfile.mkdtemp(prefix="lang-nghe-load-"))
    load_before = report.load_average()
    with scratch_database("lang_nghe_load") as url:
        print(f"Seeding {cases:,} cases...", flush=True)
        seed(url, cases, PASSWORD)
        plan, notes = _plan(url, work)
        (work / "plan.json").write_text(json.dumps(plan))
        with Gunicorn("wsgi:app", app_environment(url), workers=workers,
                      log_path=work / "gunicorn.log") as server:
            print(f"Load: {users} users for {seconds} s against {server.url}...", flush=True)
            subprocess.run(
                [str(LOCUST), "-f", "bench/locustfile.py", "--headless", "--host", server.url,
                 "--users", str(users), "--spawn-rate", str(max(1, users // 5)),
                 "--run-time", f"{seconds}s", "--stop-timeout", "10", "--csv", str(work / "load"),
                 "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
                env={**os.environ, "LOAD_PLAN": str(work / "plan.json")},
                cwd=Path(__file__).resolve().parent.parent, check=True, timeout=seconds + 120,
            )
            peaks = server.peak_rss_mib()
        visitors = json.loads((work / "visitors.json").read_text())
        missing = _missing_submissions(url, visitors["issued"])
    statuses = visitors["statuses"]
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    rows = []
    with open(work / "load_stats.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows.append([row["Name"], row["Request Count"], row["Failure Count"],
                         row["50%"], row["95%"], f"{float(row['Requests/s']):.1f}"])
    ok = server_errors == 0 and not missing and visitors["issued"]
    lines = [f"# Load test, {users} users for {seconds} s", "", *report.machine(),
             f"- Load average (1 min) before: {load_before}, after: {report.load_average()}",
             f"- gunicorn: {workers} sync workers on loopback, PostgreSQL with {cases:,} bulk cases; "
             "rate limits lifted (every visitor comes from 127.0.0.1)", "",
             "## Requests (locust)", "",
             *report.table(["request", "count", "failures", "p50 ms", "p95 ms", "per s"], rows), "",
             "## Checks", "",
             f"- Status codes: {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))}",
             f"- 5xx answers: {server_errors} ({'ok' if server_errors == 0 else 'FAILED'})",
             f"- Submissions answered 303: {len(visitors['issued'])}; found in the database: "
             f"{len(visitors['issued']) - len(missing)} ({'ok' if not missing else 'FAILED'})",
             f"- Peak memory per web worker (MiB): {', '.join(f'{p:.0f}' for p in peaks)}", ""]
    if notes:
        lines += ["## Skipped", "", *[f"- {note}" for note in notes], ""]
    report.write("load", lines)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
