"""Every period's per-unit metrics in one pass: the rules of app/scoring/metrics.py, once
over the rows for all the periods asked at once.

The periods (a campaign's whole span, its quarters and months, the public year) are a
small table of windows (id, start, end, as of, campaign) joined to the facts: each fact
(an arrival, an answer, a rating, a transfer...) is computed once, then counted in every
window its instant falls in (usually three or four). A window no fact falls in costs
nothing. The figures are the same as the per-period queries' (a test compares them on a
varied fixture): the same conditions, with the window's bounds instead of parameters.

Two figures are not confined to their window: the cases open and overdue at a window's
end, and the campaign works registered and completed before it. They are counts of
facts whose instants lie before that end, so each fact is counted once in the interval
between two window ends it falls in, and the intervals are summed up to each end.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.cases.holding import arrival_filter
from app.core.timeutil import LOCAL_TZ, to_local
from app.deadlines.clocks import Deadline, statuses_running
from app.extensions import db
from app.models import (
    CampaignWork,
    Case,
    CaseEvent,
    CaseExtension,
    CaseStatus,
    CoHandlingRequest,
    EventKind,
    ExtensionStatus,
    RequestStatus,
    WorkStatus,
)
from app.models.types import UTCDateTime
from app.scoring.metrics import (
    response_rows,
    ANSWERED,
    UnitMetrics,
    _count_if,
    _later,
    _rank_bounds,
    arrival_before,
    interpolate,
)

NO_CAMPAIGN = 0  # the windows of the public figures (campaign ids start at 1)


@dataclass(frozen=True)
class Window:
    """One period to compute: [start, end), judged as of min(end, now)."""

    start: datetime
    end: datetime
    campaign_id: int | None = None


def _windows_table(windows: list[Window], now: datetime):
    """The windows as a small table (a UNION ALL of rows: portable, unlike VALUES aliases)."""
    rows = [
        sa.select(sa.literal(i, sa.Integer).label("wid"),
                  sa.literal(x.start, UTCDateTime).label("start"),
                  sa.literal(x.end, UTCDateTime).label("end"),
                  sa.literal(min(x.end, now), UTCDateTime).label("as_of"),
                  sa.literal(x.campaign_id or NO_CAMPAIGN, sa.Integer).label("campaign_id"),
                  sa.literal(to_local(x.start).date(), sa.Date).label("first_day"),
                  sa.literal(to_local(x.end).date(), sa.Date).label("end_day"))
        for i, x in enumerate(windows)
    ]
    return (rows[0] if len(rows) == 1 else sa.union_all(*rows)).cte("windows")


def _facts(stmt: sa.Select, name: str):
    """The facts as a table computed once (PostgreSQL would otherwise re-run their
    correlated subqueries for every window a fact falls in)."""
    return stmt.cte(name).prefix_with("MATERIALIZED", dialect="postgresql")


def _local_day(instant):
    """SQL: the local (Ho Chi Minh City) day of an instant."""
    if db.engine.dialect.name == "postgresql":
        # The zone as a constant (not a parameter), so GROUP BY sees the same expression.
        return sa.func.date(sa.func.timezone(sa.literal_column(f"'{LOCAL_TZ.key}'"), instant))
    return sa.func.date(instant, sa.literal_column("'+7 hours'"))  # stored as naive UTC; the city keeps UTC+7


def _by_day(w, facts, at, *sums):
    """Additive figures: summed per unit and local day first (a few thousand rows
    whatever the number of cases), then per window over its days. A window is made of
    whole local days (every Period is)."""
    daily = (
        sa.select(facts.c.unit_id.label("unit_id"), _local_day(at).label("day"),
                  *(total.label(f"s{i}") for i, total in enumerate(sums)))
        .where(facts.c.unit_id.is_not(None))
        .group_by(facts.c.unit_id, _local_day(at))
        .subquery("daily")
    )
    return (
        sa.select(w.c.wid, daily.c.unit_id,
                  *(sa.cast(sa.func.sum(daily.c[f"s{i}"]), sa.Integer) for i in range(len(sums))))
        .select_from(daily)
        .join(w, sa.and_(daily.c.day >= w.c.first_day, daily.c.day < w.c.end_day))
        .group_by(w.c.wid, daily.c.unit_id)
    )


def _in(w, instant):
    return sa.and_(instant >= w.c.start, instant < w.c.end)


def received(w, lo, hi):
    e = CaseEvent
    return (
        sa.select(w.c.wid, e.to_unit_id, sa.func.count(sa.distinct(e.case_id)))
        .select_from(e).join(w, _in(w, e.created_at))
        .where(arrival_filter(e), e.created_at >= lo, e.created_at < hi)
        .group_by(w.c.wid, e.to_unit_id)
    )


def acknowledgments(w, lo, hi):
    arrival, later, first = aliased(CaseEvent), aliased(CaseEvent), aliased(CaseEvent)
    first_action = (
        sa.select(sa.func.min(later.id))
        .where(later.case_id == arrival.case_id, later.id > arrival.id,
               later.from_status.in_(statuses_running(Deadline.ACK)))
        .correlate(arrival)
        .scalar_subquery()
    )
    held = _facts(
        sa.select(arrival.to_unit_id.label("unit_id"), arrival.ack_due_at.label("due"),
                  first_action.label("first_id"))
        .where(arrival_filter(arrival), arrival.ack_due_at >= lo, arrival.ack_due_at < hi),
        "ack_facts",
    )
    as_of = w.c.as_of
    acted = sa.and_(first.id.is_not(None), first.kind != EventKind.TRANSFERRED.value,
                    first.created_at < as_of)
    return (
        sa.select(w.c.wid, held.c.unit_id, sa.func.count(),
                  _count_if(sa.and_(acted, first.created_at <= held.c.due)))
        .select_from(held)
        .join(w, _in(w, held.c.due))
        .outerjoin(first, first.id == held.c.first_id)
        .where(sa.or_(acted, sa.and_(held.c.due < as_of, sa.or_(
            first.id.is_(None), first.created_at >= as_of))))
        .group_by(w.c.wid, held.c.unit_id)
    )


def response_facts(hi):
    """Answers and cases still waiting, with the unit, due, original due and answer time
    (the union of app.scoring.metrics.responses, computed once)."""
    union = response_rows(hi)
    return _facts(sa.select(union).where(union.c.unit_id.is_not(None)), "response_facts")


def responses_due(w, facts):
    """Per window and unit: answers due in it, on time, on time against the original date."""
    answered = sa.and_(facts.c.answered_at.is_not(None), facts.c.answered_at < w.c.as_of)
    return (
        sa.select(
            w.c.wid, facts.c.unit_id,
            _count_if(sa.or_(answered, facts.c.due < w.c.as_of)),
            _count_if(sa.and_(answered, facts.c.answered_at <= facts.c.due)),
            _count_if(sa.and_(answered, facts.c.answered_at <= facts.c.original_due)),
        )
        .select_from(facts).join(w, _in(w, facts.c.due))
        .group_by(w.c.wid, facts.c.unit_id)
    )


def _interval(instant, bounds: list[datetime]):
    """SQL: the index of the interval between sorted ``bounds`` that ``instant`` falls in:
    0 before the first, i for [bounds[i-1], bounds[i]), NULL when ``instant`` is NULL."""
    whens = [(instant < b, i) for i, b in enumerate(bounds)]
    return sa.case(*whens, else_=len(bounds))


def overdue_intervals(facts, bounds):
    """Per unit and interval: the facts becoming due in it, and those leaving "open and
    overdue" in it (answered, once due). Open and overdue at an instant t: due before t and
    not answered before t, i.e. #{due < t} - #{later of due and answer < t}."""
    leaves = sa.case((facts.c.answered_at.is_(None), None),
                     else_=_later(facts.c.answered_at, facts.c.due))
    due_in = _interval(facts.c.due, bounds).label("i")
    left = _interval(leaves, bounds).label("i")
    return sa.union_all(
        sa.select(facts.c.unit_id, due_in, sa.literal(1).label("sign")),
        sa.select(facts.c.unit_id, left, sa.literal(-1).label("sign")).where(leaves.is_not(None)),
    ).subquery()


