"""One synthetic case at a time: its fields and the timeline the workflow would have written.

A case is planned from its receipt onwards (routing, perhaps a transfer or a
rejection, acknowledgment, perhaps a question to the citizen, the answer, a
rating, perhaps a reopening, closure — or guidance to the competent agency), with
delays drawn in working time around the due times of the case's regime; every
step that would fall after "now" does not happen, so recent cases are still
open and old ones are closed, as in a real database. The events are the same
kinds, statuses and actors that ``app.cases.lifecycle`` records for each move.
Each case has a kind (mostly phản ánh and hỏi đáp); an unnamed khiếu nại is taken
as information (``app.cases.kinds.intake_kind``) and a tố cáo always carries a name.
Rows are plain tuples in ``CASE_COLUMNS`` and ``EVENT_COLUMNS`` order, with
instants as UTC epoch seconds.
"""
from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field

from app.cases.kinds import CONFIDENTIAL_KINDS, intake_kind
from app.core.text import fold
from app.deadlines.calendar import MINUTES_PER_WORKING_DAY
from app.models import CaseKind
from app.seed.bulk import texts
from app.seed.bulk.dues import DueClock, Terms

CASE_COLUMNS = (
    "id", "reference", "tracking_code", "channel", "category_id", "title", "description",
    "address", "ward", "latitude", "longitude", "citizen_name", "citizen_phone", "citizen_email",
    "contact_consent", "public_consent", "locale", "priority", "unit_id", "assignee_id",
    "created_by_id", "status", "received_at", "acknowledged_at", "responded_at", "closed_at",
    "ack_due_at", "response_due_at", "clock_started_at", "paused_at", "paused_minutes",
    "updated_at", "public_answer", "rejection_reason", "satisfaction", "satisfaction_comment",
    "reopen_count", "duplicate_of_id", "version", "search_text", "contact_search_text",
    "kind", "taken_as_information", "ack_due_unit", "response_due_unit", "guided_to",
    "original_response_due_at", "extensions_used", "extension_days",
)
# Columns of cases the generator leaves to their defaults (NULL): nothing it makes sets them.
# Bulk answers carry no reply document and are never in review: those columns stay NULL.
CASE_DEFAULTED = frozenset({"notify_email", "contact_erased_at", "submission_token",
                            "ack_working_minutes", "response_working_minutes",
                            "answer_doc_number", "answer_doc_date", "answer_signer",
                            "review_state"})
EVENT_COLUMNS = (
    "id", "case_id", "kind", "created_at", "actor_id", "actor_kind", "from_status", "to_status",
    "from_unit_id", "to_unit_id", "body", "is_public",
)
CASE_TIMES = ("received_at", "acknowledged_at", "responded_at", "closed_at", "ack_due_at",
              "response_due_at", "clock_started_at", "paused_at", "updated_at",
              "original_response_due_at")
CHANNELS = ("web", "hotline", "email", "walk_in", "api")
CHANNEL_WEIGHTS = (0.55, 0.30, 0.07, 0.05, 0.03)
OFFICE_CHANNELS = frozenset({"hotline", "walk_in"})  # a person on duty took these in
RATINGS = (5, 4, 3, 2, 1)
RATING_WEIGHTS = (0.40, 0.30, 0.15, 0.08, 0.07)
KINDS = (CaseKind.PHAN_ANH, CaseKind.HOI_DAP, CaseKind.KIEN_NGHI, CaseKind.KHIEU_NAI,
         CaseKind.TO_CAO)
KIND_WEIGHTS = (0.42, 0.30, 0.16, 0.08, 0.04)
GUIDED_SHARE = 0.03  # not the unit's to settle: the citizen is told where to go
REOPEN_WINDOW = 7 * 86400  # ratings come within a week: inside the window, whatever the calendar
REOPEN_WINDOW_DAYS = 7  # the working days of the application's default window
HOUR = 3600


@dataclass
class Category:
    """What the generator needs to know about one category."""

    id: int
    code: str
    terms: dict[tuple[str, str], Terms]  # (kind, priority) -> its regime's terms
    units: list[int]  # the units its cases go to (empty: triage by an operator)
    unit_weights: list[float] = field(default_factory=list)  # cumulative
    pairs: list[tuple[str, str, str, str]] = field(default_factory=list)  # title, desc + folds


@dataclass
class Staff:
    """Who acts on cases: one officer per unit, and the hotline operators."""

    officer_of: dict[int, int]
    operators: list[int]
    all_units: list[int]


def cumulative(weights) -> list[float]:
    """Running totals of weights, normalised to end at 1."""
    total, out = sum(weights), []
    running = 0.0
    for w in weights:
        running += w
        out.append(running / total)
    return out


