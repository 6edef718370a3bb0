"""`make bench`: the performance budgets (README, "Quality gates"), measured on PostgreSQL and written to bench/results/.

Reported figures, not pass/fail (the statement counts are also asserted by the
test suite). Environment:
  BENCH_DATABASE_URL / TEST_DATABASE_URL  the PostgreSQL server (a database is created and dropped)
  BENCH_CASES      cases for the timing steps (default 1,000,000; try 20000 for a quick run)
  BENCH_REQUESTS   requests per page for p50/p95 (default 300)
  BENCH_SECONDS    seconds of each throughput run (default 15)
  BENCH_WORKERS    gunicorn sync workers (default 2)   BENCH_CLIENTS  concurrent clients (default 8)
"""
from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench import report
from bench.client import Browser, Citizen, closed_loop
from bench.db import make_app, scratch_database, seed
from bench.pages import COMMITTEE, PAGES, available, pick_sample, sign_in, statement_counts
from bench.server import Gunicorn, app_environment

PASSWORD = "bench-password-1"
OFFICER, COMMITTEE_EMAIL = "officer.thue@demo.vn", "committee@demo.vn"
BUDGET_MS = {"queue": 50, "queue, all cases": 50, "queue search": 50, "queue, committee": 50,
             "case page": 50, "case page, open case": 50}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Stopwatch:
    """WSGI middleware: time spent inside the application for each request."""

    def __init__(self, inner):
        self.inner, self.seconds = inner, []

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        try:
            return list(self.inner(environ, start_response))
        finally:
            self.seconds.append(time.perf_counter() - started)


def _sample(url: str):
    app = make_app(url)
    with app.app_context():
        return app, pick_sample(OFFICER, COMMITTEE_EMAIL, PASSWORD)


def measure_statements(sizes: list[int]) -> tuple[list[list], list[str], list[list]]:
    """Statement counts of the budgeted pages at each data size, on one growing database."""
    rows, seeding = {}, []
    with scratch_database() as url:
        seeded, sample = 0, None
        for size in sizes:
            numbers = seed(url, size - seeded, PASSWORD) if seeded == 0 else _grow(url, size - seeded)
            seeding.append([f"{size:,} (+{size - seeded:,})", f"{numbers['events']:,}",
                            f"{numbers['seconds']:.1f}", f"{(size - seeded) / numbers['seconds']:,.0f}"])
            seeded = size
            app, picked = _sample(url)
            sample = sample or picked
            for name, count in statement_counts(app, sample).items():
                rows.setdefault(name, []).append(count)
            with app.app_context():
                from app.extensions import db

                db.engine.dispose()
        _present, notes = available(make_app(url), [p for p in PAGES if p.statements])
    who = {p.name: p.who or "citizen" for p in PAGES}
    table = [[name, who[name], *counts, "yes" if len(set(counts)) == 1 else "**NO**"]
             for name, counts in rows.items()]
    return table, notes, seeding


def _grow(url: str, cases: int) -> dict:
    from app.extensions import db
    from app.seed.bulk import seed_bulk

    app = make_app(url)
    with app.app_context():
        bulk = seed_bulk(cases, seed=cases, units=500)
        db.session.commit()
        db.engine.dispose()
    return {"cases": bulk.cases, "events": bulk.events, "seconds": bulk.seconds}


def _variants(app, page, sample, n: int) -> list[str]:
    """Different URLs of one page, so that caches do not flatter the numbers."""
    from app.extensions import db
    from app.models import Case, User

    base = page.url(sample)
    if "{open_reference}" in page.path:
        return [base]
    if "{reference}" in page.path or "{tracking_code}" in page.path:
        with app.app_context():
            unit_id = db.session.scalar(sa.select(User.unit_id).where(User.email == sample.officer))
            rows = db.session.execute(
                sa.select(Case.reference, Case.tracking_code).where(Case.unit_id == unit_id)
                .order_by(sa.func.random()).limit(n)
            ).all()
        return [page.path.format(reference=r[0], tracking_code=r[1], search=sample.search)
                for r in rows] or [base]
    if base.startswith("/cases"):
        joiner = "&" if "?" in base else "?"
        return [f"{base}{joiner}page={k}" for k in range(1, 6)]
    return [base]