def response_times(w, lo, hi):
    c = Case
    facts = _facts(
        sa.select(c.unit_id.label("unit_id"), c.response_working_minutes.label("minutes"),
                  c.responded_at.label("at"))
        .where(c.responded_at >= lo, c.responded_at < hi,
               c.response_working_minutes.is_not(None), c.unit_id.is_not(None)),
        "time_facts",
    )
    ranked = (
        sa.select(
            w.c.wid.label("wid"), facts.c.unit_id, facts.c.minutes,
            (sa.func.row_number().over(partition_by=(w.c.wid, facts.c.unit_id),
                                       order_by=facts.c.minutes) - 1).label("rn"),
            sa.func.count().over(partition_by=(w.c.wid, facts.c.unit_id)).label("n"),
        )
        .select_from(facts).join(w, _in(w, facts.c.at))
        .subquery()
    )
    n = ranked.c.n

    def at(rank):
        return sa.func.sum(sa.case((ranked.c.rn == rank, ranked.c.minutes), else_=0))

    med_lo, med_hi = _rank_bounds(n, 1, 2)
    p90_lo, p90_hi = _rank_bounds(n, 9, 10)
    return sa.select(
        ranked.c.wid, ranked.c.unit_id, sa.func.max(n), at(med_lo), at(med_hi), at(p90_lo),
        at(p90_hi),
    ).group_by(ranked.c.wid, ranked.c.unit_id)


