"""`make bench`: the performance goals of the README's "Quality gates", measured on PostgreSQL.

wrk (Debian's package, installed when missing) measures every page of the goal
table and a bare Flask page rendering a 50-row template, under the same gunicorn
settings in the same run; each page's answers/s is given as a ratio to the bare
page's, next to its goal. Also: `flask scores recompute` against a bare SQL
aggregate over the same rows, `flask seed bulk` seconds, peak memory per worker,
SQL statements per page at two sizes, and (diagnostics) server time per page.
Written to bench/results/<date>-bench.md. Environment:
  BENCH_DATABASE_URL / TEST_DATABASE_URL  the PostgreSQL server (a database is created and dropped)
  BENCH_CASES        cases (default 1,000,000; 20000 for a quick run)
  BENCH_SECONDS      seconds of each wrk run (default 10)
  BENCH_THREADS, BENCH_CONNECTIONS  wrk threads and connections (default 2 and 8)
  BENCH_WORKERS      gunicorn sync workers (default 2)
  BENCH_REQUESTS     test-client requests per page for the server-time diagnostics (default 50)
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import sqlalchemy as sa

from bench import report, wrk
from bench.client import Browser, Citizen
from bench.db import make_app, scratch_database, seed
from bench.pages import (
    COMMITTEE,
    PAGES,
    available,
    pick_sample,
    sign_in,
    statement_counts,
)
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


# The table: (page, goal as a ratio to the bare page), in its order.
GOALS = {
    "officer queue `/cases`": 0.30,
    "officer queue search `/cases?q=hoan thue`": 0.20,
    "committee queue `/cases`": 0.30,
    "case page": 0.30,
    "tracking page": 0.50,
    "`/scorecards` (committee)": 0.50,
    "`/transparency`": 0.50,
    "citizen form POST → 303": 0.20,
}


def ratio_rows(bare_rate: float, measured: dict[str, tuple[float, int, int]]) -> list[list]:
    """One row per page of GOALS: answers/s, ratio to the bare page, goal, met or NOT met, problems.

    ``measured`` maps a page to (answers/s with the expected status, answers with
    another status, socket errors). A page with a wrong answer or a socket error,
    or not measured at all, has not met its goal whatever its ratio.
    """
    rows = []
    for page, goal in GOALS.items():
        if page not in measured:
            rows.append([page, "—", "—", f"≥ {goal:.2f}", "NOT met", "not measured"])
            continue
        rate, wrong, socket_errors = measured[page]
        ratio = rate / bare_rate if bare_rate else 0.0
        problems = [f"**{wrong} wrong answers**"] if wrong else []
        problems += [f"**{socket_errors} socket errors**"] if socket_errors else []
        met = ratio >= goal and not problems
        rows.append([page, f"{rate:,.1f}", f"{ratio:.3f}", f"≥ {goal:.2f}",
                     "met" if met else "NOT met", ", ".join(problems) or "—"])
    return rows


def _throughput_sample(url: str, n: int = 200) -> dict:
    """Accounts' sessions aside: categories, the officer's references, tracking codes."""
    app = make_app(url)
    with app.app_context():
        from app.extensions import db
        from app.models import Case, Category, User

        categories = list(db.session.scalars(
            sa.select(Category.id).where(Category.active, Category.default_unit_id.is_not(None))))
        unit_id = db.session.scalar(sa.select(User.unit_id).where(User.email == OFFICER))
        references = list(db.session.scalars(
            sa.select(Case.reference).where(Case.unit_id == unit_id)
            .order_by(sa.func.random()).limit(n)))
        codes = list(db.session.scalars(
            sa.select(Case.tracking_code).order_by(sa.func.random()).limit(n)))
        db.engine.dispose()
    return {"categories": categories, "references": references, "codes": codes}


def _cookie(browser: Browser) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}


def _form_plan(server_url: str, categories: list[int]) -> wrk.Plan:
    """The citizen form POST: one session and CSRF token, a fresh one-time token per request."""
    citizen = Citizen(server_url)
    citizen.open_form()
    category = categories[0]
    body = urlencode({"csrf_token": citizen.token, "category": str(category),
                      "title": "Phản ánh thử tải",
                      "description": "Nội dung phản ánh dùng để đo thông lượng của biểu mẫu công khai.",
                      "ward": "Phường Bến Thành"}) + "&submission_token="
    headers = {**_cookie(citizen), "Content-Type": "application/x-www-form-urlencoded"}
    return wrk.Plan(["/feedback/new"], method="POST", headers=headers, body=body)


def _staff_plans(server_url: str, sample: dict) -> dict[str, tuple[wrk.Plan, int]]:
    """The staff and public pages of the table, each with its expected status."""
    officer, committee = Browser(server_url), Browser(server_url)
    officer.sign_in(OFFICER, PASSWORD)
    committee.sign_in(COMMITTEE_EMAIL, PASSWORD)
    as_officer, as_committee = _cookie(officer), _cookie(committee)
    references = [f"/cases/{r}" for r in sample["references"]]
    codes = [f"/track/{c}" for c in sample["codes"]]
    return {
        "officer queue `/cases`": (wrk.Plan(["/cases"], headers=as_officer), 200),
        "officer queue search `/cases?q=hoan thue`":
            (wrk.Plan(["/cases?q=" + quote("hoan thue")], headers=as_officer), 200),
        "committee queue `/cases`": (wrk.Plan(["/cases"], headers=as_committee), 200),
        "case page": (wrk.Plan(references, headers=as_officer), 200),
        "tracking page": (wrk.Plan(codes), 200),
        "`/scorecards` (committee)": (wrk.Plan(["/scorecards"], headers=as_committee), 200),
        "`/transparency`": (wrk.Plan(["/transparency"]), 200),
    }


def _warm(server_url: str, plan: wrk.Plan, expected: int) -> None:
    """One request of the plan before measuring; a wrong status stops the bench loudly."""
    if plan.method != "GET":
        return
    answer = Browser(server_url).request("GET", plan.paths[0], headers=dict(plan.headers))
    if answer.status != expected:
        raise RuntimeError(f"{plan.paths[0]} answered {answer.status}, not {expected}")


def measure_throughput(url: str, seconds: int, workers: int, connections: int,
                       threads: int) -> tuple[list[list], list[list], list[list], list[str]]:
    """wrk on every page of the issue's table and on the bare page, same gunicorn settings, same run.

    Returns the ratio table, the raw wrk table, the peak memory table and loud problems.
    """
    wrk_path = wrk.ensure_wrk()
    sample = _throughput_sample(url)
    if not sample["references"] or not sample["codes"] or not sample["categories"]:
        raise RuntimeError("the bench database has no case or category to measure with")
    logs = Path(tempfile.mkdtemp(prefix="lang-nghe-bench-"))
    env = app_environment(url)
    raw, memory, problems, measured, bare_rates = [], [], [], {}, []

    def one(label: str, server: Gunicorn, plan: wrk.Plan, expected: int) -> wrk.Result:
        print(f"  wrk: {label}...", flush=True)
        result = wrk.run(server.url, plan, threads=threads, connections=connections,
                         seconds=seconds, wrk=wrk_path)
        sockets = sum(result.socket_errors.values())
        raw.append([label, f"{result.requests:,}", f"{result.seconds:.1f}",
                    ", ".join(f"{s}: {n:,}" for s, n in sorted(result.statuses.items())),
                    f"{result.rate(expected):,.1f}", f"{result.p50_ms:.1f}", f"{result.p99_ms:.1f}",
                    result.non_2xx_3xx, sockets])
        if result.server_errors():
            problems.append(f"**{label}: {result.server_errors()} answers 5xx**")
        if result.wrong(expected):
            problems.append(f"**{label}: {result.wrong(expected)} answers other than {expected}**")
        if sockets:
            problems.append(f"**{label}: {sockets} socket errors {result.socket_errors}**")
        return result

    def bare_run() -> None:
        with Gunicorn("bench.bare:app", env, workers=workers, log_path=logs / "bare.log") as bare:
            _warm(bare.url, wrk.Plan(["/"]), 200)
            result = one(f"bare page, run {len(bare_rates) + 1}", bare, wrk.Plan(["/"]), 200)
            bare_rates.append(result.rate(200))
            memory.append([f"bare page, run {len(bare_rates)}",
                           ", ".join(f"{p:.0f}" for p in bare.peak_rss_mib())])

    bare_run()
    with Gunicorn("wsgi:app", env, workers=workers, log_path=logs / "app.log") as server:
        plans = _staff_plans(server.url, sample)
        for label, (plan, expected) in plans.items():
            _warm(server.url, plan, expected)
            result = one(label, server, plan, expected)
            measured[label] = (result.rate(expected), result.wrong(expected),
                               sum(result.socket_errors.values()))
        label = "citizen form POST → 303"
        result = one(label, server, _form_plan(server.url, sample["categories"]), 303)
        measured[label] = (result.rate(303), result.wrong(303), sum(result.socket_errors.values()))
        peaks = server.peak_rss_mib()
        memory.append(["application (after every page)", ", ".join(f"{p:.0f}" for p in peaks)])
        if max(peaks, default=0) > 150:
            problems.append(f"**peak memory per worker {max(peaks):.0f} MiB, over 150 MiB**")
    bare_run()  # before and after: the machine's noise shows as their difference
    bare_rate = sum(bare_rates) / len(bare_rates)
    ratios = [["bare page (50-row template, mean of the two runs)", f"{bare_rate:,.1f}", "1", "—",
               "—", "—"], *ratio_rows(bare_rate, measured)]
    return ratios, raw, memory, problems


def measure_scorecards(url: str) -> tuple[list[list], list[str]]:
    """`flask scores recompute` next to a bare SQL aggregate over the same rows, when it exists.

    The recompute reads every case and its timeline (arrivals, answers, ratings,
    reopenings) to charge each unit; the bare aggregate is one pass over the same
    two tables grouped by unit: every case with the figures a scorecard shows, and
    every event by its unit and kind.
    """
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
        SELECT to_unit_id, kind, count(*), count(DISTINCT case_id), max(created_at)
        FROM case_events GROUP BY to_unit_id, kind;
    """
    with app.app_context():
        started = time.perf_counter()
        for statement in filter(str.strip, bare_sql.split(";")):
            db.session.execute(sa.text(statement)).all()
        bare = time.perf_counter() - started
        db.engine.dispose()
    return [["flask scores recompute", recompute], ["bare SQL aggregate", bare]], []


