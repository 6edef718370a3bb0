"""The citizen's follow-up on /track/<code>: answer, rate, reopen, erase, and their limits."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.cases import attachments, lifecycle
from app.cases.attachments import Upload
from app.cases.lifecycle import Actor
from app.config import TestingConfig
from app.core.timeutil import utcnow
from app.deadlines.reopening import reopen_last_day
from app.deadlines.sla import load_calendar
from app.extensions import db
from app.models import Attachment, Case, CaseStatus, Category, User
from tests import uploads
from tests.conftest import csrf_token
from tests.factories import EMAILS, make_case

HOUR = timedelta(hours=1)


def _officer() -> Actor:
    return Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"])))


def _case(app, world, state: str, **fields) -> str:
    """A case in the given state, as fresh as now; returns its tracking code."""
    start = utcnow() - 5 * HOUR
    with app.app_context():
        case = make_case(db.session.get(Category, world.tax), now=start,
                         citizen_name="Trần Thị Bình", citizen_phone="0901234567",
                         citizen_email="binh@example.vn", **fields)
        lifecycle.acknowledge(case, _officer(), start + HOUR)
        if state in ("awaiting", "responded"):
            lifecycle.ask_citizen(case, _officer(), "Xin số hồ sơ hoàn thuế?", start + 2 * HOUR)
        if state == "responded":
            lifecycle.citizen_reply(case, "Số 123.", start + 3 * HOUR)
            lifecycle.respond(case, _officer(), "Đã hoàn thuế ngày 20/3.", start + 4 * HOUR, signed_off=True)
        db.session.commit()
        return case.tracking_code


def _load(app, code) -> Case:
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.tracking_code == code))
        db.session.expunge(case)
        return case


def _post(client, path, **data):
    data.setdefault("csrf_token", csrf_token(client, path.rsplit("/", 1)[0]))
    return client.post(path, data=data, content_type="multipart/form-data")


def test_the_question_is_shown_with_a_form_to_answer_it(app, client, world):
    code = _case(app, world, "awaiting")
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "Xin số hồ sơ hoàn thuế?" in page
    assert f'action="/track/{code}/reply"' in page and 'enctype="multipart/form-data"' in page
    assert f'action="/track/{code}/rate"' not in page


def test_the_citizen_answers_with_a_photo_and_the_case_goes_back_to_the_unit(app, client, world):
    code = _case(app, world, "awaiting")
    response = _post(client, f"/track/{code}/reply", **{
        "reply-message": "Số hồ sơ là 123.",
        "reply-attachments": [(io.BytesIO(uploads.jpeg_with_gps()), "giay-hen.jpg")]})
    assert response.status_code == 303 and response.headers["Location"] == f"/track/{code}"
    case = _load(app, code)
    assert case.status == CaseStatus.IN_PROGRESS
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "Số hồ sơ là 123." in page and "giay-hen.jpg" in page
    assert "Cảm ơn ông/bà. Thông tin bổ sung đã được gửi" in page


def test_an_empty_answer_is_422_and_a_second_answer_is_409(app, client, world):
    code = _case(app, world, "awaiting")
    empty = _post(client, f"/track/{code}/reply", **{"reply-message": ""})
    assert empty.status_code == 422
    assert re.search(r'<p class="error" id="reply-message-error">', empty.get_data(as_text=True))
    assert _post(client, f"/track/{code}/reply", **{"reply-message": "Lần 1"}).status_code == 303
    again = _post(client, f"/track/{code}/reply?lang=en", **{"reply-message": "Lần 2"})
    assert again.status_code == 409
    assert "This case is not waiting for your answer." in again.get_data(as_text=True)


def test_a_disguised_file_in_the_answer_is_422_and_nothing_changes(app, client, world):
    code = _case(app, world, "awaiting")
    response = _post(client, f"/track/{code}/reply", **{
        "reply-message": "Đây.", "reply-attachments": [(io.BytesIO(uploads.PHP_AS_JPG), "a.jpg")]})
    assert response.status_code == 422
    assert 'id="reply-attachments-error"' in response.get_data(as_text=True)
    assert _load(app, code).status == CaseStatus.AWAITING_CITIZEN


def test_rating_the_answer_closes_the_case(app, client, world):
    code = _case(app, world, "responded")
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert f'action="/track/{code}/rate"' in page and f'action="/track/{code}/reopen"' in page
    response = _post(client, f"/track/{code}/rate", **{"rate-rating": "5", "rate-comment": "Nhanh."})
    assert response.status_code == 303
    case = _load(app, code)
    assert (case.status, case.satisfaction, case.satisfaction_comment) == ("closed", 5, "Nhanh.")
    # Rated once: a second rating is a conflict.
    assert _post(client, f"/track/{code}/rate", **{"rate-rating": "4"}).status_code == 409


def test_a_low_rating_is_shown_once_given_and_cannot_be_given_twice(app, client, world):
    code = _case(app, world, "responded")
    assert _post(client, f"/track/{code}/rate", **{"rate-rating": "2"}).status_code == 303
    case = _load(app, code)
    assert (case.status, case.satisfaction) == (CaseStatus.RESPONDED, 2)  # still open to reopen
    page = client.get(f"/track/{code}?lang=en").get_data(as_text=True)
    assert '<dd id="rating-given">You rated the answer 2/5.</dd>' in page
    assert f'action="/track/{code}/rate"' not in page  # no second rating form
    assert f'action="/track/{code}/reopen"' in page
    with app.app_context():
        last = reopen_last_day(case.responded_at, app.config["REOPEN_WINDOW_DAYS"], load_calendar())
    assert (f'<dd id="reopen-until"><time datetime="{last.isoformat()}">'
            f'{last.strftime("%d/%m/%Y")}</time></dd>') in page
    again = _post(client, f"/track/{code}/rate?lang=en", **{"rate-rating": "5"})
    assert again.status_code == 409 and "already rated" in again.get_data(as_text=True)
    assert _load(app, code).satisfaction == 2

    # Reopened and answered again: the new answer may be rated.
    assert _post(client, f"/track/{code}/reopen", **{"reopen-reason": "Chưa xong."}).status_code == 303
    with app.app_context():
        reopened = db.session.scalar(sa.select(Case).where(Case.tracking_code == code))
        lifecycle.respond(reopened, _officer(), "Đã xử lý lại.", utcnow(), signed_off=True)
        db.session.commit()
    page = client.get(f"/track/{code}?lang=en").get_data(as_text=True)
    assert f'action="/track/{code}/rate"' in page and 'id="rating-given"' not in page


def test_the_tracking_code_can_be_copied_and_printed(app, client, world):
    code = _case(app, world, "open")
    page = client.get(f"/track/{code}?lang=en").get_data(as_text=True)
    assert re.search(r'<p class="tracking-code" id="tracking-code">', page)
    assert 'data-copy="tracking-code" hidden' in page and "data-print hidden" in page
    assert "/static/js/citizen.js" in page
    assert f'action="/track/{code}/rate"' not in page and 'id="reopen-until"' not in page


@pytest.mark.parametrize("rating", ["", "0", "9", "abc"])
def test_a_rating_outside_one_to_five_is_422(app, client, world, rating):
    code = _case(app, world, "responded")
    response = _post(client, f"/track/{code}/rate", **{"rate-rating": rating})
    assert response.status_code == 422
    assert 'id="rate-rating-error"' in response.get_data(as_text=True)
    assert _load(app, code).status == CaseStatus.RESPONDED


def test_not_solved_reopens_with_the_reason(app, client, world):
    code = _case(app, world, "responded")
    assert _post(client, f"/track/{code}/reopen", **{"reopen-reason": ""}).status_code == 422
    response = _post(client, f"/track/{code}/reopen", **{"reopen-reason": "Chưa nhận được tiền."})
    assert response.status_code == 303
    case = _load(app, code)
    assert (case.status, case.reopen_count) == (CaseStatus.IN_PROGRESS, 1)
    assert "Chưa nhận được tiền." in client.get(f"/track/{code}").get_data(as_text=True)


def test_after_the_window_neither_rating_nor_reopening_is_possible(app, client, world):
    code = _case(app, world, "responded")
    app.config["REOPEN_WINDOW_DAYS"] = 0
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "/rate" not in page and "/reopen" not in page
    assert _post(client, f"/track/{code}/reopen", **{"reopen-reason": "Chưa xong."}).status_code == 409


def test_erasing_contact_details_asks_first_then_keeps_the_case(app, client, world):
    code = _case(app, world, "responded")
    confirm = client.get(f"/track/{code}/erase?lang=en")
    assert confirm.status_code == 200
    assert "This cannot be undone" in confirm.get_data(as_text=True)
    assert _load(app, code).citizen_phone == "+84901234567"  # nothing happens on GET
    response = _post(client, f"/track/{code}/erase")
    assert response.status_code == 303
    case = _load(app, code)
    assert (case.citizen_name, case.citizen_phone, case.citizen_email) == (None, None, None)
    assert case.status == CaseStatus.RESPONDED and case.public_answer == "Đã hoàn thuế ngày 20/3."
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "Your contact details were erased on" in page  # the ?lang=en choice stuck


def test_every_follow_up_post_needs_the_csrf_token(app, client, world):
    code = _case(app, world, "awaiting")
    for action in ("reply", "rate", "reopen", "erase"):
        response = client.post(f"/track/{code}/{action}", data={"reply-message": "x"})
        assert response.status_code == 400, action
    assert _load(app, code).status == CaseStatus.AWAITING_CITIZEN


def test_unknown_or_malformed_codes_are_404(app, client, world):
    code = _case(app, world, "awaiting")
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    token = csrf_token(client, "/")
    for path in (f"/track/{wrong}/reply", f"/track/{code.lower()}/reply", "/track/short/rate"):
        assert client.post(path, data={"csrf_token": token, "reply-message": "x"}).status_code == 404
    assert client.get(f"/track/{wrong}/files/1").status_code == 404


def test_the_citizen_sees_published_answer_files_but_not_drafts(app, client, world):
    code = _case(app, world, "responded")
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.tracking_code == code))
        lifecycle.reopen(case, "Chưa xong.", utcnow(), 7)
        [draft] = attachments.attach_to_answer(case, _officer().user,
                                               [Upload("nhap.pdf", io.BytesIO(uploads.PDF))], utcnow())
        db.session.commit()
        draft_id = draft.id
    assert client.get(f"/track/{code}/files/{draft_id}").status_code == 404
    assert "nhap.pdf" not in client.get(f"/track/{code}").get_data(as_text=True)
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.tracking_code == code))
        lifecycle.respond(case, _officer(), "Kết quả kèm theo.", utcnow(), signed_off=True)
        db.session.commit()
    assert client.get(f"/track/{code}/files/{draft_id}").status_code == 200
    assert "nhap.pdf" in client.get(f"/track/{code}").get_data(as_text=True)


def test_replies_are_rate_limited(tmp_path, database_url, world):
    app = create_app(TestingConfig, instance_path=str(tmp_path / "rl"),
                     SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                     REPLIES_PER_MINUTE=2)
    code = _case(app, world, "responded")
    client = app.test_client()
    token = csrf_token(client, f"/track/{code}")
    codes = [client.post(f"/track/{code}/rate?lang=en", data={"csrf_token": token}).status_code
             for _ in range(3)]
    assert codes == [422, 422, 429]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_looking_codes_up_through_the_erase_page_is_rate_limited(tmp_path, database_url, world):
    app = create_app(TestingConfig, instance_path=str(tmp_path / "rl"),
                     SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                     LOOKUPS_PER_MINUTE=2)
    client = app.test_client()
    codes = [client.get(f"/track/{'2' * 12}/erase").status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_the_page_shows_the_last_day_to_reopen(app, client, world):
    code = _case(app, world, "responded")
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.tracking_code == code))
        last = reopen_last_day(case.responded_at, app.config["REOPEN_WINDOW_DAYS"], load_calendar())
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert last.strftime("%d/%m/%Y") in page
