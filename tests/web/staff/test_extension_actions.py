"""The case page's deadline extensions (officer asks, head decides) and the guidance outcome."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.cases import extensions
from app.deadlines import counting
from app.extensions import db
from app.models import CaseExtension, CaseStatus
from tests.factories import EMAILS, make_world
from tests.web.staff.test_case_actions import CasePage, _fragment, _in_progress
from tests.workspace import case_by_ref, make_desk


@pytest.fixture
def desk(app):
    with app.app_context():
        desk = make_desk(make_world())
        db.session.commit()
        return desk


@pytest.fixture
def officer(app, client, desk):
    return CasePage(app, client, desk.thue, EMAILS["officer_thue"])


@pytest.fixture
def head(app, desk):
    return CasePage(app, app.test_client(), desk.thue, EMAILS["head_thue"])


def limits(app, reference):
    with app.app_context():
        return extensions.allowance(case_by_ref(reference))


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def test_officer_asks_head_approves_citizen_sees_the_new_date(officer, head, app, client):
    _in_progress(app, officer.reference)
    allowed = limits(app, officer.reference)
    page = officer.page()
    assert "Gia hạn" in page or "Extend the deadline" in page
    assert day(allowed.latest_last_day) in page  # the latest allowed date is shown
    text = _fragment(officer.post("extension", "extend", {
        "new_last_day": allowed.latest_last_day.isoformat(),
        "reason": "Cần phối hợp với ba đơn vị để xác minh."}))
    assert day(allowed.latest_last_day) in text
    assert 'action="/cases/%s/extension"' % officer.reference not in text  # one request at a time

    head_page = head.page()
    assert "Cần phối hợp với ba đơn vị để xác minh." in head_page
    _fragment(head.post("extension/decide", "decide", {"note": ""}, head_page))
    with app.app_context():
        case = case_by_ref(officer.reference)
        assert case.extensions_used == 1 and case.original_response_due_at is not None
        new_last = counting.last_day_of(case.response_due_at)
    assert new_last == allowed.latest_last_day or new_last > allowed.current_last_day

    tracking = client.get(f"/track/{officer.case()['tracking']}").get_data(as_text=True)
    assert day(new_last) in tracking
    assert "Cần phối hợp với ba đơn vị để xác minh." in tracking

    # The regime of a phản ánh allows one extension: the form is gone, a forced second is refused.
    assert 'action="/cases/%s/extension"' % officer.reference not in officer.page()
    response = officer.post_current("extension", "extend", {
        "new_last_day": (new_last + timedelta(days=2)).isoformat(), "reason": "Thêm lần nữa."})
    assert response.status_code in (403, 409)


def test_a_day_beyond_the_limit_is_422_next_to_the_field(officer, app):
    _in_progress(app, officer.reference)
    allowed = limits(app, officer.reference)
    text = _fragment(officer.post("extension", "extend", {
        "new_last_day": (allowed.latest_last_day + timedelta(days=1)).isoformat(),
        "reason": "Phức tạp."}), 422)
    assert 'id="extend-new_last_day-error"' in text and day(allowed.latest_last_day) in text
    text = _fragment(officer.post("extension", "extend", {"new_last_day": "", "reason": ""}), 422)
    assert 'id="extend-new_last_day-error"' in text and 'id="extend-reason-error"' in text
    text = _fragment(officer.post("extension", "extend", {"new_last_day": "31/02/2026",
                                                          "reason": "x"}), 422)
    assert 'id="extend-new_last_day-error"' in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseExtension)) == 0


def test_second_request_beyond_the_new_limit_is_refused_with_422(officer, head, app):
    """Once approved, an over-long second request is refused next to the date (a tố cáo has two)."""
    with app.app_context():
        case = case_by_ref(officer.reference)
        case.kind = "to_cao"
        case.citizen_name = case.citizen_name or "Nguyễn Văn An"
        db.session.commit()
    _in_progress(app, officer.reference)
    first = limits(app, officer.reference)
    _fragment(officer.post("extension", "extend", {
        "new_last_day": first.latest_last_day.isoformat(), "reason": "Phức tạp."}))
    _fragment(head.post("extension/decide", "decide", {"note": "Đồng ý."}))
    second = limits(app, officer.reference)
    assert second is not None and second.current_last_day >= first.latest_last_day
    text = _fragment(officer.post("extension", "extend", {
        "new_last_day": (second.latest_last_day + timedelta(days=1)).isoformat(),
        "reason": "Đặc biệt phức tạp."}), 422)
    assert day(second.latest_last_day) in text


def test_head_refuses_with_a_note_the_officer_sees(officer, head, app):
    _in_progress(app, officer.reference)
    allowed = limits(app, officer.reference)
    officer.post("extension", "extend", {"new_last_day": allowed.latest_last_day.isoformat(),
                                         "reason": "Cần thêm thời gian."})
    text = _fragment(head.post("extension/decide", "decide", {"refuse": "y", "note": ""}), 422)
    assert 'id="decide-note-error"' in text
    _fragment(head.post("extension/decide", "decide", {"refuse": "y", "note": "Trả lời đúng hạn."}))
    page = officer.page()
    assert "Trả lời đúng hạn." in page
    with app.app_context():
        assert case_by_ref(officer.reference).extensions_used == 0


def test_officer_cannot_decide_and_a_stale_decision_is_409(officer, head, app):
    _in_progress(app, officer.reference)
    allowed = limits(app, officer.reference)
    head_page = head.page()
    officer.post("extension", "extend", {"new_last_day": allowed.latest_last_day.isoformat(),
                                         "reason": "Cần thêm thời gian."})
    assert officer.post_current("extension/decide", "decide", {"note": ""}).status_code == 403
    head_page = head.page()
    officer.post("note", "note", {"note": "Ghi chú."})
    with app.app_context():  # someone changes the case meanwhile
        case_by_ref(officer.reference).priority = "urgent"
        db.session.commit()
    _fragment(head.post("extension/decide", "decide", {"note": ""}, head_page), 409)


def test_guide_to_the_competent_agency(officer, app, client):
    page = officer.page()
    assert 'action="/cases/%s/guide"' % officer.reference in page
    text = _fragment(officer.post("guide", "guide", {"guided_to": "", "guidance": ""}), 422)
    assert 'id="guide-guided_to-error"' in text and 'id="guide-guidance-error"' in text
    _fragment(officer.post("guide", "guide", {
        "guided_to": "Tòa án nhân dân Quận 1",
        "guidance": "Ông/bà nộp đơn khởi kiện tại Tòa án nhân dân Quận 1."}))
    case = officer.case()
    assert case["status"] == CaseStatus.GUIDED and case["rejection"] is None
    tracking = client.get(f"/track/{case['tracking']}")
    assert tracking.status_code == 200
    text = tracking.get_data(as_text=True)
    assert "Tòa án nhân dân Quận 1" in text
    assert "Ông/bà nộp đơn khởi kiện tại Tòa án nhân dân Quận 1." in text
