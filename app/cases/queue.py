"""The officer's queue: search, filters, sort, pages, counts per status and new arrivals.

Every list starts from ``access.visible_cases_filter``; the filters only narrow it.
Unit staff see the cases their unit holds, or (scope "transferred") the cases it
transferred away, which they may read but not work. The search matches the
citizen's name, phone and email only on the cases whose contact the user may see
(``access.contact_visible_filter``): elsewhere the page masks them, and a search
that found them would reveal them one digit at a time.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.cases import access
from app.core.phone import normalise_phone
from app.core.text import fold, search_text
from app.core.timeutil import LOCAL_TZ
from app.deadlines import sla
from app.deadlines.calendar import WorkingCalendar
from app.deadlines.sla import DeadlineState
from app.extensions import db
from app.models import (
    OPEN_STATUSES,
    AnswerDraft,
    Case,
    CaseCount,
    CaseEvent,
    CaseStatus,
    DraftStatus,
    EventKind,
    ReviewState,
    User,
)

SORTS = ("due", "newest", "oldest")
DEADLINE_FILTERS = (DeadlineState.OVERDUE, DeadlineState.DUE_SOON, DeadlineState.ON_TRACK)
STATUS_OPEN, STATUS_ALL = "open", "all"
ASSIGNEE_ME, ASSIGNEE_NONE = "me", "none"
SCOPE_TRANSFERRED = "transferred"
# Cases another unit asked the user's unit to contribute to (requests still open).
SCOPE_ASKED = "asked"
# The sign-off filter: drafts waiting for the user's review, drafts returned to the user.
REVIEW_WAITING, REVIEW_RETURNED = "waiting", "returned"
# Timeline entries that bring a case into someone's list.
ARRIVAL_EVENTS = (EventKind.CREATED, EventKind.ROUTED, EventKind.TRANSFERRED)
_PHONE_CHARS = re.compile(r"[\d\s.\-+()]+")
# A reference typed as people read it out: "2026000123", "2026 000123", "2026.000123".
_REFERENCE_TYPED = re.compile(r"(20\d\d)[\s./-]*(\d{6})")


@dataclass(frozen=True)
class QueueFilters:
    """What the officer asked to see. Empty values mean "no filter"."""

    q: str = ""
    status: str = STATUS_OPEN
    category: int | None = None
    deadline: str = ""
    assignee: str = ""
    channel: str = ""
    kind: str = ""
    received_from: date | None = None
    received_to: date | None = None
    scope: str = ""
    escalated: bool = False
    review: str = ""
    sort: str = "due"

    def to_args(self, **changes) -> dict[str, str]:
        """The filters as URL parameters, defaults left out, so a view can be bookmarked."""
        values = asdict(replace(self, **changes))
        defaults = asdict(QueueFilters())
        args = {}
        for name, value in values.items():
            if value == defaults[name] or value in (None, ""):
                continue
            if isinstance(value, bool):
                value = "1"
            elif isinstance(value, date):
                value = value.isoformat()
            args[name] = str(value)
        return args


@dataclass(frozen=True)
class SavedView:
    """A one-click view of the queue: a name and the filters it sets."""

    key: str
    label: str
    args: dict[str, str]

    def matches(self, filters: QueueFilters) -> bool:
        """Whether the filters are exactly this view."""
        return filters.to_args() == self.args


SAVED_VIEWS = (
    SavedView("mine", _l("My cases"), {"assignee": ASSIGNEE_ME}),
    SavedView("unassigned", _l("Unassigned in my unit"), {"assignee": ASSIGNEE_NONE}),
    SavedView("due_soon", _l("Due soon"), {"deadline": DeadlineState.DUE_SOON.value}),
    SavedView("overdue", _l("Overdue"), {"deadline": DeadlineState.OVERDUE.value}),
    SavedView(
        "awaiting", _l("Awaiting the citizen"), {"status": CaseStatus.AWAITING_CITIZEN.value}
    ),
    SavedView("escalated", _l("Escalated"), {"escalated": "1"}),
    SavedView("asked", _l("Asked to contribute"), {"scope": SCOPE_ASKED}),
    SavedView("review_waiting", _l("Waiting for my sign-off"), {"review": REVIEW_WAITING}),
    SavedView("review_returned", _l("Returned to me"), {"review": REVIEW_RETURNED}),
)
UNIT_ONLY_VIEWS = frozenset({"mine", "unassigned", "asked", "review_returned"})
REVIEWER_VIEWS = frozenset({"review_waiting"})


def saved_views_for(user: User) -> list[SavedView]:
    """The saved views that make sense for the user ("my cases" needs a unit, the drafts
    waiting for sign-off a reviewer)."""
    reviewer = access.is_unit_staff(user) and access.is_reviewer(user, user.unit_id)
    return [v for v in SAVED_VIEWS
            if (access.is_unit_staff(user) or v.key not in UNIT_ONLY_VIEWS)
            and (reviewer or v.key not in REVIEWER_VIEWS)]


def reviews_waiting(user: User) -> int | None:
    """How many of the unit's answers wait for the reviewer's sign-off (None: not a reviewer)."""
    if not (access.is_unit_staff(user) and access.is_reviewer(user, user.unit_id)):
        return None
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Case).where(
            Case.unit_id == user.unit_id, Case.review_state == ReviewState.IN_REVIEW.value)) or 0


def index_for_search(case: Case) -> None:
    """Fill the case's search texts from its fields: the case's own, and the citizen's contact."""
    case.search_text = search_text(
        case.reference, case.title, case.description, case.address, case.ward
    )
    case.contact_search_text = search_text(
        case.citizen_phone, case.citizen_name, case.citizen_email
    )


