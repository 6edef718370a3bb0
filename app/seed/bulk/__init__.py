"""Volume data for benchmarks and load tests: `flask seed bulk --cases N`.

Cases spread over units, categories, channels, states and the last two years,
each with the timeline the workflow would have written, references continuing
each year's CaseSequence, fresh secret tracking codes and accent-folded search
text. Each case has a kind and follows the regime chosen for its kind, category
and priority; its due times come from the working calendar (holidays and
CalendarDay rows included), through ``WorkingTimeLine`` for hours and
``DayTable`` for days. Rows go in with COPY on PostgreSQL and
with batched executemany on SQLite; no ORM object is made per case. An open
campaign's period covers the cases, so scorecards have their volume
(``app.seed.bulk.campaign``).

On PostgreSQL the case tables are locked for the duration, so submissions wait
until the load commits. Tracking codes are 58-bit random values; the database's
unique constraint would refuse the (astronomically unlikely) collision with an
existing code.
"""
from __future__ import annotations

import multiprocessing
import random
import secrets
import time
from bisect import bisect_right
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import islice

import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.deadlines.counting import local_day
from app.deadlines.sla import load_calendar
from app.extensions import db
from app.intake.tracking import ALPHABET, CODE_LENGTH
from app.models import Case, CaseEvent, CaseSequence
from app.seed.bulk import texts
from app.seed.bulk.campaign import ensure_bulk_campaign
from app.seed.bulk.dues import DueClock
from app.seed.bulk.lifecycle import CASE_COLUMNS, CaseFactory
from app.seed.bulk.worktime import LOCAL_OFFSET, DayTable, WorkingTimeLine, to_datetime
from app.seed.bulk.world import ensure_base, load_world
from app.seed.bulk.writer import Timestamps, Writer, check_text, copy_text
from app.seed.demo import SeedReport

BATCH = 20_000
# Processes drawing batches on PostgreSQL. One by default: measured on a busy two-core
# machine, two workers slowed the load (they took the CPU the database server needed).
WORKERS = 1
STATUS = CASE_COLUMNS.index("status")


@dataclass
class BulkReport:
    """What a bulk load did, for the command to print."""

    cases: int = 0
    events: int = 0
    units_created: int = 0
    users_created: int = 0
    seconds: float = 0.0
    campaign: str | None = None  # the open campaign whose period covers the cases
    statuses: dict[str, int] = field(default_factory=dict)
    demo: SeedReport = field(default_factory=SeedReport)


