"""Every action of the case page, in place with htmx and without JavaScript, bad input,
illegal moves, and two officers on one case."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cases import lifecycle
from app.extensions import db
from app.models import CaseStatus, EventKind
from tests.conftest import Auth, csrf_token
from tests.factories import EMAILS, MONDAY_9AM, make_world
from tests.workspace import (
    HOUR,
    case_by_ref,
    form_seen,
    form_versions,
    make_desk,
    staff,
    unit,
    user,
)


@pytest.fixture
def desk(app):
    with app.app_context():
        desk = make_desk(make_world())
        db.session.commit()
        return desk


def _in_progress(app, reference: str) -> None:
    with app.app_context():
        lifecycle.acknowledge(case_by_ref(reference), staff("officer_thue"), MONDAY_9AM + 2 * HOUR)
        db.session.commit()


class CasePage:
    """A signed-in client on one case page."""

    def __init__(self, app, client, reference: str, email: str):
        self.app, self.client, self.reference = app, client, reference
        Auth(client).login(email)
        self.token = csrf_token(client, "/cases")

    def page(self) -> str:
        response = self.client.get(f"/cases/{self.reference}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def post(self, action: str, prefix: str, fields: dict, page: str | None = None, htmx=True):
        page = page if page is not None else self.page()
        data = {f"{prefix}-version": form_versions(page)[prefix],
                f"{prefix}-seen": form_seen(page)[prefix]}
        data.update({f"{prefix}-{name}": value for name, value in fields.items()})
        headers = {"X-CSRFToken": self.token}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(f"/cases/{self.reference}/{action}", data=data, headers=headers)

    def post_current(self, action: str, prefix: str, fields: dict):
        """Post a form that the page does not offer, with the case's current version."""
        with self.app.app_context():
            version = case_by_ref(self.reference).version
        data = {f"{prefix}-version": version}
        data.update({f"{prefix}-{name}": value for name, value in fields.items()})
        return self.client.post(f"/cases/{self.reference}/{action}", data=data,
                                headers={"X-CSRFToken": self.token, "HX-Request": "true"})

    def case(self):
        with self.app.app_context():
            case = case_by_ref(self.reference)
            return {
                "status": case.status, "unit": case.unit.code if case.unit else None,
                "assignee": case.assignee.email if case.assignee else None,
                "answer": case.public_answer, "rejection": case.rejection_reason,
                "events": [(e.kind, e.body, e.is_public) for e in case.events],
                "tracking": case.tracking_code,
            }


@pytest.fixture
def officer(app, client, desk):
    return CasePage(app, client, desk.thue, EMAILS["officer_thue"])


@pytest.fixture
def head(app, desk):
    return CasePage(app, app.test_client(), desk.thue, EMAILS["head_thue"])