def _like(column: sa.ColumnElement[str], text: str) -> sa.ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def phone_variants(query: str) -> set[str]:
    """How a phone number typed in the search box may appear in the stored (E.164) text.

    "0901 234 567" is stored as "+84901234567"; a partial "0901 234" is found as "84901234".
    """
    variants = set()
    normalised = normalise_phone(query)
    if normalised:
        variants.add(normalised)
    if _PHONE_CHARS.fullmatch(query.strip()):
        digits = re.sub(r"\D", "", query)
        if len(digits) >= 4:
            variants.add("84" + digits[1:] if digits.startswith("0") else digits)
    # "84901234567" already finds what "+84901234567" finds.
    return {v for v in variants if not any(other != v and other in v for other in variants)}


def reference_typed(query: str) -> str | None:
    """The reference (2026-000123) a query spells without its dash, or None."""
    match = _REFERENCE_TYPED.fullmatch(query.strip())
    return f"{match.group(1)}-{match.group(2)}" if match else None


def search_filter(
    query: str, contact_visible: sa.ColumnElement[bool] | None = None
) -> sa.ColumnElement[bool]:
    """SQL: the case's accent-folded text holds every word of the query, or its phone number.

    The citizen's name, phone and email count only where ``contact_visible`` holds
    (nowhere by default). "ngap nuoc" finds "Ngập nước"; on PostgreSQL trigram
    indexes on both texts serve these LIKEs.
    """
    contact_visible = sa.false() if contact_visible is None else contact_visible

    def in_contact(text: str) -> sa.ColumnElement[bool]:
        return sa.and_(contact_visible, _like(Case.contact_search_text, text))

    words = fold(query).split()
    clauses = [sa.and_(*(
        sa.or_(_like(Case.search_text, word), in_contact(word)) for word in words
    ))] if words else []
    clauses += [in_contact(variant) for variant in sorted(phone_variants(query))]
    reference = reference_typed(query)
    if reference:
        clauses.append(Case.reference == reference)
    return sa.or_(*clauses) if clauses else sa.true()


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def _conditions(
    user: User,
    filters: QueueFilters,
    now: datetime,
    calendar: WorkingCalendar,
    with_status: bool = True,
) -> list[sa.ColumnElement[bool]]:
    conditions = [_scope_condition(user, filters)]
    if filters.q.strip():
        conditions.append(search_filter(filters.q, access.contact_visible_filter(user)))
    if filters.category is not None:
        conditions.append(Case.category_id == filters.category)
    if filters.deadline:
        conditions.append(sla.deadline_state_filter(DeadlineState(filters.deadline), now, calendar))
    if filters.assignee == ASSIGNEE_ME:
        conditions.append(Case.assignee_id == user.id)
    elif filters.assignee == ASSIGNEE_NONE:
        conditions.append(Case.assignee_id.is_(None))
    elif filters.assignee.isdigit():
        conditions.append(Case.assignee_id == int(filters.assignee))
    if filters.channel:
        conditions.append(Case.channel == filters.channel)
    if filters.kind:
        conditions.append(Case.kind == filters.kind)
    if filters.received_from is not None:
        conditions.append(Case.received_at >= _local_midnight(filters.received_from))
    if filters.received_to is not None:
        day_after = filters.received_to + timedelta(days=1)
        conditions.append(Case.received_at < _local_midnight(day_after))
    if filters.review == REVIEW_WAITING:
        conditions.append(Case.review_state == ReviewState.IN_REVIEW.value)
    elif filters.review == REVIEW_RETURNED:
        returned = sa.select(AnswerDraft.case_id).where(
            AnswerDraft.status == DraftStatus.RETURNED.value, AnswerDraft.written_by_id == user.id)
        conditions += [Case.review_state == ReviewState.RETURNED.value, Case.id.in_(returned)]
    if filters.escalated:
        # The case's own escalations (a co-handling request's name the asked unit).
        escalated = sa.select(CaseEvent.case_id).where(
            CaseEvent.kind == EventKind.ESCALATION.value, CaseEvent.to_unit_id.is_(None))
        conditions.append(Case.id.in_(escalated))
    if with_status:
        conditions.append(Case.status.in_(statuses_for(filters.status)))
    return conditions