def seed_with_cli(url: str, cases: int) -> dict:
    """The demo accounts, then `flask seed bulk --cases N` through the CLI, timed on the wall clock."""
    from app.extensions import db
    from app.models import CaseEvent
    from app.seed.demo import seed_demo

    app = make_app(url)
    with app.app_context():
        seed_demo(PASSWORD)
        db.session.commit()
        db.engine.dispose()
    app = make_app(url)
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["seed", "bulk", "--cases", str(cases), "--seed", "9"])
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(f"flask seed bulk failed: {result.output[-500:]}")
    with app.app_context():
        events = db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent))
        db.engine.dispose()
    return {"cases": cases, "events": events, "seconds": seconds}


def main() -> None:
    """Run every measurement and write bench/results/<date>-bench.md."""
    cases = _int("BENCH_CASES", 1_000_000)
    requests, seconds = _int("BENCH_REQUESTS", 50), _int("BENCH_SECONDS", 10)
    workers, connections = _int("BENCH_WORKERS", 2), _int("BENCH_CONNECTIONS", 8)
    threads = _int("BENCH_THREADS", 2)
    wrk.ensure_wrk()  # fail before seeding anything when wrk cannot be had
    load_before = report.load_average()
    sizes = sorted({min(1000, cases), min(100_000, cases)})
    print(f"Statement counts at {', '.join(f'{s:,}' for s in sizes)} cases...", flush=True)
    counts, notes, seeding = measure_statements(sizes)
    with scratch_database() as url:
        print(f"flask seed bulk --cases {cases}...", flush=True)
        big = seed_with_cli(url, cases)
        seeding.append([f"{cases:,} (fresh database, `flask seed bulk`)", f"{big['events']:,}",
                        f"{big['seconds']:.1f}", f"{cases / big['seconds']:,.0f}"])
        app = make_app(url)
        with app.app_context():
            from app.extensions import db

            version = db.session.scalar(sa.text("SHOW server_version"))
            db.engine.dispose()
        print("Throughput with wrk under gunicorn...", flush=True)
        ratios, raw, memory, problems = measure_throughput(url, seconds, workers, connections, threads)
        print("Scorecards...", flush=True)
        scorecards, score_notes = measure_scorecards(url)
        print("Server time per page (diagnostics)...", flush=True)
        timings, more_notes = measure_server_time(url, requests)
    bulk_goal = "met" if big["seconds"] <= 60 else "NOT met"
    summary = [["`flask seed bulk --cases " + f"{cases:,}`", f"{big['seconds']:.1f} s",
                "≤ 60 s at 1,000,000" + ("" if cases == 1_000_000 else " (not measured at that size)"),
                bulk_goal if cases == 1_000_000 else "—"]]
    if scorecards:
        ratio = scorecards[0][1] / scorecards[1][1] if scorecards[1][1] else float("inf")
        summary.append(["`flask scores recompute` ÷ bare aggregate", f"{ratio:.2f}", "≤ 2",
                        "met" if ratio <= 2 else "NOT met"])
    lines = [f"# Benchmark, {cases:,} cases", "", *report.machine(version),
             (f"- Load average (1 min) before: {load_before}, after: {report.load_average()} "
              "(other work on the machine makes timings noisy)"),
             (f"- wrk {threads} threads, {connections} connections, {seconds} s per page, loopback; "
              f"gunicorn {workers} sync workers, the same settings for the application and the bare "
              "page (a 50-row Jinja table, no database); rate limits lifted (one client address)"), ""]
    if problems:
        lines += ["## PROBLEMS", "", *[f"- {p}" for p in problems], ""]
    lines += ["## Throughput, ratio to the bare page", "",
              *report.table(["page", "answers/s", "ratio", "goal", "result", "wrong answers / socket errors"],
                            ratios), "",
              *report.table(["what", "value", "goal", "result"], summary), "",
              "## wrk runs", "",
              *report.table(["run", "requests", "seconds", "statuses", "expected answers/s",
                             "p50 ms", "p99 ms", "non-2xx/3xx", "socket errors"], raw), "",
              "## Peak memory per web worker (VmHWM, MiB; goal ≤ 150)", "",
              *report.table(["server", "each worker"], memory), ""]
    if scorecards:
        lines += ["## Scorecard recompute, seconds", "",
                  *report.table(["what", "seconds"],
                                [[name, f"{value:.2f}"] for name, value in scorecards]), ""]
    lines += ["## Volume data (`flask seed bulk`, COPY)", "",
              *report.table(["cases", "events", "seconds", "cases/s"], seeding), "",
              "## SQL statements per request (must not grow with the data)", "",
              *report.table(["page", "as", *[f"at {s:,} cases" for s in sizes], "same"], counts), "",
              (f"## Diagnostics: server time at {cases:,} cases (inside the WSGI app, test client, "
               "after the throughput runs)"), "",
              *report.table(["page", "as", "requests", "p50 ms", "p95 ms", "max ms", "budget ms",
                             "statuses"], timings), ""]
    skipped = sorted(set(notes + more_notes + score_notes))
    if skipped:
        lines += ["## Skipped", "", *[f"- {note}" for note in skipped], ""]
    # A quick run at another size does not overwrite the day's full-size results.
    report.write("bench" if cases == 1_000_000 else f"bench-{cases}-cases", lines)
    if problems:
        print("\n".join(["", "PROBLEMS:", *problems]), flush=True)


if __name__ == "__main__":
    main()