def tracking_codes(count: int) -> list[str]:
    """``count`` random codes from the tracking alphabet (rejection sampling keeps them unbiased)."""
    accept = len(ALPHABET) * (256 // len(ALPHABET))
    table = bytes(ord(ALPHABET[b % len(ALPHABET)]) if b < accept else 0 for b in range(256))
    rejected = bytes(range(accept, 256))
    wanted = count * CODE_LENGTH
    symbols = b""
    while len(symbols) < wanted:
        more = secrets.token_bytes((wanted - len(symbols)) * 256 // accept + 64)
        symbols += more.translate(table, rejected)
    text = symbols[:wanted].decode("ascii")
    return [text[i:i + CODE_LENGTH] for i in range(0, wanted, CODE_LENGTH)]


def _year_starts(first: int, last: int) -> tuple[list[int], list[int]]:
    """Epoch seconds at which each local year begins, for the years between two instants."""
    years = list(range(datetime.fromtimestamp(first + LOCAL_OFFSET, timezone.utc).year,
                       datetime.fromtimestamp(last + LOCAL_OFFSET, timezone.utc).year + 1))
    starts = [int(datetime(y, 1, 1, tzinfo=timezone.utc).timestamp()) - LOCAL_OFFSET for y in years]
    return years, starts


def _receipts(rng: random.Random, factory: CaseFactory, count: int, now: int, span: int,
              line: WorkingTimeLine) -> list[tuple[int, str]]:
    """When each case arrived and how, oldest first; more cases lately, as use grows."""
    out = []
    for _ in range(count):
        received = now - int(span * rng.random() ** 1.3) - rng.randint(60, 3600)
        channel = factory.channel()
        if channel in ("hotline", "walk_in"):
            received = line.next_working(received)
        out.append((min(received, now - 60), channel))
    out.sort()
    return out


def make_batch(factory: CaseFactory, seed: str, items: list[tuple], event_id: int
               ) -> tuple[list[tuple], list[tuple]]:
    """The case rows and event rows of one batch, drawn from randomness seeded with ``seed``.

    ``items`` are (id, reference, tracking code, received, channel) per case;
    event ids follow ``event_id``.
    """
    factory.rng = random.Random(seed)
    case_rows: list[tuple] = []
    event_rows: list[tuple] = []
    for case_id, reference, code, received, channel in items:
        row, events = factory.make(case_id, event_id + len(event_rows) + 1, reference, code,
                                   received, channel)
        case_rows.append(row)
        event_rows.extend(events)
    return case_rows, event_rows


# What a worker process draws batches with: set before the workers fork, inherited by them.
_WORK: tuple[CaseFactory, Timestamps] | None = None


def _batch_text(job: tuple[str, list[tuple]]) -> tuple[str, str, int, Counter[str]]:
    """In a worker process: one batch as COPY text, with its event count and statuses."""
    factory, timestamps = _WORK
    case_rows, event_rows = make_batch(factory, *job, 0)
    case_text, event_text = copy_text(case_rows, event_rows, timestamps)
    return case_text, event_text, len(event_rows), Counter(row[STATUS] for row in case_rows)


def _load_in_parallel(writer: Writer, factory: CaseFactory, jobs: list, adding: int,
                      existing: int, statuses: Counter[str], workers: int) -> int:
    """Draw the batches in worker processes while this one streams them to PostgreSQL.

    The workers fork before the COPY thread starts and never touch the
    database; batches are written in order, a few at most waiting at a time.
    Returns the number of events written.
    """
    global _WORK
    _WORK = (factory, writer.timestamps)
    events = 0
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            writer.prepare(adding, existing)
            todo = iter(jobs)
            pending = deque(pool.apply_async(_batch_text, (job,))
                            for job in islice(todo, 2 * workers))
            while pending:
                case_text, event_text, count, batch_statuses = pending.popleft().get()
                job = next(todo, None)
                if job is not None:
                    pending.append(pool.apply_async(_batch_text, (job,)))
                writer.write_text(case_text, event_text)
                events += count
                statuses.update(batch_statuses)
    finally:
        _WORK = None
    return events


def seed_bulk(cases: int, seed: int | None = None, units: int = 100, years: int = 2,
              now: datetime | None = None, batch: int = BATCH,
              workers: int = WORKERS) -> BulkReport:
    """Add ``cases`` synthetic cases with their timelines. The caller commits.

    On PostgreSQL, more than one batch is drawn by ``workers`` processes (1: in this one);
    the data are the same either way for a given ``seed``.
    """
    started = time.perf_counter()
    report = BulkReport()
    rng = random.Random(seed)
    now_dt = (now or utcnow()).astimezone(timezone.utc).replace(microsecond=0)
    now_ts = int(now_dt.timestamp())
    span = years * 365 * 86400
    writer = Writer(now_ts - span - 4 * 86400, now_ts + 400 * 86400)
    writer.lock()
    ensure_base(report.demo)
    specs, weights, staff, report.units_created, report.users_created = load_world(units)
    if not specs:
        raise ValueError("no active category to file cases under")
    for pool in (texts.GENERIC_TEXTS, texts.ANSWERS, texts.QUESTIONS, texts.NAMES, texts.ALL_WARDS,
                 texts.GUIDANCE):
        for entry in pool:
            for part in (entry if isinstance(entry, tuple) else (entry,)):
                check_text(part)
    calendar = load_calendar()
    first, last = now_dt - timedelta(seconds=span + 3 * 86400), now_dt + timedelta(days=400)
    line = WorkingTimeLine(calendar, first, last)
    days = DayTable(calendar, local_day(first), local_day(last))
    factory = CaseFactory(rng, DueClock(line, days), specs, weights, staff, now_ts)
    receipts = _receipts(rng, factory, cases, now_ts, span, line)
    chunk_seed = rng.getrandbits(64)
    years_list, year_starts = _year_starts(receipts[0][0] if receipts else now_ts, now_ts)
    counters = {
        year: value for year, value in db.session.execute(
            sa.select(CaseSequence.year, CaseSequence.last_value)
            .where(CaseSequence.year.in_(years_list))
        )
    }
    known = set(counters)
    case_id = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Case.id), 0)))
    event_id = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(CaseEvent.id), 0)))
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    # Ids, references and codes in receipt order; each batch then draws from its own seeded
    # randomness, so a batch makes the same cases in a worker process as in this one.
    jobs = []
    for first in range(0, cases, batch):
        chunk = receipts[first:first + batch]
        items = []
        for (received, channel), code in zip(chunk, tracking_codes(len(chunk))):
            year = years_list[bisect_right(year_starts, received) - 1]
            number = counters.get(year, 0) + 1
            counters[year] = number
            case_id += 1
            items.append((case_id, f"{year}-{number:06d}", code, received, channel))
        jobs.append((f"{chunk_seed}:{len(jobs)}", items))
    statuses: Counter[str] = Counter()
    if writer.postgresql and len(jobs) > 1 and workers > 1:
        report.events = _load_in_parallel(writer, factory, jobs, cases, existing, statuses,
                                          workers)
    else:
        writer.prepare(cases, existing)
        for job in jobs:
            case_rows, event_rows = make_batch(factory, *job, event_id)
            event_id += len(event_rows)
            statuses.update(row[STATUS] for row in case_rows)
            writer.write(case_rows, event_rows)
            report.events += len(event_rows)
    writer.finish(case_id)
    for year, value in counters.items():
        if year in known:
            db.session.execute(sa.update(CaseSequence).where(CaseSequence.year == year)
                               .values(last_value=value))
        else:
            db.session.execute(sa.insert(CaseSequence).values(year=year, last_value=value))
    if receipts:
        report.campaign = ensure_bulk_campaign(to_datetime(receipts[0][0]), now_dt).name
    report.cases = cases
    report.statuses = dict(sorted(statuses.items()))
    report.seconds = time.perf_counter() - started
    return report