def _scope_condition(user: User, filters: QueueFilters) -> sa.ColumnElement[bool]:
    """The cases the view starts from: the unit's own, those it transferred away or was
    asked about (each a part of what unit staff may open, so it stands alone: repeating
    the whole visibility rule would make the database test every case against all three),
    or everything the user may open."""
    if not access.is_unit_staff(user):
        return access.visible_cases_filter(user)
    if filters.scope == SCOPE_TRANSFERRED:
        return access.transferred_away_filter(user.unit_id)
    if filters.scope == SCOPE_ASKED:
        return access.asked_filter(user.unit_id)
    return Case.unit_id == user.unit_id


def statuses_for(status_filter: str) -> list[str]:
    """The statuses a status filter selects ("open", "all" or one status)."""
    if status_filter == STATUS_ALL:
        return [s.value for s in CaseStatus]
    if status_filter in {s.value for s in CaseStatus}:
        return [status_filter]
    return [s.value for s in OPEN_STATUSES]


def _order(sort: str) -> tuple:
    if sort == "newest":
        return (Case.received_at.desc(), Case.id.desc())
    if sort == "oldest":
        return (Case.received_at.asc(), Case.id.asc())
    return (sla.current_due_at().asc().nulls_last(), Case.id.asc())


@dataclass
class QueuePage:
    """One page of the queue, with the counts per status under the other filters."""

    items: list[Case]
    page: int
    per_page: int
    total: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def count(self, status_filter: str) -> int:
        """How many cases a status filter ("open", "all" or one status) would show."""
        return sum(self.counts.get(status, 0) for status in statuses_for(status_filter))


def status_counts(
    user: User, filters: QueueFilters, now: datetime, calendar: WorkingCalendar
) -> dict[str, int]:
    """Cases per status under every filter but the status one (one grouped query).

    A view filtered by nothing but its scope reads the counts the database keeps per
    unit and status (``CaseCount``): a few rows, however many cases there are.
    """
    if _counted_view(user, filters):
        stmt = sa.select(CaseCount.status, sa.func.sum(CaseCount.n)).group_by(CaseCount.status)
        if access.is_unit_staff(user):
            stmt = stmt.where(CaseCount.unit_key == user.unit_id)
        return {status: int(count) for status, count in db.session.execute(stmt) if count}
    stmt = (
        sa.select(Case.status, sa.func.count())
        .where(*_conditions(user, filters, now, calendar, with_status=False))
        .group_by(Case.status)
    )
    return {status: count for status, count in db.session.execute(stmt)}


def _counted_view(user: User, filters: QueueFilters) -> bool:
    """Whether the view's counts per status are the kept ones: the unit's own cases, or
    every case for those who read them all, with no filter but the status."""
    unfiltered = replace(filters, status=STATUS_OPEN, sort="due") == QueueFilters()
    if not unfiltered:
        return False
    if access.is_unit_staff(user):
        return user.unit_id is not None
    return user.role in access.READ_ALL_ROLES


def load_queue(
    user: User,
    filters: QueueFilters,
    page: int,
    per_page: int,
    now: datetime,
    calendar: WorkingCalendar,
) -> QueuePage:
    """The page of cases the user asked for, in the chosen order: two statements."""
    counts = status_counts(user, filters, now, calendar)
    result = QueuePage([], 1, per_page, 0, counts)
    result.total = result.count(filters.status)
    result.page = min(max(page, 1), result.pages)
    stmt = (
        sa.select(Case)
        .where(*_conditions(user, filters, now, calendar))
        .options(joinedload(Case.category), joinedload(Case.unit), joinedload(Case.assignee))
        .order_by(*_order(filters.sort))
        .limit(per_page)
        .offset((result.page - 1) * per_page)
    )
    result.items = list(db.session.scalars(stmt))
    return result


def arrivals_since(
    user: User, filters: QueueFilters, since: datetime, now: datetime, calendar: WorkingCalendar
) -> int:
    """How many cases entered this view since ``since`` through someone else's doing.

    A case enters when it is received, routed or transferred; what the user did
    themselves (a transfer away, say) is not news to them.
    """
    arrived = sa.select(CaseEvent.case_id).where(
        CaseEvent.kind.in_([kind.value for kind in ARRIVAL_EVENTS]),
        CaseEvent.created_at > since,
        sa.or_(CaseEvent.actor_id.is_(None), CaseEvent.actor_id != user.id),
    )
    stmt = (
        sa.select(sa.func.count())
        .select_from(Case)
        .where(*_conditions(user, filters, now, calendar), Case.id.in_(arrived))
    )
    return db.session.scalar(stmt) or 0
