"""Erasing the citizen's personal data: at once on request, or when retention ends."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.cases import attachments, lifecycle, privacy
from app.cases.attachments import Upload
from app.cases.lifecycle import Actor
from app.core.timeutil import utcnow
from app.intake import submission
from app.intake.submission import Submission
from app.models import Attachment, Case, CaseEvent, Category, DeliveryStatus, Notification, User
from app.notify import citizen_notices
from tests import uploads
from tests.factories import EMAILS, MONDAY_9AM, make_case

MONTHS = 24
WINDOW = 7


def staff(db) -> Actor:
    return Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"])))


def closed_case(db, world, now: datetime, **fields) -> Case:
    """A case with contact details, a photo and an email, answered, rated 4 and closed at ``now``."""
    sub = Submission(
        category=db.session.get(Category, world.tax), title="Ngập nước hẻm 42",
        description="Mưa là ngập.", citizen_name="Nguyễn Văn An", citizen_phone="0901234567",
        citizen_email="an@example.vn", notify_email=True, contact_consent=True,
        submission_token=fields.pop("token", "t" * 32),
        attachments=[Upload("hem.jpg", io.BytesIO(uploads.jpeg_with_gps()))], **fields)
    case = submission.submit_case(sub, "web", now - timedelta(hours=5))
    lifecycle.acknowledge(case, staff(db), now - timedelta(hours=4))
    lifecycle.respond(case, staff(db), "Đã khơi thông cống.", now - timedelta(hours=2), signed_off=True)
    lifecycle.rate_answer(case, 4, "Tốt.", now, WINDOW)
    db.session.commit()
    return case


def test_months_before_keeps_the_day_when_it_can():
    at = datetime(2026, 3, 31, 10, 0, tzinfo=timezone.utc)
    assert privacy.months_before(at, 1) == datetime(2026, 2, 28, 10, 0, tzinfo=timezone.utc)
    assert privacy.months_before(at, 24) == datetime(2024, 3, 31, 10, 0, tzinfo=timezone.utc)
    assert privacy.months_before(at, 25) == datetime(2024, 2, 29, 10, 0, tzinfo=timezone.utc)


def test_erasing_contact_keeps_the_case_timeline_and_figures(db, world):
    case = closed_case(db, world, MONDAY_9AM)
    events_before = [(e.kind, e.body) for e in case.events]
    figures = (case.status, case.received_at, case.acknowledged_at, case.responded_at,
               case.closed_at, case.satisfaction, case.unit_id, case.category_id, case.reference)
    assert "+84901234567" in case.contact_search_text
    assert "nguyen van an" in case.contact_search_text
    privacy.erase_contact(case, MONDAY_9AM + timedelta(days=1))
    db.session.commit()
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.citizen_name, case.citizen_phone, case.citizen_email) == (None, None, None)
    assert case.contact_consent is False and case.notify_email is False
    assert case.contact_erased_at == MONDAY_9AM + timedelta(days=1)
    assert case.contact_search_text == ""
    assert "ngap nuoc hem 42" in case.search_text
    assert [(e.kind, e.body) for e in case.events] == events_before
    assert (case.status, case.received_at, case.acknowledged_at, case.responded_at,
            case.closed_at, case.satisfaction, case.unit_id, case.category_id,
            case.reference) == figures
    # The outbox forgets the address; the request erasure keeps the files.
    citizen_mail = Notification.kind.in_(citizen_notices.KINDS)
    assert db.session.scalars(sa.select(Notification.recipient).where(citizen_mail)).all() == [""] * 3
    # Emails to the unit's staff about the case are not the citizen's data.
    assert "" not in db.session.scalars(sa.select(Notification.recipient).where(~citizen_mail)).all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1


def test_pending_emails_to_an_erased_address_are_dropped(db, world):
    case = make_case(db.session.get(Category, world.tax), citizen_email="an@example.vn",
                     notify_email=True)
    db.session.flush()
    to_citizen = Notification.kind.in_(citizen_notices.KINDS)
    note = db.session.scalar(sa.select(Notification).where(to_citizen))
    assert note.status == DeliveryStatus.PENDING
    privacy.erase_contact(case, MONDAY_9AM)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(to_citizen)) == 0


def test_retention_erases_old_closed_cases_only_and_is_idempotent(db, world):
    now = datetime(2028, 6, 1, 3, 0, tzinfo=timezone.utc)
    old = closed_case(db, world, now - timedelta(days=2 * 366), token="o" * 32)
    recent = closed_case(db, world, now - timedelta(days=300), token="r" * 32)
    still_open = make_case(db.session.get(Category, world.tax), citizen_phone="0907654321",
                           now=now - timedelta(days=1000))
    db.session.commit()
    old_file = attachments.path_of(db.session.scalar(
        sa.select(Attachment).where(Attachment.case_id == old.id)))
    assert old_file.exists()

    assert privacy.due_for_retention(now, MONTHS) == [old.id]
    assert privacy.retention_sweep(now, MONTHS) == 1
    db.session.expire_all()
    old, recent, still_open = (db.session.get(Case, c) for c in (old.id, recent.id, still_open.id))
    assert (old.citizen_name, old.citizen_phone, old.citizen_email, old.submission_token) == (
        None, None, None, None)
    assert not old_file.exists()
    assert db.session.scalars(sa.select(Attachment.case_id)).all() == [recent.id]
    assert (old.status, old.satisfaction, old.responded_at is not None) == ("closed", 4, True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)
                             .where(CaseEvent.case_id == old.id)) == 6
    assert recent.citizen_phone == "+84901234567" and still_open.citizen_phone == "+84907654321"
    # Running it again finds nothing to do.
    assert privacy.due_for_retention(now, MONTHS) == []
    assert privacy.retention_sweep(now, MONTHS) == 0


def test_rejected_cases_count_as_finished_for_retention(db, world):
    now = datetime(2028, 6, 1, 3, 0, tzinfo=timezone.utc)
    case = make_case(db.session.get(Category, world.tax), citizen_phone="0901234567",
                     now=now - timedelta(days=800))
    lifecycle.reject(case, staff(db), "Trùng lặp.", now - timedelta(days=799))
    db.session.commit()
    assert privacy.retention_sweep(now, MONTHS) == 1
    assert db.session.get(Case, case.id).citizen_phone is None


@pytest.mark.parametrize("months", [1, 24])
def test_the_retention_command_runs_the_sweep_once(app, runner, world, months):
    app.config["RETENTION_MONTHS"] = months
    with app.app_context():
        from app.extensions import db

        closed_case(db, world, utcnow() - timedelta(days=40))
    result = runner.invoke(args=["retention", "sweep"])
    assert result.exit_code == 0
    expected = 1 if months == 1 else 0  # closed 40 days ago: past one month, not two years
    assert f"Cases erased: {expected} (retention: {months} months)." in result.output