def satisfaction(w, lo, hi):
    rating = aliased(CaseEvent)
    last = (
        sa.select(rating.case_id, sa.func.max(rating.id).label("event_id"))
        .where(rating.kind == EventKind.RATING.value)
        .group_by(rating.case_id)
        .subquery()
    )
    event = aliased(CaseEvent)
    rated = _facts(
        sa.select(arrival_before(event).label("unit_id"), Case.satisfaction.label("stars"),
                  event.created_at.label("at"))
        .select_from(last)
        .join(event, event.id == last.c.event_id)
        .join(Case, Case.id == last.c.case_id)
        .where(event.created_at >= lo, event.created_at < hi, Case.satisfaction.is_not(None)),
        "rating_facts",
    )
    return _by_day(w, rated, rated.c.at, sa.func.count(), sa.func.sum(rated.c.stars),
                   _count_if(rated.c.stars >= 4))


def reopens(w, lo, hi):
    answer, reopen = aliased(CaseEvent), aliased(CaseEvent)
    was_reopened = (
        sa.select(reopen.id)
        .where(reopen.case_id == answer.case_id, reopen.id > answer.id,
               reopen.from_status.in_(ANSWERED),
               reopen.to_status == CaseStatus.IN_PROGRESS.value)
        .correlate(answer)
        .exists()
    )
    answers = _facts(
        sa.select(arrival_before(answer).label("unit_id"), was_reopened.label("reopened"),
                  answer.created_at.label("at"))
        .where(answer.kind == EventKind.PUBLIC_REPLY.value,
               answer.created_at >= lo, answer.created_at < hi),
        "answer_facts",
    )
    return _by_day(w, answers, answers.c.at, sa.func.count(), _count_if(answers.c.reopened))


