"""Open311 GeoReport v2 rules: the services offered and reading requests.

Everything here is free of HTTP; the `api` blueprint parses the request, calls
one of these functions and writes the answer as JSON or XML. Filing a request
is in ``open311_filing``.

Status mapping: a case is ``open`` while the unit still owes an answer (new,
assigned, in progress, awaiting the citizen) and ``closed`` once it is
answered, closed or rejected. Privacy: only cases whose citizen consented to
public listing are read, in lists and by id; any other case is read only by the
key that filed it, and is not found for everyone else (not even its status: ids
are sequential, so answering them would list every case's service, unit and
times). Contact details are never read at all.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.cases import kinds, labels
from app.core.errors import DomainError, InvalidInput
from app.core.timeutil import LOCAL_TZ
from app.extensions import db
from app.intake import attributes
from app.models import (
    OPEN_STATUSES,
    ApiKey,
    ApiSubmission,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    CategoryAttribute,
)

MAX_SPAN = timedelta(days=90)
MAX_ROWS = 1000
CLOSED_STATUSES = (CaseStatus.RESPONDED, CaseStatus.CLOSED, CaseStatus.REJECTED)
STATUS_VALUES = ("open", "closed")
# Dates outside these years are refused rather than searched (and overflow nothing).
YEARS = (1900, 9000)


class NotFound(DomainError):
    """The service, request or token does not exist (or is not offered)."""

    status_code = 404


# --- services ------------------------------------------------------------------------------

# Every service asks the kind of case as one more attribute, answered with a CaseKind value.
KIND_ATTRIBUTE = "KIND"


def kind_values() -> list[tuple[str, str]]:
    """(key, name) of each kind an Open311 client may choose, in the reader's language."""
    return [(kind.value, str(name)) for kind, name in labels.KIND.items()]


def kind_of(raw: Mapping[str, list[str]]) -> str:
    """The kind a client asked for as attribute[KIND] (phản ánh when absent); checked."""
    values = [v.strip() for v in raw.get(KIND_ATTRIBUTE, ()) if v and v.strip()]
    if not values:
        return kinds.INFORMATION_KIND.value
    if len(values) > 1:
        raise InvalidInput(_l("attribute[KIND] takes one value."), f"attribute[{KIND_ATTRIBUTE}]")
    return kinds.parse_kind(values[0], f"attribute[{KIND_ATTRIBUTE}]").value



def service_list() -> list[Category]:
    """The active categories, in display order (each has questions: at least the kind)."""
    return list(db.session.scalars(
        sa.select(Category)
        .where(Category.active)
        .options(joinedload(Category.default_unit))
        .order_by(Category.position, Category.code)
    ))


def service_by_code(code: str) -> Category:
    """The active category with this code; NotFound otherwise."""
    category = db.session.scalar(
        sa.select(Category).where(Category.code == code, Category.active)
    )
    if category is None:
        raise NotFound(_l("No service has the code %(code)s.", code=code[:64]), "service_code")
    return category


def service_definition(code: str) -> tuple[Category, list[CategoryAttribute]]:
    """The category and its extra questions, in order; NotFound for an unknown code."""
    category = service_by_code(code)
    return category, attributes.questions_of(category.id)


# --- reading requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRow:
    """A case as the API shows it: the case, how it was filed, when it last changed."""

    case: Case
    submission: ApiSubmission | None
    updated_at: datetime


@dataclass(frozen=True)
class RequestFilter:
    """What GET requests asks for. ``references`` overrides everything else."""

    references: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def open311_status(case: Case) -> str:
    """``open`` while the unit owes an answer; ``closed`` once answered, closed or rejected."""
    return "open" if case.status in OPEN_STATUSES else "closed"


def status_notes(case: Case) -> str | None:
    """Why the request is closed: the unit's public answer, or the reason it was rejected."""
    if case.status == CaseStatus.REJECTED:
        return case.rejection_reason
    if case.status in CLOSED_STATUSES:
        return case.public_answer
    return None


def readable_filter(api_key: ApiKey | None) -> sa.ColumnElement[bool]:
    """SQL: the cases this caller may read: the publicly listed ones, and those its key filed.

    Applies to queries that outer-join the case's ``ApiSubmission``.
    """
    listed = Case.public_consent.is_(True)
    if api_key is None:
        return listed
    return sa.or_(listed, ApiSubmission.api_key_id == api_key.id)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in (value or "").split(",") if p.strip()))


