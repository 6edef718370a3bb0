"""Intake rules: contact details, consent for updates, files, and one case per form."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.cases import attachments
from app.cases.attachments import Upload
from app.core.errors import InvalidInput
from app.intake import submission
from app.intake.submission import Submission
from app.models import Attachment, Case, Category, Channel, Notification, User
from tests import uploads
from tests.factories import EMAILS, MONDAY_9AM

TOKEN = "k" * 32


@pytest.fixture
def tax(db, world) -> Category:
    return db.session.get(Category, world.tax)


def sub(category, **fields) -> Submission:
    fields.setdefault("title", "Chưa nhận được hoàn thuế")
    fields.setdefault("description", "Hồ sơ nộp từ tháng 3.")
    return Submission(category=category, **fields)


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"notify_email": True}, "notify_email"),
        ({"notify_email": True, "citizen_phone": "0901234567"}, "notify_email"),
        ({"notify_email": True, "anonymous": True, "citizen_email": "a@b.vn"}, "notify_email"),
        ({"citizen_phone": "12345"}, "citizen_phone"),
        ({"citizen_email": "not an email"}, "citizen_email"),
        ({"contact_consent": True}, "contact_consent"),
    ],
)
def test_contact_rules_are_checked_before_anything_is_written(db, tax, fields, field):
    with pytest.raises(InvalidInput) as err:
        submission.submit_case(sub(tax, **fields), Channel.WEB, MONDAY_9AM)
    assert err.value.field == field
    assert count(db, Case) == 0


def test_contact_details_are_normalised_and_updates_recorded(db, tax):
    case = submission.submit_case(
        sub(tax, citizen_phone="090 123 4567", citizen_email="An@Example.VN",
            notify_email=True, contact_consent=True, locale="en"),
        Channel.WEB, MONDAY_9AM)
    assert case.citizen_phone == "+84901234567"
    assert case.citizen_email == "An@example.vn"
    assert case.notify_email is True and case.contact_consent is True and case.locale == "en"


def test_anonymous_keeps_nothing_and_asks_for_no_updates(db, tax):
    case = submission.submit_case(sub(tax, anonymous=True, citizen_name="An", citizen_phone="0901234567",
                                  contact_consent=True), Channel.WEB, MONDAY_9AM)
    assert (case.citizen_name, case.citizen_phone, case.citizen_email) == (None, None, None)
    assert case.contact_consent is False and case.notify_email is False


def test_the_same_form_sent_twice_makes_one_case(db, tax):
    first, created = submission.submit_once(sub(tax, submission_token=TOKEN), Channel.WEB, MONDAY_9AM)
    db.session.commit()
    again, created_again = submission.submit_once(sub(tax, submission_token=TOKEN), Channel.WEB,
                                              MONDAY_9AM)
    assert (created, created_again) == (True, False)
    assert again.id == first.id and count(db, Case) == 1
    other, _ = submission.submit_once(sub(tax, submission_token="m" * 32), Channel.WEB, MONDAY_9AM)
    assert other.id != first.id


def test_a_malformed_token_is_ignored_not_trusted(db, tax):
    case, created = submission.submit_once(sub(tax, submission_token="x' OR 1=1"), Channel.WEB,
                                       MONDAY_9AM)
    assert created and case.submission_token is None
    assert submission.case_for_token("x' OR 1=1") is None


def test_files_come_with_the_case_and_a_bad_file_refuses_the_whole_submission(db, tax):
    good = [Upload("ngap.jpg", io.BytesIO(uploads.jpeg_with_gps())),
            Upload("don.pdf", io.BytesIO(uploads.PDF))]
    case = submission.submit_case(sub(tax, attachments=good), Channel.WEB, MONDAY_9AM)
    db.session.commit()
    stored = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.original_name, a.content_type, a.uploaded_by, a.case_id) for a in stored] == [
        ("ngap.jpg", "image/jpeg", "citizen", case.id),
        ("don.pdf", "application/pdf", "citizen", case.id),
    ]
    assert uploads.exif_of(attachments.path_of(stored[0]).read_bytes()) == {}

    bad = [Upload("ok.pdf", io.BytesIO(uploads.PDF)), Upload("x.jpg", io.BytesIO(uploads.PHP_AS_JPG))]
    with pytest.raises(InvalidInput) as err:
        submission.submit_case(sub(tax, attachments=bad), Channel.WEB, MONDAY_9AM)
    assert err.value.field == "attachments"
    db.session.rollback()
    assert count(db, Case) == 1 and count(db, Attachment) == 2
    assert len(list(attachments.upload_folder().iterdir())) == 2


def test_files_typed_in_by_an_operator_are_marked_as_theirs(db, tax):
    operator = db.session.scalar(sa.select(User).where(User.email == EMAILS["operator"]))
    submission.submit_case(sub(tax, attachments=[Upload("a.pdf", io.BytesIO(uploads.PDF))]),
                       Channel.WALK_IN, MONDAY_9AM, created_by=operator)
    stored = db.session.scalar(sa.select(Attachment))
    assert (stored.uploaded_by, stored.uploader_id) == ("operator", operator.id)


def test_received_email_is_queued_only_when_asked_for(db, tax):
    citizen_mail = Notification.recipient == "a@example.vn"  # routing also tells the unit
    submission.submit_case(sub(tax, citizen_email="a@example.vn"), Channel.WEB, MONDAY_9AM)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(citizen_mail)) == 0
    case = submission.submit_case(sub(tax, citizen_email="a@example.vn", notify_email=True),
                              Channel.WEB, MONDAY_9AM)
    note = db.session.scalar(sa.select(Notification).where(citizen_mail))
    assert (note.kind, note.case_id, note.recipient) == ("case_received", case.id, "a@example.vn")


def test_two_sends_of_one_form_at_the_same_time_still_make_one_case(db, tax, monkeypatch):
    """The second send passed the first lookup before the first committed: the unique token
    refuses its insert, and it answers with the first send's case."""
    first, _ = submission.submit_once(sub(tax, submission_token=TOKEN), Channel.WEB, MONDAY_9AM)
    db.session.commit()
    real_lookup = submission.case_for_token
    calls = []

    def too_early(token):
        calls.append(token)
        return None if len(calls) == 1 else real_lookup(token)

    monkeypatch.setattr(submission, "case_for_token", too_early)
    again, created = submission.submit_once(sub(tax, submission_token=TOKEN), Channel.WEB, MONDAY_9AM)
    db.session.commit()
    assert (again.id, created, len(calls)) == (first.id, False, 2)
    assert count(db, Case) == 1
