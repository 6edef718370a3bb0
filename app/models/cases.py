"""Cases (phản ánh, kiến nghị, khiếu nại, tố cáo, hỏi đáp) and their append-only timeline."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.categories import Category
from app.models.types import UTCDateTime, utcnow
from app.models.units import Unit
from app.models.users import User


class CaseStatus(StrEnum):
    """The lifecycle states (the moves between them: app/cases/lifecycle.py)."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    AWAITING_CITIZEN = "awaiting_citizen"
    RESPONDED = "responded"
    CLOSED = "closed"
    REJECTED = "rejected"
    # Not this unit's (nor the Khối's) to settle: the citizen was guided to the competent body.
    GUIDED = "guided"


OPEN_STATUSES = (
    CaseStatus.NEW,
    CaseStatus.ASSIGNED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.AWAITING_CITIZEN,
)


# The deadline that matters now, as the database computes it for every row: the first
# running deadline of a new or assigned case (both run), the answer's while in progress,
# the paused answer's while awaiting the citizen, none once the case is settled. It is
# app/deadlines/clocks.py's rule written in SQL so that the queue's order is an index
# scan (tests/deadlines/test_sla_states.py checks the two agree).
QUEUE_DUE_SQL = (
    "CASE WHEN status IN ('new', 'assigned') THEN "
    "CASE WHEN response_due_at < ack_due_at THEN response_due_at ELSE ack_due_at END "
    "WHEN status IN ('in_progress', 'awaiting_citizen') THEN response_due_at END"
)


class CaseKind(StrEnum):
    """The legal kind of a case: each is handled under its own rules."""

    PHAN_ANH = "phan_anh"      # feedback on a situation
    KIEN_NGHI = "kien_nghi"    # a proposal
    KHIEU_NAI = "khieu_nai"    # a complaint (Luật Khiếu nại 2011)
    TO_CAO = "to_cao"          # a denunciation (Luật Tố cáo 2018)
    HOI_DAP = "hoi_dap"        # a question, a request for guidance


class Channel(StrEnum):
    """How a case reached us."""

    WEB = "web"
    HOTLINE = "hotline"
    EMAIL = "email"
    WALK_IN = "walk_in"
    API = "api"


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class EventKind(StrEnum):
    """Kinds of timeline entries."""

    CREATED = "created"
    ROUTED = "routed"
    ASSIGNED = "assigned"
    TRANSFERRED = "transferred"
    STATUS = "status"
    PUBLIC_REPLY = "public_reply"
    INTERNAL_NOTE = "internal_note"
    CITIZEN_MESSAGE = "citizen_message"
    RATING = "rating"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    RECLASSIFIED = "reclassified"  # from_status / to_status hold the old and new kind
    EXTENSION = "extension"
    # Sign-off: an answer draft sent for review, sent back, or withdrawn when the case moved on.
    ANSWER_SUBMITTED = "answer_submitted"
    ANSWER_RETURNED = "answer_returned"
    ANSWER_WITHDRAWN = "answer_withdrawn"
    # Co-handling: to_unit_id (asked) / from_unit_id (answering) name the other unit.
    COHANDLING_ASKED = "cohandling_asked"
    COHANDLING_ANSWERED = "cohandling_answered"
    COHANDLING_DECLINED = "cohandling_declined"
    COHANDLING_WITHDRAWN = "cohandling_withdrawn"


class ReviewState(StrEnum):
    """Where the case's answer stands in the unit's sign-off (``Case.review_state``)."""

    IN_REVIEW = "in_review"  # a draft waits for the unit head or a deputy
    RETURNED = "returned"    # the last draft was sent back to its writer


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class CaseSequence(db.Model):
    """The last reference number handed out in a year (2026-000123)."""

    __tablename__ = "case_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)