def parse_datetime(text: str, field_name: str) -> datetime:
    """A W3C date or date-time; without an offset it is read in Ho Chi Minh City time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            _l("%(field)s must be a W3C date-time, e.g. 2026-03-02T09:00:00+07:00.",
               field=field_name),
            field_name,
        ) from None
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise InvalidInput(
            _l("%(field)s must be between the years %(first)d and %(last)d.", field=field_name,
               first=YEARS[0], last=YEARS[1]),
            field_name,
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment


def parse_filter(args: Mapping[str, str]) -> RequestFilter:
    """The filters of GET requests from its query parameters; empty ones count as absent."""
    references = _split(args.get("service_request_id"))
    if references:
        if len(references) > MAX_ROWS:
            raise InvalidInput(
                _l("Ask for at most %(n)d service_request_id values at once.", n=MAX_ROWS),
                "service_request_id",
            )
        return RequestFilter(references=references)
    statuses = tuple(s.lower() for s in _split(args.get("status")))
    if any(s not in STATUS_VALUES for s in statuses):
        raise InvalidInput(_l("status must be open or closed."), "status")
    start = (args.get("start_date") or "").strip()
    end = (args.get("end_date") or "").strip()
    return RequestFilter(
        service_codes=_split(args.get("service_code")),
        start=parse_datetime(start, "start_date") if start else None,
        end=parse_datetime(end, "end_date") if end else None,
        statuses=statuses,
    )


def date_window(start: datetime | None, end: datetime | None, now: datetime
                ) -> tuple[datetime, datetime]:
    """The requested_datetime range to search: at most 90 days, the last 90 by default."""
    if start is None and end is None:
        return now - MAX_SPAN, now
    if end is None:
        return start, start + MAX_SPAN
    if start is None:
        return end - MAX_SPAN, end
    if end < start:
        raise InvalidInput(_l("end_date must not be before start_date."), "end_date")
    if end - start > MAX_SPAN:
        raise InvalidInput(
            _l("start_date and end_date may not span more than 90 days."), "end_date"
        )
    return start, end


def _last_public_change():
    return (
        sa.select(sa.func.max(CaseEvent.created_at))
        .where(CaseEvent.case_id == Case.id, CaseEvent.is_public)
        .correlate(Case)
        .scalar_subquery()
    )


def _rows(stmt) -> list[RequestRow]:
    stmt = stmt.options(joinedload(Case.category), joinedload(Case.unit))
    return [
        RequestRow(case, submission, updated or case.received_at)
        for case, submission, updated in db.session.execute(stmt).all()
    ]


def _base_query():
    return sa.select(Case, ApiSubmission, _last_public_change()).outerjoin(
        ApiSubmission, ApiSubmission.case_id == Case.id
    )


def find_requests(flt: RequestFilter, now: datetime, api_key: ApiKey | None = None
                  ) -> list[RequestRow]:
    """The requests a GET requests call answers, newest first, at most 1000.

    By ``references``: those of them the caller may read (listed, or filed with
    ``api_key``), whatever their date; the others are left out. Otherwise only
    publicly listed cases within the date window.
    """
    stmt = _base_query().order_by(Case.received_at.desc(), Case.id.desc()).limit(MAX_ROWS)
    if flt.references:
        return _rows(stmt.where(Case.reference.in_(flt.references), readable_filter(api_key)))
    start, end = date_window(flt.start, flt.end, now)
    stmt = stmt.where(
        Case.public_consent.is_(True), Case.received_at >= start, Case.received_at <= end
    )
    if flt.service_codes:
        stmt = stmt.where(
            Case.category_id.in_(
                sa.select(Category.id).where(Category.code.in_(flt.service_codes))
            )
        )
    if flt.statuses and set(flt.statuses) != set(STATUS_VALUES):
        wanted = OPEN_STATUSES if flt.statuses == ("open",) else CLOSED_STATUSES
        stmt = stmt.where(Case.status.in_([s.value for s in wanted]))
    return _rows(stmt)


def request_by_reference(reference: str, api_key: ApiKey | None = None) -> RequestRow:
    """One request by its service_request_id (the case's public reference).

    A case the caller may not read (see ``readable_filter``) is not found.
    """
    rows = _rows(_base_query().where(Case.reference == reference, readable_filter(api_key)))
    if not rows:
        raise NotFound(
            _l("No service request has the id %(id)s.", id=reference[:64]), "service_request_id"
        )
    return rows[0]


def request_by_token(token: str) -> RequestRow:
    """The request a token stands for.

    Requests are created at once (type realtime), so the token of a request filed
    through the API is its service_request_id; other cases have no token.
    """
    rows = _rows(_base_query().where(Case.reference == token, ApiSubmission.case_id.is_not(None)))
    if not rows:
        raise NotFound(_l("No service request has the token %(token)s.", token=token[:64]),
                       "token")
    return rows[0]