def _fragment(response, status=200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    text = response.get_data(as_text=True)
    assert "<html" not in text and 'id="status-panel"' in text
    return text


def test_acknowledge_ask_resume_respond_in_place(officer):
    text = _fragment(officer.post("acknowledge", "ack", {}))
    assert 'id="timeline" hx-swap-oob="true"' in text
    assert officer.case()["status"] == CaseStatus.IN_PROGRESS
    text = _fragment(officer.post("ask", "ask", {"question": "Ông/bà cho biết số hồ sơ?"}, text))
    assert officer.case()["status"] == CaseStatus.AWAITING_CITIZEN
    assert ("status", "Ông/bà cho biết số hồ sơ?", True) in officer.case()["events"]
    text = _fragment(officer.post("resume", "resume", {}, text))
    assert officer.case()["status"] == CaseStatus.IN_PROGRESS
    # An officer's answer goes to the unit head for sign-off; the citizen reads nothing yet.
    text = _fragment(officer.post("respond", "respond", {"answer": "Đã giải quyết."}, text))
    assert 'id="signoff"' in text and 'action="/cases/' + officer.reference + '/respond"' not in text
    assert officer.case()["answer"] is None
    assert ("answer_submitted", "Đã giải quyết.", False) in officer.case()["events"]


def test_transfer_leaves_the_case_readable_but_read_only(officer, app):
    with app.app_context():
        bhxh = unit("BHXH").id
    text = _fragment(officer.post("transfer", "transfer", {"unit": bhxh, "reason": "Thuộc BHXH."}))
    case = officer.case()
    assert (case["status"], case["unit"]) == (CaseStatus.ASSIGNED, "BHXH")
    assert ("transferred", "Thuộc BHXH.", True) in case["events"]
    assert "<form" not in text.split('id="timeline"')[0]  # no actions left for Cục Thuế
    page = officer.page()
    assert 'class="notice notice-warning"' in page and "BHXH" in page
    assert 'action="/cases/' not in page


def test_reject_shows_the_reason_to_the_citizen(officer, client):
    _fragment(officer.post("reject", "reject", {"reason": "Nội dung trùng với hồ sơ khác."}))
    case = officer.case()
    assert case["status"] == CaseStatus.REJECTED
    assert "Nội dung trùng với hồ sơ khác." in client.get(f"/track/{case['tracking']}").get_data(
        as_text=True)


def test_unit_head_assigns_inside_the_unit(head, app):
    page = head.page()
    with app.app_context():
        officer_id = user("officer_thue").id
        bhxh_officer = user("officer_bhxh").id
    assert f'<option value="{officer_id}">' in page
    assert f'<option value="{bhxh_officer}">' not in page
    _fragment(head.post("assign", "assign", {"officer": officer_id}, page))
    case = head.case()
    assert case["assignee"] == EMAILS["officer_thue"]
    assert case["events"][-1][0] == EventKind.ASSIGNED and case["events"][-1][2] is False


def test_an_officer_of_another_unit_cannot_be_assigned(head, app):
    with app.app_context():
        bhxh_officer = user("officer_bhxh").id
    text = _fragment(head.post("assign", "assign", {"officer": bhxh_officer}), 422)
    assert 'id="assign-officer-error"' in text
    assert head.case()["assignee"] is None


def test_an_internal_note_stays_internal(officer, client):
    text = _fragment(officer.post("note", "note", {"note": "Đã gọi điện cho công dân."}))
    assert "event-internal" in text
    case = officer.case()
    assert ("internal_note", "Đã gọi điện cho công dân.", False) in case["events"]
    assert "Đã gọi điện" not in client.get(f"/track/{case['tracking']}").get_data(as_text=True)


@pytest.mark.parametrize("action, prefix, fields", [
    ("acknowledge", "ack", {}),
    ("note", "note", {"note": "Ghi chú."}),
    ("reject", "reject", {"reason": "Trùng lặp."}),
])
def test_actions_work_without_javascript(officer, action, prefix, fields):
    response = officer.post(action, prefix, fields, htmx=False)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cases/{officer.reference}"
    assert len(officer.case()["events"]) == 3


@pytest.mark.parametrize("action, prefix, fields, errors", [
    ("ask", "ask", {"question": "  "}, ["ask-question"]),
    ("transfer", "transfer", {"unit": "", "reason": ""}, ["transfer-unit", "transfer-reason"]),
    ("transfer", "transfer", {"unit": "999999", "reason": "Lý do."}, ["transfer-unit"]),
    ("reject", "reject", {"reason": ""}, ["reject-reason"]),
    ("note", "note", {"note": ""}, ["note-note"]),
    ("note", "note", {"note": "x" * 2001}, ["note-note"]),
])
def test_bad_input_is_422_next_to_the_field(officer, action, prefix, fields, errors):
    if action == "ask":
        _fragment(officer.post("acknowledge", "ack", {}))
    before = officer.case()
    text = _fragment(officer.post(action, prefix, fields), 422)
    for field in errors:
        assert f'id="{field}-error"' in text
    assert officer.case() == before


def test_transfer_to_the_same_or_an_inactive_unit_is_422(officer, app):
    with app.app_context():
        thue = unit("THUE").id
        root = unit("DUK")
        root.active = False
        db.session.commit()
        root_id = root.id
    text = _fragment(officer.post("transfer", "transfer", {"unit": thue, "reason": "Lý do."}), 422)
    assert 'id="transfer-unit-error"' in text
    response = officer.post("transfer", "transfer", {"unit": root_id, "reason": "Lý do."})
    text = _fragment(response, 422)
    assert 'id="transfer-unit-error"' in text
    assert f'<option value="{root_id}"' not in text  # inactive units are not offered
    assert officer.case()["unit"] == "THUE"


@pytest.mark.parametrize("action, prefix, fields", [
    ("resume", "resume", {}),
    ("respond", "respond", {"answer": "Trả lời sớm."}),
    ("ask", "ask", {"question": "Hỏi sớm?"}),
])
def test_illegal_moves_are_409_with_a_message(officer, action, prefix, fields):
    text = _fragment(officer.post_current(action, prefix, fields), 409)
    assert 'class="notice notice-error" role="alert"' in text
    assert officer.case()["status"] == CaseStatus.ASSIGNED


def test_rejecting_a_case_in_progress_is_409(officer):
    _fragment(officer.post("acknowledge", "ack", {}))
    text = _fragment(officer.post_current("reject", "reject", {"reason": "Muộn rồi."}), 409)
    assert 'role="alert"' in text
    assert officer.case()["status"] == CaseStatus.IN_PROGRESS


def test_what_is_typed_in_other_forms_survives_an_action(officer):
    page = officer.page()
    data = {"ack-version": form_versions(page)["ack"], "ack-seen": form_seen(page)["ack"],
            "note-note": "Bản nháp ghi chú chưa gửi"}
    response = officer.client.post(f"/cases/{officer.reference}/acknowledge", data=data,
                                   headers={"X-CSRFToken": officer.token, "HX-Request": "true"})
    text = _fragment(response)
    assert "Bản nháp ghi chú chưa gửi</textarea>" in text
    assert form_versions(text)["note"] == form_versions(text)["respond"]


def test_second_writer_sees_what_changed_and_keeps_the_answer(officer, head, app):
    _in_progress(app, officer.reference)
    officer_page = officer.page()
    head.post("note", "note", {"note": "Trưởng phòng đã xem."})
    with app.app_context():
        head_id = user("head_thue").id
    _fragment(head.post("assign", "assign", {"officer": head_id}))

    response = officer.post("respond", "respond", {"answer": "Câu trả lời soạn kỹ."}, officer_page)
    text = _fragment(response, 409)
    conflict = re.search(r'<div class="conflict.*?</div>\s*<dl', text, re.S).group(0)
    assert "Trưởng phòng đã xem." in conflict  # the note that came after
    assert "head.thue" in conflict  # assigned now to
    assert "Câu trả lời soạn kỹ.</textarea>" in text  # the form keeps the text
    assert officer.case()["answer"] is None
    # The refreshed form can now be sent deliberately.
    assert form_versions(text)["respond"] != form_versions(officer_page)["respond"]
    _fragment(officer.post("respond", "respond", {"answer": "Câu trả lời soạn kỹ."}, text))
    assert ("answer_submitted", "Câu trả lời soạn kỹ.", False) in officer.case()["events"]


def test_conflict_without_javascript_is_a_409_page(officer, head, app):
    _in_progress(app, officer.reference)
    officer_page = officer.page()
    head.post("ask", "ask", {"question": "Xin bản chụp giấy tờ?"})
    response = officer.post("respond", "respond", {"answer": "Trả lời."}, officer_page, htmx=False)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "<html" in text and "Xin bản chụp giấy tờ?" in text
    # Answering is no longer possible (the case awaits the citizen): the text is shown to copy.
    assert re.search(r'<textarea id="conflict-draft" readonly>Trả lời.</textarea>', text)


def test_a_case_transferred_away_meanwhile_is_a_conflict_not_a_refusal(officer, head, app):
    _in_progress(app, officer.reference)
    officer_page = officer.page()
    with app.app_context():
        bhxh = unit("BHXH").id
    head.post("transfer", "transfer", {"unit": bhxh, "reason": "Thuộc BHXH."})
    response = officer.post("respond", "respond", {"answer": "Bản trả lời dài."}, officer_page)
    text = _fragment(response, 409)
    assert "Thuộc BHXH." in text and "Bản trả lời dài." in text
    # A current form from someone who may not act is plainly refused.
    with app.app_context():
        version = case_by_ref(officer.reference).version
    response = officer.client.post(
        f"/cases/{officer.reference}/note", data={"note-version": version, "note-note": "x"},
        headers={"X-CSRFToken": officer.token, "HX-Request": "true"})
    assert response.status_code == 403


def test_the_page_prints_with_a_header_and_without_forms(officer):
    page = officer.page()
    header = re.search(r'<div class="print-header">.*?</div>', page, re.S).group(0)
    assert "Cục Thuế TP HCM" in header and officer.reference in header
    css = (Path(__file__).resolve().parents[3] / "static" / "css" / "print.css").read_text()
    for hidden in ("nav", "form", ".event-internal", ".site-header"):
        assert hidden in css.split("{ display: none !important; }")[0]


def test_changing_the_kind_in_place_recounts_and_tells_the_timeline(officer, app):
    page = officer.client.get(f"/cases/{officer.reference}?lang=en").get_data(as_text=True)
    assert re.search(r'<dd id="case-kind">Feedback<', page)
    assert re.search(r'<summary>Change the kind</summary>', page)
    assert re.search(r'<option selected value="phan_anh">|<option value="phan_anh" selected', page)
    with app.app_context():
        before = case_by_ref(officer.reference).response_due_at
    response = officer.post("reclassify", "reclassify",
                            {"kind": "khieu_nai", "reason": "Người dân khiếu nại quyết định."})
    text = _fragment(response)
    assert 'id="timeline" hx-swap-oob="true"' in text
    assert re.search(r'<dd id="case-kind">Complaint<', text)
    assert "Feedback → Complaint: Người dân khiếu nại quyết định." in text
    case = officer.case()
    assert ("reclassified", "Người dân khiếu nại quyết định.", False) in case["events"]
    with app.app_context():
        changed = case_by_ref(officer.reference)
        assert changed.kind == "khieu_nai" and changed.response_due_at > before


@pytest.mark.parametrize("fields, error", [
    ({"kind": "kien_nghi", "reason": ""}, "reclassify-reason"),
    ({"kind": "phan_anh", "reason": "Vẫn vậy."}, "reclassify-kind"),
    ({"kind": "bogus", "reason": "Lý do."}, "reclassify-kind"),
])
def test_a_bad_new_kind_is_422_next_to_the_field(officer, fields, error):
    before = officer.case()
    text = _fragment(officer.post("reclassify", "reclassify", fields), 422)
    assert f'id="{error}-error"' in text
    assert officer.case() == before


def test_a_complaint_needs_a_name_so_a_nameless_case_cannot_become_one(app, client, desk):
    bhxh = CasePage(app, client, desk.bhxh, EMAILS["officer_bhxh"])
    text = _fragment(bhxh.post("reclassify", "reclassify",
                               {"kind": "to_cao", "reason": "Tố cáo cán bộ."}), 422)
    assert 'id="reclassify-kind-error"' in text
    assert bhxh.case()["events"][-1][0] != "reclassified"


def test_changing_the_kind_of_a_closed_case_is_409_and_a_stale_form_a_conflict(officer, head):
    page = officer.page()
    head.post("reject", "reject", {"reason": "Trùng lặp."})
    text = _fragment(officer.post("reclassify", "reclassify",
                                  {"kind": "kien_nghi", "reason": "Là kiến nghị."}, page=page), 409)
    assert "Trùng lặp." in text  # the change the officer missed
    text = _fragment(officer.post_current("reclassify", "reclassify",
                                          {"kind": "kien_nghi", "reason": "Là kiến nghị."}), 409)
    assert 'role="alert"' in text
    assert officer.case()["status"] == CaseStatus.REJECTED
