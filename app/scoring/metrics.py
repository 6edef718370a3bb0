"""Per-unit metrics over a period [start, end), in SQL: one grouped query per family.

Every figure is charged to the unit that held the case when it happened
(app/cases/holding.py). The definitions, for the score pages in plain words
in app/scoring/labels.py (COMPONENT_RULE):

* **Received** — cases that reached the unit in the period (routed to it or
  transferred to it), each case counted once per unit.
* **Acknowledged on time** — every time a case reaches a unit, the unit owes a
  first action by its acknowledgment due time: the case's own on routing at
  intake, otherwise its acknowledgment time counted from the arrival. Counted
  over the arrivals whose acknowledgment was due in the period. On time: the
  unit acknowledged (or rejected) it at or before that time. Still untouched
  after it: late. When the first action is a transfer the arrival is judged as
  a transfer instead (below), so no unit is charged twice for one delay.
* **Answered on time** — charged to the unit that answered (or holds) the case.
  Its due time is the citizen's due time, or, when the case reached it by a
  transfer, a full response time from the transfer if that is later. Counted
  over the answers, and the cases still waiting for one, whose due time fell in
  the period and that were answered or past due by the period end (or now); on
  time: answered at or before the due time. A case still unanswered past its
  due time is late. Each answer counts (a reopened case answered again counts twice).
* **Answered on time against the original date** — the same answers, judged by the due
  time before any extension of the answer deadline (the same due time when none was
  approved): what the unit would have scored without asking for more time.
* **Working hours to an answer** — median and 90th percentile of the working
  minutes the answering unit took (from when the case reached it or the clock
  restarted, without time awaiting the citizen), over the cases whose latest
  answer was given in the period;
  linear interpolation between ranks, as PostgreSQL's percentile_cont.
* **Open and overdue at the period end** — cases with the unit, due before the
  period end (or now) and still unanswered then.
* **Satisfaction** — the last rating of each case rated in the period (1–5),
  charged to the unit that answered: mean, and the share rated 4 or 5.
* **Reopened** — of the answers the unit gave in the period, the share the
  citizen reopened afterwards.
* **Transfers out / late transfers** — transfers the unit made in the period;
  late when made after its acknowledgment due time for that case or after the
  case's response due time. A late transfer counts against the unit that made
  it; the receiving unit is measured from the transfer.
* **Rejected** — cases the unit rejected in the period (spam, duplicate, out of scope).
* **Guided** — cases the unit guided in the period to the competent agency: neither an
  answer nor a rejection.
* **Extensions used** — extensions of the answer deadline approved in the period on the
  cases the unit holds.
* **Contributions** — as a co-handling unit (đơn vị phối hợp), the requests for input asked
  of the unit in the period, withdrawn ones aside. On time: answered or declined by the
  date asked (a timely decline lets the lead unit look elsewhere early). Late: replied
  after it, or still unreplied after it at the period end (or now). Declined ones are
  counted apart as well as on time or late; requests not yet due count in neither.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.cases.holding import arrival_filter
from app.deadlines.clocks import ANSWERED_STATUSES, Deadline, statuses_running
from app.extensions import db
from app.models import (
    CampaignWork,
    Case,
    CaseEvent,
    CaseExtension,
    CaseKind,
    CaseStatus,
    CoHandlingRequest,
    EventKind,
    ExtensionStatus,
    RequestStatus,
    WorkStatus,
)

ANSWERED = tuple(status.value for status in ANSWERED_STATUSES)
# Cases still owing an answer: their response deadline runs or is paused.
WAITING = statuses_running(Deadline.RESPONSE, or_paused=True)


@dataclass
class UnitMetrics:
    """One unit's counts over a period; rates are derived, never stored rounded."""

    unit_id: int
    received: int = 0
    ack_due: int = 0
    ack_on_time: int = 0
    response_due: int = 0
    response_on_time: int = 0
    response_on_time_original: int = 0
    open_overdue: int = 0
    median_minutes: float | None = None
    p90_minutes: float | None = None
    rated: int = 0
    rating_sum: int = 0
    rated_high: int = 0
    answered: int = 0
    reopened: int = 0
    transfers_out: int = 0
    late_transfers: int = 0
    rejected: int = 0
    guided: int = 0
    extensions_used: int = 0
    works_registered: int = 0
    works_completed: int = 0
    contributions_asked: int = 0
    contributions_on_time: int = 0
    contributions_late: int = 0
    contributions_declined: int = 0
    extra: dict = field(default_factory=dict)