class CaseFactory:
    """Draws cases from seeded randomness; ``make`` returns one case row and its event rows."""

    def __init__(self, rng: random.Random, dues: DueClock, categories: list[Category],
                 category_weights: list[float], staff: Staff, now: int):
        self.rng, self.dues, self.categories, self.staff, self.now = rng, dues, categories, staff, now
        self.line = dues.line
        self.kind_cum = cumulative(KIND_WEIGHTS)
        self.category_cum = cumulative(category_weights)
        for category in categories:
            category.pairs = [(t, d, fold(t), fold(d)) for t, d in texts.texts_for(category.code)]
            if category.units:
                category.unit_weights = cumulative(
                    [1 / (rank + 1) ** 0.7 for rank in range(len(category.units))]
                )
        self.streets = [(s, fold(s)) for s in texts.STREETS]
        self.wards = [(w, fold(w)) for w in texts.ALL_WARDS]
        self.names = [(n, fold(n)) for n in texts.NAMES]
        self.channel_cum = cumulative(CHANNEL_WEIGHTS)
        self.rating_cum = cumulative(RATING_WEIGHTS)

    def channel(self) -> str:
        """A channel, web most often."""
        return CHANNELS[bisect_right(self.channel_cum, self.rng.random())]

    def make(self, case_id: int, event_id: int, reference: str, code: str, received: int,
             channel: str) -> tuple[tuple, list[tuple]]:
        """One case received at ``received`` (epoch seconds) and its timeline."""
        line, dues, now, staff = self.line, self.dues, self.now, self.staff
        rand = self.rng.random

        def between(low: int, high: int) -> int:
            return low + int(rand() * (high - low + 1))

        def pick(options):
            return options[int(rand() * len(options))]

        def uniform(low: float, high: float) -> float:
            return low + (high - low) * rand()

        category = self.categories[bisect_right(self.category_cum, rand())]
        urgent = rand() < 0.04
        sent_as = KINDS[bisect_right(self.kind_cum, rand())]
        title, description, title_f, description_f = pick(category.pairs)
        street, street_f = pick(self.streets)
        number = between(1, 300)
        ward, ward_f = pick(self.wards)
        anonymous = sent_as != CaseKind.TO_CAO and rand() < 0.15
        kind, as_information = intake_kind(sent_as, named=not anonymous)
        terms = category.terms[kind.value, "urgent" if urgent else "normal"]
        ack_due = dues.ack_due(terms, received)
        if anonymous:
            name = name_f = phone = email = None
        else:
            name, name_f = pick(self.names)
            phone = f"+849{int(rand() * 100_000_000):08d}"
            email = f"congdan{case_id}@example.vn" if rand() < 0.5 else None
        contact = not anonymous and rand() < 0.8
        events: list[tuple] = []

        def add(kind, at, actor, actor_kind, before, after, body="", public=True,
                from_unit=None, to_unit=None):
            events.append((event_id + len(events), case_id, kind, at, actor, actor_kind, before,
                           after, from_unit, to_unit, body, public))

        creator = pick(staff.operators) if channel in OFFICE_CHANNELS and staff.operators else None
        add("created", received, creator, "user" if creator else "citizen", None, None)
        status, unit, assignee = "new", None, None
        acknowledged = responded = closed = paused_at = None
        answer = rejection = satisfaction = comment = guided_to = None
        paused = reopens = 0
        clock = received
        t = received
        while True:  # one pass; "break" is "the case got no further before now"
            if category.units:
                unit = category.units[bisect_right(category.unit_weights, rand())]
                add("routed", t, None, "system", "new", "assigned", to_unit=unit)
            else:
                t = line.add_minutes(t, between(30, 600))
                if t > now or not staff.operators:
                    break
                unit = pick(staff.all_units)
                add("routed", t, pick(staff.operators), "user", "new", "assigned", to_unit=unit)
            status = "assigned"
            fate = rand()
            if fate < 0.05:  # rejected: spam, duplicate, out of scope
                t = line.add_minutes(t, between(20, 480))
                if t > now:
                    break
                rejection = pick(texts.REJECT_REASONS)
                add("status", t, staff.officer_of[unit], "user", "assigned", "rejected", rejection)
                status, closed = "rejected", t
                break
            if fate < 0.05 + GUIDED_SHARE:  # not the unit's to settle: guided elsewhere
                t = line.add_minutes(t, between(60, 960))
                if t > now:
                    break
                guided_to, answer = pick(texts.GUIDANCE)
                add("status", t, staff.officer_of[unit], "user", "assigned", "guided", answer)
                status, closed = "guided", t
                break
            if fate < 0.11 + GUIDED_SHARE:  # sent on to another unit, with the reason
                t = line.add_minutes(t, between(30, 960))
                if t > now:
                    break
                pool = category.units if len(category.units) > 1 else staff.all_units
                other = pick(pool)
                while other == unit and len(pool) > 1:
                    other = pick(pool)
                if other != unit:
                    add("transferred", t, staff.officer_of[unit], "user", "assigned", "assigned",
                        pick(texts.TRANSFER_REASONS), False, unit, other)
                    unit = other
            if rand() < 0.015:  # never acknowledged: overdue for ever
                break
            late = rand() < 0.15
            window = max(5, line.minutes_between(received, ack_due))
            delay = between(window + 1, 3 * window) if late else between(5, window)
            t = line.add_minutes(t, delay)
            if t > now:
                break
            assignee = staff.officer_of[unit]
            add("status", t, assignee, "user", "assigned", "in_progress")
            status, acknowledged = "in_progress", t
            if rand() < 0.10:  # a question to the citizen pauses the response clock
                t = line.add_minutes(t, between(60, 960))
                if t > now:
                    break
                add("status", t, assignee, "user", "in_progress", "awaiting_citizen",
                    pick(texts.QUESTIONS))
                status, paused_at = "awaiting_citizen", t
                replied = rand() < 0.8
                t = line.add_minutes(t, between(60, 2400) if replied else 5 * MINUTES_PER_WORKING_DAY)
                if t > now:
                    break
                if replied:
                    add("citizen_message", t, None, "citizen", "awaiting_citizen", "in_progress",
                        pick(texts.CITIZEN_REPLIES))
                else:
                    add("status", t, assignee, "user", "awaiting_citizen", "in_progress")
                paused += line.minutes_between(paused_at, t)
                status, paused_at = "in_progress", None
            if rand() < 0.015:  # never answered
                break
            share = uniform(1.0, 2.0) if rand() < 0.18 else uniform(0.05, 0.95)
            start = dues.answer_start(terms, clock, acknowledged, ack_due)
            budget = line.position(dues.answer_due(terms, start, paused)) - line.position(start)
            t = max(line.instant(line.position(start) + max(60, int(share * budget))), t + 60)
            if t > now:
                break
            answer = pick(texts.ANSWERS)
            add("public_reply", t, assignee, "user", "in_progress", "responded", answer)
            status, responded = "responded", t
            if rand() < 0.40:  # the citizen rates the answer within the window
                t += between(HOUR, REOPEN_WINDOW - HOUR)
                if t > now:
                    break
                satisfaction = RATINGS[bisect_right(self.rating_cum, rand())]
                comment = pick(texts.RATING_COMMENTS)
                add("rating", t, None, "citizen", None, None, comment)
                comment = comment or None
                if satisfaction >= 3:
                    add("status", t, None, "citizen", "responded", "closed")
                    status, closed = "closed", t
                    break
                if rand() < 0.7:  # not solved: the citizen reopens, the clock starts again
                    t += 60
                    add("status", t, None, "citizen", "responded", "in_progress",
                        pick(texts.REOPEN_REASONS))
                    status, reopens, responded, clock, paused = "in_progress", 1, None, t, 0
                    t = line.add_minutes(t, between(120, 2400))
                    if t > now:
                        break
                    answer = pick(texts.ANSWERS)
                    add("public_reply", t, assignee, "user", "in_progress", "responded", answer)
                    status, responded = "responded", t
            # The closing job's sweep, after the window of working days.
            t = line.reopen_deadline(responded, REOPEN_WINDOW_DAYS) + between(60, 12 * HOUR)
            if t <= now:
                add("status", t, None, "system", "responded", "closed")
                status, closed = "closed", t
            break

        start = dues.answer_start(terms, clock, acknowledged, ack_due)
        response_due = dues.answer_due(terms, start, paused)
        address = f"{number} {street}"
        search = " ".join(part for part in (
            reference.lower(), title_f, description_f, f"{number} {street_f}", ward_f) if part)
        contact_search = " ".join(part for part in (phone, name_f, email) if part)
        row = (
            case_id, reference, code, channel, category.id, title, description,
            address, ward, None, None, name, phone, email,
            contact, kind not in CONFIDENTIAL_KINDS and rand() < 0.4, "en" if rand() < 0.05 else "vi",
            "urgent" if urgent else "normal",
            unit, assignee, creator, status, received, acknowledged, responded, closed,
            ack_due, response_due, clock, paused_at, paused, events[-1][3], answer, rejection,
            satisfaction, comment, reopens, None, len(events), search, contact_search,
            kind.value, as_information, terms.first_unit, terms.answer_unit, guided_to,
            None, 0, 0,
        )
        return row, events