def transfers(w, lo, hi):
    move = aliased(CaseEvent)
    made = _facts(
        sa.select(
            move.from_unit_id.label("unit_id"),
            move.created_at.label("at"),
            arrival_before(move, lambda a: a.ack_due_at).label("ack_due"),
            arrival_before(move, lambda a: a.response_due_at).label("own_due"),
            Case.response_due_at.label("case_due"),
        )
        .join(Case, Case.id == move.case_id)
        .where(move.kind == EventKind.TRANSFERRED.value, move.from_unit_id.is_not(None),
               move.created_at >= lo, move.created_at < hi),
        "transfer_facts",
    )
    late = sa.or_(made.c.at > made.c.ack_due,
                  made.c.at > _later(made.c.own_due, made.c.case_due))
    return _by_day(w, made, made.c.at, sa.func.count(), _count_if(late))


def endings(w, lo, hi):
    e = CaseEvent
    ended = (
        sa.select(w.c.wid, Case.unit_id, e.to_status, sa.func.count(sa.distinct(e.case_id)))
        .select_from(e).join(Case, Case.id == e.case_id).join(w, _in(w, e.created_at))
        .where(e.to_status.in_([CaseStatus.REJECTED.value, CaseStatus.GUIDED.value]),
               Case.unit_id.is_not(None), e.created_at >= lo, e.created_at < hi)
        .group_by(w.c.wid, Case.unit_id, e.to_status)
    )
    x = CaseExtension
    extended = (
        sa.select(w.c.wid, Case.unit_id, sa.literal("extensions"), sa.func.count())
        .select_from(x).join(Case, Case.id == x.case_id).join(w, _in(w, x.decided_at))
        .where(x.status == ExtensionStatus.APPROVED.value, Case.unit_id.is_not(None),
               x.decided_at >= lo, x.decided_at < hi)
        .group_by(w.c.wid, Case.unit_id)
    )
    return sa.union_all(ended, extended)


def contributions(w, lo, hi, now):
    r = CoHandlingRequest
    replied = sa.and_(r.status.in_([RequestStatus.ANSWERED.value, RequestStatus.DECLINED.value]),
                      r.replied_at.is_not(None), r.replied_at < now)
    late = sa.or_(sa.and_(replied, r.replied_at > r.due_at),
                  sa.and_(sa.not_(replied), r.due_at < w.c.as_of))
    return (
        sa.select(w.c.wid, r.unit_id, sa.func.count(),
                  _count_if(sa.and_(replied, r.replied_at <= r.due_at)), _count_if(late),
                  _count_if(sa.and_(replied, r.status == RequestStatus.DECLINED.value)))
        .select_from(r).join(w, _in(w, r.asked_at))
        .where(r.asked_at >= lo, r.asked_at < hi, r.asked_at < now,
               r.status != RequestStatus.WITHDRAWN.value)
        .group_by(w.c.wid, r.unit_id)
    )


def works(w):
    """Per campaign window and unit: works registered before its end, completed by then."""
    c = CampaignWork
    done = sa.and_(c.status.in_([WorkStatus.COMPLETED.value, WorkStatus.RECOGNISED.value]),
                   c.completed_at < w.c.end)
    return (
        sa.select(w.c.wid, c.unit_id, sa.func.count(), _count_if(done))
        .select_from(c).join(w, sa.and_(c.campaign_id == w.c.campaign_id,
                                        c.registered_at < w.c.end))
        .group_by(w.c.wid, c.unit_id)
    )