class Case(db.Model):
    """A citizen's feedback, from receipt to closure."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(16), unique=True)
    tracking_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    # The legal kind (CaseKind); the deadlines follow its regime.
    kind: Mapped[str] = mapped_column(sa.String(16), default="phan_anh", server_default="phan_anh")
    # An anonymous denunciation is not handled as one: it is taken as information (tin báo).
    taken_as_information: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    address: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    ward: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)

    citizen_name: Mapped[str | None] = mapped_column(sa.String(120))
    citizen_phone: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    citizen_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_consent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    public_consent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    locale: Mapped[str] = mapped_column(sa.String(5), default="vi", server_default="vi")
    # Email updates asked for (needs citizen_email); erasure time of the contact details.
    notify_email: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    contact_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one-time token of the form that created the case: a resubmission finds it.
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)

    priority: Mapped[str] = mapped_column(sa.String(8), default=Priority.NORMAL.value)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=CaseStatus.NEW.value)

    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ack_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The response clock runs from here: receipt, or the latest reopening.
    clock_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    # The due time the queue sorts by, kept by the database (see QUEUE_DUE_SQL).
    queue_due_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, sa.Computed(QUEUE_DUE_SQL, persisted=True))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # How each due time was counted (app.models.deadlines.CountUnit): a day count is a date.
    ack_due_unit: Mapped[str] = mapped_column(sa.String(16), default="working_hours",
                                              server_default="working_hours")
    response_due_unit: Mapped[str] = mapped_column(sa.String(16), default="working_days",
                                                   server_default="working_days")
    # The answer's due time before the first approved extension (None: never extended).
    original_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extensions_used: Mapped[int] = mapped_column(default=0, server_default="0")
    # Days granted by approved extensions, counted in the regime's extension unit.
    extension_days: Mapped[int] = mapped_column(default=0, server_default="0")

    public_answer: Mapped[str | None] = mapped_column(sa.Text)
    # The reply document the published answer carries (số văn bản, ngày ký, người ký).
    answer_doc_number: Mapped[str | None] = mapped_column(sa.String(60))
    answer_doc_date: Mapped[date | None] = mapped_column(sa.Date)
    answer_signer: Mapped[str | None] = mapped_column(sa.String(120))
    # The sign-off of the answer being written (ReviewState), None when there is none.
    review_state: Mapped[str | None] = mapped_column(sa.String(12))
    # Guided cases: the competent body the citizen was guided to (the guidance: public_answer).
    guided_to: Mapped[str | None] = mapped_column(sa.String(255))
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    satisfaction: Mapped[int | None] = mapped_column(sa.SmallInteger)
    satisfaction_comment: Mapped[str | None] = mapped_column(sa.Text)
    reopen_count: Mapped[int] = mapped_column(default=0, server_default="0")
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Accent-folded text the queue searches: the case itself, and apart from it the citizen's
    # name, phone and email, searched only by those who may see them.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    contact_search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Working minutes the current unit took, from when the case reached it (scorecards).
    ack_working_minutes: Mapped[int | None] = mapped_column()
    response_working_minutes: Mapped[int | None] = mapped_column()

    category: Mapped[Category] = relationship()
    unit: Mapped[Unit | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", passive_deletes="all"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(_in("status", CaseStatus), name="status_known"),
        sa.CheckConstraint(_in("channel", Channel), name="channel_known"),
        sa.CheckConstraint(_in("priority", Priority), name="priority_known"),
        sa.CheckConstraint(_in("kind", CaseKind), name="kind_known"),
        sa.CheckConstraint("review_state IS NULL OR " + _in("review_state", ReviewState),
                           name="review_state_known"),
        sa.CheckConstraint("locale IN ('vi', 'en')", name="locale_known"),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction_range"
        ),
        sa.CheckConstraint(
            "latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude_range"
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude_range"
        ),
        sa.CheckConstraint(
            "status IN ('new', 'rejected', 'guided') OR unit_id IS NOT NULL",
            name="routed_has_unit",
        ),
        sa.CheckConstraint("length(title) > 0", name="title_not_empty"),
        sa.CheckConstraint("reopen_count >= 0 AND paused_minutes >= 0", name="counters_positive"),
        sa.CheckConstraint("extensions_used >= 0 AND extension_days >= 0",
                           name="extensions_used_positive"),
        sa.Index("ix_cases_unit_status_due", "unit_id", "status", "response_due_at"),
        # The queue's first page in its default order, for a unit and for the committee.
        sa.Index("ix_cases_unit_queue_due", "unit_id", "queue_due_at", "id"),
        sa.Index("ix_cases_queue_due", "queue_due_at", "id"),
        sa.Index("ix_cases_received_id", "received_at", "id"),
        sa.Index("ix_cases_status_received", "status", "received_at"),
        sa.Index("ix_cases_unit_responded", "unit_id", "responded_at"),
        # Queue search: a trigram index on PostgreSQL; SQLite scans with LIKE (empty index).
        sa.Index(
            "ix_cases_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            sqlite_where=sa.text("0"),
        ),
        sa.Index(
            "ix_cases_contact_search_trgm",
            "contact_search_text",
            postgresql_using="gin",
            postgresql_ops={"contact_search_text": "gin_trgm_ops"},
            sqlite_where=sa.text("0"),
        ),
    )

    @property
    def is_open(self) -> bool:
        """Whether the unit still owes the citizen an answer."""
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Case {self.reference} {self.status}>"


class CaseEvent(db.Model):
    """One entry of a case's timeline. Append-only: never updated or deleted."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # "citizen" or "system" when no staff member acted.
    actor_kind: Mapped[str] = mapped_column(sa.String(16), default="user")
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    from_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    to_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    body: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    is_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # On routing and transfer events: the receiving unit's own due times (scorecards).
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    from_unit: Mapped[Unit | None] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Unit | None] = relationship(foreign_keys=[to_unit_id])

    __table_args__ = (
        sa.CheckConstraint(_in("kind", EventKind), name="kind_known"),
        sa.CheckConstraint("actor_kind IN ('user', 'citizen', 'system')", name="actor_kind_known"),
        # Cases a unit transferred away; escalated cases; arrivals since a moment;
        # scorecard metrics.
        sa.Index("ix_case_events_from_unit_id", "from_unit_id"),
        sa.Index("ix_case_events_kind_created", "kind", "created_at"),
    )


@event.listens_for(CaseEvent, "before_update")
@event.listens_for(CaseEvent, "before_delete")
def _refuse_timeline_change(mapper, connection, target: CaseEvent) -> None:
    raise RuntimeError("Case events are append-only.")


class CaseCount(db.Model):
    """How many cases each unit holds in each status, kept by database triggers.

    Every insert, delete, and change of a case's status or unit adjusts these rows
    in the same transaction (migration 0014), COPY included, so the queue's counts
    per status cost a handful of rows at any number of cases. ``unit_key`` is the
    unit's id, 0 for the cases no unit holds yet.
    """

    __tablename__ = "case_counts"

    unit_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