def _count_if(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _later(a, b):
    """The later of two instants, NULL-safe on the first (portable GREATEST)."""
    return sa.case((a > b, a), else_=b)


def _earlier(a, b):
    """The earlier of two instants (portable LEAST)."""
    return sa.case((a < b, a), else_=b)


def arrival_before(event, column=None) -> sa.ScalarSelect:
    """SQL: of the arrival that gave ``event``'s case to the unit holding it when ``event``
    was recorded (the latest arrival recorded before it), ``column`` (default: the unit).

    The SQL form of app.cases.holding.holding_arrival; a test checks they agree.
    """
    arrival = aliased(CaseEvent)
    column = column or (lambda a: a.to_unit_id)
    return (
        sa.select(column(arrival))
        .where(arrival.case_id == event.case_id, arrival_filter(arrival), arrival.id < event.id)
        .order_by(arrival.id.desc())
        .limit(1)
        .correlate(event)
        .scalar_subquery()
    )


def received(start: datetime, end: datetime):
    """Cases that reached each unit in the period."""
    e = CaseEvent
    return (
        sa.select(e.to_unit_id, sa.func.count(sa.distinct(e.case_id)))
        .where(arrival_filter(e), e.created_at >= start, e.created_at < end)
        .group_by(e.to_unit_id)
    )


def acknowledgments(start: datetime, end: datetime, as_of: datetime):
    """Per unit: arrivals judged on their first action, and those acted on in time."""
    arrival, later, first = aliased(CaseEvent), aliased(CaseEvent), aliased(CaseEvent)
    first_action = (
        sa.select(sa.func.min(later.id))
        .where(later.case_id == arrival.case_id, later.id > arrival.id,
               later.from_status.in_(statuses_running(Deadline.ACK)))
        .correlate(arrival)
        .scalar_subquery()
    )
    held = (
        sa.select(arrival.to_unit_id.label("unit_id"), arrival.ack_due_at.label("due"),
                  first_action.label("first_id"))
        .where(arrival_filter(arrival), arrival.ack_due_at >= start, arrival.ack_due_at < end)
        .subquery()
    )
    # Judged as of ``as_of``: actions after it are not known yet.
    acted = sa.and_(first.id.is_not(None), first.kind != EventKind.TRANSFERRED.value,
                    first.created_at < as_of)
    return (
        sa.select(held.c.unit_id, sa.func.count(), _count_if(sa.and_(acted, first.created_at <= held.c.due)))
        .select_from(held)
        .outerjoin(first, first.id == held.c.first_id)
        .where(sa.or_(acted, sa.and_(held.c.due < as_of, sa.or_(
            first.id.is_(None), first.created_at >= as_of))))
        .group_by(held.c.unit_id)
    )


def unit_due_dates_for_cases():
    """(latest arrival per case, its event alias, the current unit's response due expression).

    The latest arrival recorded is the current holder's (app.cases.holding.holding_arrival).
    """
    latest = (
        sa.select(CaseEvent.case_id, sa.func.max(CaseEvent.id).label("event_id"))
        .where(arrival_filter())
        .group_by(CaseEvent.case_id)
        .subquery()
    )
    arrival = aliased(CaseEvent)
    return latest, arrival, _later(arrival.response_due_at, Case.response_due_at)


def response_rows(end: datetime) -> sa.Subquery:
    """Answers due before ``end`` and cases still waiting with a due time before it: the
    unit, the due time, the original due time (before extensions) and the answer's time
    (NULL while waiting). What ``responses`` judges, one row each."""
    answer = aliased(CaseEvent)
    own_due = arrival_before(answer, lambda a: a.response_due_at)
    original = sa.case(
        (Case.original_response_due_at.is_(None), answer.response_due_at),
        else_=_earlier(answer.response_due_at, _later(own_due, Case.original_response_due_at)),
    )
    answers = (
        sa.select(
            arrival_before(answer).label("unit_id"),
            answer.response_due_at.label("due"),
            original.label("original_due"),
            answer.created_at.label("answered_at"),
        )
        .join(Case, Case.id == answer.case_id)
        .where(answer.kind == EventKind.PUBLIC_REPLY.value, answer.response_due_at < end)
    )
    latest, arrival, due = unit_due_dates_for_cases()
    waiting_original = _later(arrival.response_due_at, sa.func.coalesce(
        Case.original_response_due_at, Case.response_due_at))
    waiting = (
        sa.select(Case.unit_id, due, waiting_original, sa.null())
        .join(latest, latest.c.case_id == Case.id)
        .join(arrival, arrival.id == latest.c.event_id)
        .where(Case.unit_id.is_not(None), Case.responded_at.is_(None),
               Case.status.in_(WAITING), due < end)
    )
    return sa.union_all(answers, waiting).subquery()


def responses(start: datetime, end: datetime, as_of: datetime):
    """Per unit: answers due in the period, those on time, those on time against the
    original date (before extensions), and cases open and overdue at the end.

    Answers are judged from their events (the due time is stamped on each answer,
    so a later reopening does not erase a late answer); cases still waiting for
    an answer are judged from their current due time. The original date of an answer
    is the unit's due time counted on the case's answer due before extensions, never
    later than the due time stamped on the answer (an answer given before the
    extensions of a later response clock keeps its own due time).
    """
    both = response_rows(end)
    in_period = sa.and_(both.c.due >= start, both.c.due < end)
    answered = sa.and_(both.c.answered_at.is_not(None), both.c.answered_at < as_of)
    return (
        sa.select(
            both.c.unit_id,
            _count_if(sa.and_(in_period, sa.or_(answered, both.c.due < as_of))),
            _count_if(sa.and_(in_period, answered, both.c.answered_at <= both.c.due)),
            _count_if(sa.and_(in_period, answered, both.c.answered_at <= both.c.original_due)),
            _count_if(sa.and_(both.c.due < as_of,
                              sa.or_(both.c.answered_at.is_(None), both.c.answered_at >= as_of))),
        )
        .where(both.c.unit_id.is_not(None))
        .group_by(both.c.unit_id)
    )


def _rank_bounds(n, numerator: int, denominator: int):
    """0-based ranks around the p-quantile (p = numerator/denominator) of n sorted values."""
    position = (n - 1) * numerator
    return position // denominator, (position + denominator - 1) // denominator


def response_times(start: datetime, end: datetime):
    """Per unit: count, and the two values around the median and the 90th percentile."""
    c = Case
    ranked = (
        sa.select(
            c.unit_id.label("unit_id"),
            c.response_working_minutes.label("minutes"),
            (sa.func.row_number().over(partition_by=c.unit_id,
                                       order_by=c.response_working_minutes) - 1).label("rn"),
            sa.func.count().over(partition_by=c.unit_id).label("n"),
        )
        .where(c.responded_at >= start, c.responded_at < end,
               c.response_working_minutes.is_not(None), c.unit_id.is_not(None))
        .subquery()
    )
    n = ranked.c.n

    def at(rank):
        return sa.func.sum(sa.case((ranked.c.rn == rank, ranked.c.minutes), else_=0))

    med_lo, med_hi = _rank_bounds(n, 1, 2)
    p90_lo, p90_hi = _rank_bounds(n, 9, 10)
    return sa.select(
        ranked.c.unit_id, sa.func.max(n), at(med_lo), at(med_hi), at(p90_lo), at(p90_hi)
    ).group_by(ranked.c.unit_id)


def interpolate(n: int, low: float, high: float, numerator: int, denominator: int) -> float:
    """percentile_cont between the two ranked values around the quantile."""
    fraction = ((n - 1) * numerator % denominator) / denominator
    return low + fraction * (high - low)


def satisfaction(start: datetime, end: datetime):
    """Per answering unit: cases last rated in the period, the sum of ratings, and 4–5 ratings."""
    rating = aliased(CaseEvent)
    last = (
        sa.select(rating.case_id, sa.func.max(rating.id).label("event_id"))
        .where(rating.kind == EventKind.RATING.value)
        .group_by(rating.case_id)
        .subquery()
    )
    event = aliased(CaseEvent)
    rated = (
        sa.select(arrival_before(event).label("unit_id"), Case.satisfaction.label("stars"))
        .select_from(last)
        .join(event, event.id == last.c.event_id)
        .join(Case, Case.id == last.c.case_id)
        .where(event.created_at >= start, event.created_at < end, Case.satisfaction.is_not(None))
        .subquery()
    )
    return (
        sa.select(rated.c.unit_id, sa.func.count(), sa.func.sum(rated.c.stars),
                  _count_if(rated.c.stars >= 4))
        .where(rated.c.unit_id.is_not(None))
        .group_by(rated.c.unit_id)
    )


def reopens(start: datetime, end: datetime):
    """Per answering unit: answers given in the period, and those reopened afterwards."""
    answer, reopen = aliased(CaseEvent), aliased(CaseEvent)
    was_reopened = (
        sa.select(reopen.id)
        .where(reopen.case_id == answer.case_id, reopen.id > answer.id,
               reopen.from_status.in_(ANSWERED),
               reopen.to_status == CaseStatus.IN_PROGRESS.value)
        .correlate(answer)
        .exists()
    )
    answers = (
        sa.select(arrival_before(answer).label("unit_id"), was_reopened.label("reopened"))
        .where(answer.kind == EventKind.PUBLIC_REPLY.value,
               answer.created_at >= start, answer.created_at < end)
        .subquery()
    )
    return (
        sa.select(answers.c.unit_id, sa.func.count(), _count_if(answers.c.reopened))
        .where(answers.c.unit_id.is_not(None))
        .group_by(answers.c.unit_id)
    )


def transfers(start: datetime, end: datetime):
    """Per unit: transfers it made in the period, and the late ones."""
    move = aliased(CaseEvent)
    made = (
        sa.select(
            move.from_unit_id.label("unit_id"),
            move.created_at.label("at"),
            arrival_before(move, lambda a: a.ack_due_at).label("ack_due"),
            arrival_before(move, lambda a: a.response_due_at).label("own_due"),
            Case.response_due_at.label("case_due"),
        )
        .join(Case, Case.id == move.case_id)
        .where(move.kind == EventKind.TRANSFERRED.value, move.from_unit_id.is_not(None),
               move.created_at >= start, move.created_at < end)
        .subquery()
    )
    late = sa.or_(made.c.at > made.c.ack_due,
                  made.c.at > _later(made.c.own_due, made.c.case_due))
    return sa.select(made.c.unit_id, sa.func.count(), _count_if(late)).group_by(made.c.unit_id)


def endings(start: datetime, end: datetime):
    """Per unit and outcome: cases it rejected, cases it guided elsewhere, extensions approved.

    One statement: (unit, "rejected" | "guided" | "extensions", count) rows.
    """
    e = CaseEvent
    ended = (
        sa.select(Case.unit_id, e.to_status, sa.func.count(sa.distinct(e.case_id)))
        .select_from(e).join(Case, Case.id == e.case_id)
        .where(e.to_status.in_([CaseStatus.REJECTED.value, CaseStatus.GUIDED.value]),
               Case.unit_id.is_not(None),
               e.created_at >= start, e.created_at < end)
        .group_by(Case.unit_id, e.to_status)
    )
    x = CaseExtension
    extended = (
        sa.select(Case.unit_id, sa.literal("extensions"), sa.func.count())
        .select_from(x).join(Case, Case.id == x.case_id)
        .where(x.status == ExtensionStatus.APPROVED.value, Case.unit_id.is_not(None),
               x.decided_at >= start, x.decided_at < end)
        .group_by(Case.unit_id)
    )
    return sa.union_all(ended, extended)


def contributions(start: datetime, end: datetime, now: datetime):
    """Per asked unit: requests for input asked in the period (withdrawn ones aside), those
    replied to by their date, those late, and those declined.

    A reply is judged by its own time, also when it came after the period; a request still
    unreplied is late once its date has passed by the period end (or by now). What was
    asked or replied after ``now`` is not known yet.
    """
    r = CoHandlingRequest
    replied = sa.and_(r.status.in_([RequestStatus.ANSWERED.value, RequestStatus.DECLINED.value]),
                      r.replied_at.is_not(None), r.replied_at < now)
    late = sa.or_(sa.and_(replied, r.replied_at > r.due_at),
                  sa.and_(sa.not_(replied), r.due_at < min(end, now)))
    return (
        sa.select(r.unit_id, sa.func.count(), _count_if(sa.and_(replied, r.replied_at <= r.due_at)),
                  _count_if(late),
                  _count_if(sa.and_(replied, r.status == RequestStatus.DECLINED.value)))
        .where(r.asked_at >= start, r.asked_at < end, r.asked_at < now,
               r.status != RequestStatus.WITHDRAWN.value)
        .group_by(r.unit_id)
    )


def works(campaign_id: int, end: datetime):
    """Per unit: works registered in the campaign before the end, and those completed by then."""
    w = CampaignWork
    done = sa.and_(w.status.in_([WorkStatus.COMPLETED.value, WorkStatus.RECOGNISED.value]),
                   w.completed_at < end)
    return (
        sa.select(w.unit_id, sa.func.count(), _count_if(done))
        .where(w.campaign_id == campaign_id, w.registered_at < end)
        .group_by(w.unit_id)
    )


def unit_metrics(
    start: datetime, end: datetime, now: datetime, campaign_id: int | None = None
) -> dict[int, UnitMetrics]:
    """Every unit's metrics over [start, end), judged as of min(end, now)."""
    as_of = min(end, now)
    out: dict[int, UnitMetrics] = {}

    def unit(unit_id: int) -> UnitMetrics:
        return out.setdefault(unit_id, UnitMetrics(unit_id))

    run = db.session.execute
    for unit_id, count in run(received(start, end)):
        unit(unit_id).received = count
    for unit_id, due, on_time in run(acknowledgments(start, end, as_of)):
        unit(unit_id).ack_due, unit(unit_id).ack_on_time = due, on_time
    for unit_id, due, on_time, on_time_original, overdue in run(responses(start, end, as_of)):
        m = unit(unit_id)
        m.response_due, m.response_on_time, m.open_overdue = due, on_time, overdue
        m.response_on_time_original = on_time_original
    for unit_id, n, med_lo, med_hi, p90_lo, p90_hi in run(response_times(start, end)):
        m = unit(unit_id)
        m.median_minutes = interpolate(n, med_lo, med_hi, 1, 2)
        m.p90_minutes = interpolate(n, p90_lo, p90_hi, 9, 10)
    for unit_id, count, total, high in run(satisfaction(start, end)):
        m = unit(unit_id)
        m.rated, m.rating_sum, m.rated_high = count, int(total), high
    for unit_id, count, reopened in run(reopens(start, end)):
        unit(unit_id).answered, unit(unit_id).reopened = count, reopened
    for unit_id, count, late in run(transfers(start, end)):
        unit(unit_id).transfers_out, unit(unit_id).late_transfers = count, late
    for unit_id, outcome, count in run(endings(start, end)):
        field_name = {"rejected": "rejected", "guided": "guided"}.get(outcome, "extensions_used")
        setattr(unit(unit_id), field_name, count)
    for unit_id, asked, on_time, late, declined in run(contributions(start, end, now)):
        m = unit(unit_id)
        m.contributions_asked, m.contributions_on_time = asked, on_time
        m.contributions_late, m.contributions_declined = late, declined
    if campaign_id is not None:
        for unit_id, registered, completed in run(works(campaign_id, end)):
            unit(unit_id).works_registered, unit(unit_id).works_completed = registered, completed
    return out


@dataclass(frozen=True)
class KindFigures:
    """One kind of case among those that reached a unit in a period."""

    kind: str
    received: int
    answered: int
    answered_on_time: int

    @property
    def on_time_rate(self) -> float | None:
        """The share of the answered cases answered by their due time (None: none answered)."""
        return self.answered_on_time / self.answered if self.answered else None


def by_kind(unit_id: int, start: datetime, end: datetime, as_of: datetime) -> list[KindFigures]:
    """Per kind, the cases that reached the unit in the period, those answered by ``as_of``
    and those answered by their current due time: one grouped query, kinds in legal order.

    A breakdown to read beside the score, not a component of it: a case is counted once,
    under the kind it has now.
    """
    arrived = sa.select(CaseEvent.case_id).where(
        arrival_filter(CaseEvent), CaseEvent.to_unit_id == unit_id,
        CaseEvent.created_at >= start, CaseEvent.created_at < end,
    )
    answered = sa.and_(Case.responded_at.is_not(None), Case.responded_at < as_of)
    rows = db.session.execute(
        sa.select(Case.kind, sa.func.count(), _count_if(answered),
                  _count_if(sa.and_(answered, Case.responded_at <= Case.response_due_at)))
        .where(Case.id.in_(arrived))
        .group_by(Case.kind)
    ).all()
    found = {kind: KindFigures(kind, received, done, on_time)
             for kind, received, done, on_time in rows}
    return [found[kind.value] for kind in CaseKind if kind.value in found]