def unit_metrics_of(windows: list[Window], now: datetime) -> list[dict[int, UnitMetrics]]:
    """Every unit's metrics in each window, as app.scoring.metrics.unit_metrics gives them
    one window at a time (works only for windows of a campaign): eleven statements whatever
    the number of windows."""
    out: list[dict[int, UnitMetrics]] = [{} for _ in windows]
    if not windows:
        return out
    w = _windows_table(windows, now)
    lo, hi = min(x.start for x in windows), max(x.end for x in windows)

    def unit(wid: int, unit_id: int) -> UnitMetrics:
        return out[wid].setdefault(unit_id, UnitMetrics(unit_id))

    if db.engine.dialect.name == "postgresql":
        # Compiling these statements to machine code costs more than it saves here.
        db.session.execute(sa.text("SET LOCAL jit = off"))
    run = db.session.execute
    for wid, unit_id, count in run(received(w, lo, hi)):
        unit(wid, unit_id).received = count
    for wid, unit_id, due, on_time in run(acknowledgments(w, lo, hi)):
        m = unit(wid, unit_id)
        m.ack_due, m.ack_on_time = due, on_time
    _responses(windows, now, w, hi, unit)
    for wid, unit_id, n, med_lo, med_hi, p90_lo, p90_hi in run(response_times(w, lo, hi)):
        m = unit(wid, unit_id)
        m.median_minutes = interpolate(n, med_lo, med_hi, 1, 2)
        m.p90_minutes = interpolate(n, p90_lo, p90_hi, 9, 10)
    for wid, unit_id, count, reopened in run(reopens(w, lo, hi)):
        m = unit(wid, unit_id)
        m.answered, m.reopened = count, reopened
    for wid, unit_id, count, total, high in run(satisfaction(w, lo, hi)):
        m = unit(wid, unit_id)
        m.rated, m.rating_sum, m.rated_high = count, int(total), high
    for wid, unit_id, count, late in run(transfers(w, lo, hi)):
        m = unit(wid, unit_id)
        m.transfers_out, m.late_transfers = count, late
    for wid, unit_id, outcome, count in run(endings(w, lo, hi)):
        field_name = {"rejected": "rejected", "guided": "guided"}.get(outcome, "extensions_used")
        setattr(unit(wid, unit_id), field_name, count)
    for wid, unit_id, asked, on_time, late, declined in run(contributions(w, lo, hi, now)):
        m = unit(wid, unit_id)
        m.contributions_asked, m.contributions_on_time = asked, on_time
        m.contributions_late, m.contributions_declined = late, declined
    if any(x.campaign_id is not None for x in windows):
        for wid, unit_id, registered, completed in run(works(w)):
            if windows[wid].campaign_id is not None:
                m = unit(wid, unit_id)
                m.works_registered, m.works_completed = registered, completed
    return out


def _responses(windows, now, w, hi, unit) -> None:
    """The answers due in each window (one statement) and the cases open and overdue at
    each window's end (one statement over the same facts, summed up to each end)."""
    facts = response_facts(hi)
    run = db.session.execute
    for wid, unit_id, due, on_time, on_time_original in run(responses_due(w, facts)):
        m = unit(wid, unit_id)
        m.response_due, m.response_on_time = due, on_time
        m.response_on_time_original = on_time_original
    # Presence: the per-period query has a row for every unit with a fact due before the
    # window's end; open and overdue is judged at the window's as-of instant.
    # Presence: the per-period query has a row for every unit with a fact due before the
    # window's end; open and overdue is judged at the window's as-of instant.
    bounds = sorted({min(x.end, now) for x in windows} | {x.end for x in windows})
    moves = overdue_intervals(facts, bounds)
    due_in: dict[int, list[int]] = defaultdict(lambda: [0] * (len(bounds) + 1))
    change: dict[int, list[int]] = defaultdict(lambda: [0] * (len(bounds) + 1))
    for unit_id, interval, sign, count in run(
        sa.select(moves.c.unit_id, moves.c.i, moves.c.sign, sa.func.count())
        .group_by(moves.c.unit_id, moves.c.i, moves.c.sign)
    ):
        change[unit_id][interval] += sign * count
        if sign > 0:
            due_in[unit_id][interval] += count
    for unit_id, per_interval in change.items():
        due_before = _running(due_in[unit_id])
        open_before = _running(per_interval)
        for wid, window in enumerate(windows):
            if due_before[bisect.bisect_left(bounds, window.end)]:
                k = bisect.bisect_left(bounds, min(window.end, now))
                unit(wid, unit_id).open_overdue = open_before[k]


def _running(per_interval: list[int]) -> list[int]:
    """k -> the facts before bounds[k]: the sum of intervals 0..k."""
    total, out = 0, []
    for count in per_interval[:-1]:
        total += count
        out.append(total)
    return out