def measure_server_time(url: str, requests: int) -> tuple[list[list], list[str]]:
    """p50/p95 of the time spent inside the WSGI app, through the test client."""
    app, sample = _sample(url)
    watch = Stopwatch(app.wsgi_app)
    app.wsgi_app = watch
    pages, notes = available(app, [p for p in PAGES if p.timed])
    rows = []
    clients = {}
    for page in pages:
        client = clients.get(page.who)
        if client is None:
            client = clients[page.who] = app.test_client()
            if page.who:
                sign_in(client, sample.committee if page.who == COMMITTEE else sample.officer, PASSWORD)
        urls = _variants(app, page, sample, requests)
        for warm in urls[:3]:
            client.get(warm)
        watch.seconds.clear()
        statuses = set()
        for i in range(requests):
            statuses.add(client.get(urls[i % len(urls)]).status_code)
        ms = [s * 1000 for s in watch.seconds]
        budget = BUDGET_MS.get(page.name)
        rows.append([page.name, page.who or "citizen", requests,
                     f"{report.percentile(ms, 0.5):.1f}", f"{report.percentile(ms, 0.95):.1f}",
                     f"{max(ms):.1f}", f"< {budget}" if budget else "—",
                     ",".join(str(s) for s in sorted(statuses))])
    return rows, notes


def measure_throughput(url: str, seconds: float, workers: int, clients: int) -> tuple[list[list], list[list]]:
    """Public submissions per second next to a bare Flask page, same gunicorn settings, same run."""
    app = make_app(url)
    with app.app_context():
        from app.extensions import db
        from app.models import Category

        categories = list(db.session.scalars(
            sa.select(Category.id).where(Category.active, Category.default_unit_id.is_not(None))))
        db.engine.dispose()
    logs = Path(tempfile.mkdtemp(prefix="lang-nghe-bench-"))
    env = app_environment(url)
    results, memory = [], []
    rng = random.Random(1)

    def submit(citizen: Citizen):
        return citizen.submit(rng.choice(categories), "Phản ánh thử tải",
                              "Nội dung phản ánh dùng để đo thông lượng của biểu mẫu công khai.")

    def make_citizen(server):
        def make():
            citizen = Citizen(server.url)
            citizen.open_form()
            return citizen
        return make

    runs = [("bare Flask page (GET /)", "bench.bare:app", lambda s: (lambda: Browser(s.url)),
             lambda b: b.get("/"), 200),
            ("public submission (POST /feedback/new → 303)", "wsgi:app", make_citizen, submit, 303)]
    for label, target, factory, step, expected in runs:
        with Gunicorn(target, env, workers=workers, log_path=logs / "gunicorn.log") as server:
            tally = closed_loop(factory(server), step, clients, seconds)
            peaks = server.peak_rss_mib()
        ms = [s * 1000 for s in tally.latencies]
        others = sum(n for status, n in tally.statuses.items() if status != expected) + tally.errors
        results.append([label, f"{tally.rate(expected):,.1f}", f"{report.percentile(ms, 0.5):.1f}",
                        f"{report.percentile(ms, 0.95):.1f}", others])
        memory.append([label, ", ".join(f"{p:.0f}" for p in peaks), f"{max(peaks, default=0):.0f}"])
    bare, submissions = (float(r[1].replace(",", "")) for r in results)
    results.append(["ratio submission / bare", f"{submissions / bare:.3f}" if bare else "—", "", "", ""])
    return results, memory


