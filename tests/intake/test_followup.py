"""The citizen's follow-up: answering a question with files, rating, reopening."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.cases.attachments import Upload
from app.cases.lifecycle import Actor
from app.core import errors
from app.intake import followup
from app.models import Attachment, CaseStatus, Category, EventKind, User
from tests import uploads
from tests.factories import EMAILS, MONDAY_9AM, make_case

HOUR = timedelta(hours=1)
WINDOW = 7


@pytest.fixture
def staff(db, world) -> Actor:
    return Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"])))


@pytest.fixture
def asked(db, world, staff):
    case = make_case(db.session.get(Category, world.tax))
    lifecycle.acknowledge(case, staff, MONDAY_9AM + HOUR)
    lifecycle.ask_citizen(case, staff, "Xin số hồ sơ?", MONDAY_9AM + 2 * HOUR)
    db.session.commit()
    return case


def test_the_pending_question_is_the_latest_one(db, asked):
    question = followup.pending_question(asked)
    assert question.body == "Xin số hồ sơ?"


def test_answering_resumes_the_case_and_keeps_the_files(db, asked):
    files = [Upload("ho-so.pdf", io.BytesIO(uploads.PDF)),
             Upload("anh.jpg", io.BytesIO(uploads.jpeg_with_gps()))]
    event = followup.answer_question(asked, "Số hồ sơ 123.", files, MONDAY_9AM + 3 * HOUR)
    db.session.commit()
    assert asked.status == CaseStatus.IN_PROGRESS and asked.paused_at is None
    assert (event.kind, event.body, event.actor_kind) == (EventKind.CITIZEN_MESSAGE,
                                                          "Số hồ sơ 123.", "citizen")
    stored = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.original_name, a.event_id, a.uploaded_by) for a in stored] == [
        ("ho-so.pdf", event.id, "citizen"), ("anh.jpg", event.id, "citizen")]
    assert followup.pending_question(asked) is None


def test_a_bad_file_refuses_the_answer_and_changes_nothing(db, asked):
    with pytest.raises(errors.InvalidInput) as err:
        followup.answer_question(asked, "Đây.", [Upload("a.jpg", io.BytesIO(uploads.HTML_AS_JPG))],
                                 MONDAY_9AM + 3 * HOUR)
    assert err.value.field == "attachments"
    db.session.rollback()
    assert asked.status == CaseStatus.AWAITING_CITIZEN


def test_no_answer_when_nothing_was_asked(db, asked):
    followup.answer_question(asked, "Lần 1.", [], MONDAY_9AM + 3 * HOUR)
    with pytest.raises(errors.IllegalMove):
        followup.answer_question(asked, "Lần 2.", [], MONDAY_9AM + 4 * HOUR)


def test_rating_and_reopening_are_offered_within_the_window(db, asked, staff):
    followup.answer_question(asked, "Số 123.", [], MONDAY_9AM + 3 * HOUR)
    answered_at = MONDAY_9AM + 4 * HOUR
    lifecycle.respond(asked, staff, "Đã xong.", answered_at, signed_off=True)
    # Answered Mon 2/3/2026: seven working days, to the end of Wed 11/3 local time.
    outside = datetime(2026, 3, 12, 0, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    inside = outside - timedelta(seconds=1)
    assert followup.may_rate(asked, inside, WINDOW) and followup.may_reopen(asked, inside, WINDOW)
    assert not followup.may_rate(asked, outside, WINDOW)
    assert not followup.may_reopen(asked, outside, WINDOW)
    lifecycle.rate_answer(asked, 4, "", inside - HOUR, WINDOW)
    assert asked.status == CaseStatus.CLOSED
    assert not followup.may_rate(asked, inside, WINDOW) and followup.may_reopen(asked, inside, WINDOW)


@pytest.mark.parametrize("raw", ["0", "6", "", None, "abc", "3.5"])
def test_a_rating_must_be_one_to_five(raw):
    with pytest.raises(errors.InvalidInput) as err:
        followup.parse_rating(raw)
    assert err.value.field == "rating"


def test_ratings_parse():
    assert [followup.parse_rating(str(n)) for n in range(1, 6)] == [1, 2, 3, 4, 5]
