"""`make load`: a busy day of a city hotline compressed into a minute, against gunicorn on loopback.

The day's submissions (LOAD_DAY_SUBMISSIONS, default 1,500 — set it to the
hotline's real figure of a busy day) are sent in LOAD_SECONDS (60) through the
real form, each with its own one-time token, while citizens follow their cases
(two tracking-page views per submission, lookups and public pages) and signed-in
officers (LOAD_OFFICERS, 20) and committee members work their queues and cases.
Every visitor acts at a fixed rate, so the offered load is the city's and not
what the server lets through; the achieved submission rate is reported next to
the target.

Checks afterwards that no answer was a 5xx and that every one-time token
answered 303 made a case in the database (found by its token, with the tracking
code the 303 pointed at, no two tokens on one case); writes
bench/results/<date>-load.md and exits non-zero if either check fails.
Environment: BENCH_DATABASE_URL/TEST_DATABASE_URL, LOAD_CASES (100,000),
LOAD_DAY_SUBMISSIONS (1,500), LOAD_SECONDS (60), LOAD_OFFICERS (20), LOAD_WORKERS (3).
"""
from __future__ import annotations

import csv
import json
import math
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
# What a citizen does, by weight: for each submission two views of a tracking page,
# and now and then a lookup by code or a walk through the public pages.
CITIZEN_TASKS = {"submit": 2, "track": 4, "look_up": 1, "public_pages": 1}
TASKS_PER_USER_SECOND = 1.0
LOCUST = Path(sys.executable).with_name("locust")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def city_rates(day_submissions: int, seconds: int, officers: int) -> dict:
    """Visitors needed to send ``day_submissions`` in ``seconds``: users of each kind, target rate."""
    if day_submissions < 1 or seconds < 1:
        raise ValueError("a load test needs at least one submission and one second")
    target = day_submissions / seconds
    share = CITIZEN_TASKS["submit"] / sum(CITIZEN_TASKS.values())
    citizens = math.ceil(target / (share * TASKS_PER_USER_SECOND))
    return {"target_per_s": target,
            "users": {"citizen": citizens, "officer": max(1, officers), "committee": 2}}


def _plan(url: str, work: Path, rates: dict) -> tuple[dict, list[str]]:
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
            "report": str(work / "visitors.json"), "users": rates["users"],
            "citizen_tasks": CITIZEN_TASKS, "tasks_per_user_second": TASKS_PER_USER_SECOND}
    return plan, notes


def check_submissions(url: str, tokens: dict[str, str]) -> dict:
    """Each one-time token answered 303 against the cases in the database.

    ``missing``: tokens no case carries; ``wrong``: a case whose tracking code is
    not the one its 303 pointed at; ``shared``: tracking codes that two tokens got.
    """
    from app.extensions import db
    from app.models import Case

    app = make_app(url)
    found: dict[str, str] = {}
    items = list(tokens)
    with app.app_context():
        for start in range(0, len(items), 1000):
            found.update(db.session.execute(
                sa.select(Case.submission_token, Case.tracking_code)
                .where(Case.submission_token.in_(items[start:start + 1000]))).tuples().all())
        db.engine.dispose()
    codes = list(tokens.values())
    return {"missing": [t for t in tokens if t not in found],
            "wrong": [t for t in tokens if t in found and found[t] != tokens[t]],
            "shared": len(codes) - len(set(codes))}


def main() -> int:
    """Seed, serve, load, check, report."""
    cases, seconds = _int("LOAD_CASES", 100_000), _int("LOAD_SECONDS", 60)
    day, workers = _int("LOAD_DAY_SUBMISSIONS", 1500), _int("LOAD_WORKERS", 3)
    rates = city_rates(day, seconds, _int("LOAD_OFFICERS", 20))
    users = sum(rates["users"].values())
    work = Path(tempfile.mkdtemp(prefix="lang-nghe-load-"))
    load_before = report.load_average()
    with scratch_database("lang_nghe_load") as url:
        print(f"Seeding {cases:,} cases...", flush=True)
        seed(url, cases, PASSWORD)
        plan, notes = _plan(url, work, rates)
        (work / "plan.json").write_text(json.dumps(plan))
        with Gunicorn("wsgi:app", app_environment(url), workers=workers,
                      log_path=work / "gunicorn.log") as server:
            print(f"Load: {day:,} submissions in {seconds} s ({rates['target_per_s']:.1f}/s), "
                  f"{users} visitors {rates['users']} against {server.url}...", flush=True)
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
        checked = check_submissions(url, visitors["tokens"])
    statuses = visitors["statuses"]
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    rows = []
    with open(work / "load_stats.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows.append([row["Name"], row["Request Count"], row["Failure Count"],
                         row["50%"], row["95%"], f"{float(row['Requests/s']):.1f}"])
    sent = len(visitors["tokens"])
    achieved = sent / seconds
    kept_up = achieved >= 0.9 * rates["target_per_s"]
    stored_ok = sent > 0 and not checked["missing"] and not checked["wrong"] and not checked["shared"]
    ok = server_errors == 0 and stored_ok
    lines = [f"# Load test: {day:,} submissions of a busy day in {seconds} s", "", *report.machine(),
             f"- Load average (1 min) before: {load_before}, after: {report.load_average()}",
             (f"- gunicorn: {workers} sync workers on loopback, PostgreSQL with {cases:,} bulk cases; "
              "rate limits lifted (every visitor comes from 127.0.0.1)"),
             (f"- Visitors (locust, each at a fixed rate): {rates['users']['citizen']} citizens, "
              f"{rates['users']['officer']} officers, {rates['users']['committee']} committee members"),
             "", "## Requests (locust)", "",
             *report.table(["request", "count", "failures", "p50 ms", "p95 ms", "per s"], rows), "",
             "## Checks", "",
             f"- Status codes: {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))}",
             f"- 5xx answers: {server_errors} ({'ok' if server_errors == 0 else '**FAILED**'})",
             (f"- Submissions answered 303: {sent:,}; in the database by their one-time token: "
              f"{sent - len(checked['missing']):,}; with another tracking code: {len(checked['wrong'])}; "
              f"tracking codes given twice: {checked['shared']} "
              f"({'ok' if stored_ok else '**FAILED**'})"),
             (f"- Submission rate: {achieved:.1f}/s achieved, {rates['target_per_s']:.1f}/s offered "
              f"({'kept up' if kept_up else '**NOT kept up**: under 90 % of the city rate'})"),
             f"- Peak memory per web worker (MiB): {', '.join(f'{p:.0f}' for p in peaks)}", ""]
    if notes:
        lines += ["## Skipped", "", *[f"- {note}" for note in notes], ""]
    report.write("load", lines)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