def measure_scorecards(url: str) -> tuple[list[list], list[str]]:
    """`flask scores recompute` next to a bare SQL aggregate over the same rows, when it exists."""
    app = make_app(url)
    group = app.cli.commands.get("scores")
    if group is None or "recompute" not in getattr(group, "commands", {}):
        return [], ["scorecard recompute: no `flask scores recompute` in this build, skipped"]
    from app.extensions import db

    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["scores", "recompute"])
    recompute = time.perf_counter() - started
    if result.exit_code != 0:
        return [], [f"scorecard recompute failed: {result.output[-300:]}"]
    bare_sql = """
        SELECT unit_id, count(*), avg((acknowledged_at <= ack_due_at)::int),
               avg((responded_at <= response_due_at)::int),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - received_at)),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - received_at)),
               avg(satisfaction), avg((satisfaction >= 4)::int), avg((reopen_count > 0)::int),
               avg((status = 'rejected')::int)
        FROM cases GROUP BY unit_id;
        SELECT from_unit_id, count(*) FROM case_events WHERE kind = 'transferred' GROUP BY from_unit_id;
    """
    with app.app_context():
        started = time.perf_counter()
        for statement in filter(str.strip, bare_sql.split(";")):
            db.session.execute(sa.text(statement)).all()
        bare = time.perf_counter() - started
        db.engine.dispose()
    return [["flask scores recompute", f"{recompute:.2f}"], ["bare SQL aggregate", f"{bare:.2f}"],
            ["ratio", f"{recompute / bare:.2f} (budget: ≤ 2)"]], []


def main() -> None:
    """Run every measurement and write bench/results/<date>-bench.md."""
    cases = _int("BENCH_CASES", 1_000_000)
    requests, seconds = _int("BENCH_REQUESTS", 300), _int("BENCH_SECONDS", 15)
    workers, clients = _int("BENCH_WORKERS", 2), _int("BENCH_CLIENTS", 8)
    load_before = report.load_average()
    sizes = sorted({min(1000, cases), min(100_000, cases)})
    print(f"Statement counts at {', '.join(f'{s:,}' for s in sizes)} cases...", flush=True)
    counts, notes, seeding = measure_statements(sizes)
    with scratch_database() as url:
        print(f"Seeding {cases:,} cases...", flush=True)
        big = seed(url, cases, PASSWORD)
        seeding.append([f"{cases:,} (fresh database)", f"{big['events']:,}", f"{big['seconds']:.1f}",
                        f"{cases / big['seconds']:,.0f}"])
        app = make_app(url)
        with app.app_context():
            from app.extensions import db

            version = db.session.scalar(sa.text("SHOW server_version"))
            db.engine.dispose()
        print("Server time per page...", flush=True)
        timings, more_notes = measure_server_time(url, requests)
        print("Throughput under gunicorn...", flush=True)
        throughput, memory = measure_throughput(url, seconds, workers, clients)
        print("Scorecards...", flush=True)
        scorecards, score_notes = measure_scorecards(url)
    lines = [f"# Benchmark, {cases:,} cases", "", *report.machine(version),
             f"- Load average (1 min) before: {load_before}, after: {report.load_average()} "
             "(other work on the machine makes timings noisy)", "",
             "## Volume data (`flask seed bulk`, COPY)", "",
             *report.table(["cases", "events", "seconds", "cases/s"], seeding), "",
             "## SQL statements per request (must not grow with the data)", "",
             *report.table(["page", "as", *[f"at {s:,} cases" for s in sizes], "same"], counts), "",
             f"## Server time at {cases:,} cases (inside the WSGI app, through the test client)", "",
             *report.table(["page", "as", "requests", "p50 ms", "p95 ms", "max ms", "budget ms",
                            "statuses"], timings), "",
             f"## Throughput under gunicorn ({workers} sync workers, {clients} clients, {seconds} s each)",
             "", *report.table(["what", "answers/s", "p50 ms", "p95 ms", "other answers"], throughput), "",
             "## Peak memory per web worker (VmHWM, MiB)", "",
             *report.table(["server", "each worker", "max"], memory), ""]
    if scorecards:
        lines += ["## Scorecard recompute, seconds", "",
                  *report.table(["what", "seconds"], scorecards), ""]
    skipped = sorted(set(notes + more_notes + score_notes))
    if skipped:
        lines += ["## Skipped", "", *[f"- {note}" for note in skipped], ""]
    report.write("bench", lines)


if __name__ == "__main__":
    main()
