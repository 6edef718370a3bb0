"""The officer's side: sign-in, the unit's queue, the case page and its two actions."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus, Category
from tests.conftest import csrf_token
from tests.factories import EMAILS, make_case


@pytest.fixture
def tax_case(app, world) -> str:
    """A case routed to Cục Thuế; returns its reference."""
    with app.app_context():
        case = make_case(db.session.get(Category, world.tax), citizen_phone="+84901234567",
                         citizen_name="Trần Thị Bình")
        db.session.commit()
        return case.reference


def _case(app, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        db.session.expunge(case)
        return case


def _version(page_text: str) -> str:
    return re.search(r'name="\w+-version" type="hidden" value="(\d+)"', page_text).group(1)


def test_login_wrong_password_is_refused(client, auth, world):
    response = auth.login(EMAILS["officer_thue"], "wrong password")
    assert response.status_code == 422
    assert client.get("/cases").status_code == 302


def test_login_redirects_to_the_queue_and_logout_is_post_only(client, auth, world):
    response = auth.login(EMAILS["officer_thue"])
    assert response.status_code == 303 and response.headers["Location"] == "/cases"
    assert client.get("/logout").status_code == 405
    assert client.get("/cases").status_code == 200
    assert auth.logout().status_code == 303
    assert client.get("/cases").status_code == 302


def test_login_ignores_an_external_next(client, world):
    token = csrf_token(client, "/login")
    response = client.post("/login?next=https://evil.example/x",
                           data={"csrf_token": token, "email": EMAILS["officer_thue"],
                                 "password": "correct horse battery"})
    assert response.headers["Location"] == "/cases"


def test_anonymous_visitors_are_sent_to_login(client, tax_case):
    for path in ("/cases", f"/cases/{tax_case}"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_queue_lists_only_the_unit_cases(app, client, auth, world, tax_case):
    with app.app_context():
        other = make_case(db.session.get(Category, world.insurance), title="Sổ BHXH chưa chốt")
        db.session.commit()
        other_ref = other.reference
    auth.login(EMAILS["officer_thue"])
    text = client.get("/cases").get_data(as_text=True)
    assert tax_case in text and other_ref not in text
    auth.logout()
    auth.login(EMAILS["officer_bhxh"])
    text = client.get("/cases").get_data(as_text=True)
    assert other_ref in text and tax_case not in text


def test_committee_reads_every_case(client, auth, tax_case):
    auth.login(EMAILS["committee"])
    assert tax_case in client.get("/cases").get_data(as_text=True)
    page = client.get(f"/cases/{tax_case}")
    assert page.status_code == 200
    # Read-only: no action forms for the committee.
    assert "/acknowledge" not in page.get_data(as_text=True)


def test_officer_of_another_unit_gets_404(client, auth, tax_case):
    auth.login(EMAILS["officer_bhxh"])
    assert client.get(f"/cases/{tax_case}").status_code == 404
    token = csrf_token(client, "/cases")
    response = client.post(f"/cases/{tax_case}/acknowledge", data={"csrf_token": token,
                                                                    "ack-version": "1"})
    assert response.status_code == 404


def test_committee_cannot_act(app, client, auth, tax_case):
    auth.login(EMAILS["committee"])
    token = csrf_token(client, "/cases")
    version = _case(app, tax_case).version
    response = client.post(f"/cases/{tax_case}/acknowledge",
                           data={"csrf_token": token, "ack-version": version})
    assert response.status_code == 403
    assert _case(app, tax_case).status == CaseStatus.ASSIGNED


def test_case_page_shows_contact_to_the_unit(client, auth, tax_case):
    auth.login(EMAILS["officer_thue"])
    text = client.get(f"/cases/{tax_case}").get_data(as_text=True)
    assert "Trần Thị Bình" in text
    # Written as people write it, dialled as stored.
    assert '<a href="tel:+84901234567">0901 234 567</a>' in text


def test_acknowledge_and_respond_with_htmx_update_the_panel_in_place(app, client, auth, tax_case):
    auth.login(EMAILS["head_thue"])  # the unit head answers without a sign-off
    page = client.get(f"/cases/{tax_case}").get_data(as_text=True)
    token = csrf_token(client, f"/cases/{tax_case}")
    htmx = {"HX-Request": "true", "X-CSRFToken": token}
    response = client.post(f"/cases/{tax_case}/acknowledge", data={"ack-version": _version(page)},
                           headers=htmx)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert 'id="status-panel"' in fragment and "<html" not in fragment
    assert 'id="timeline" hx-swap-oob="true"' in fragment
    assert _case(app, tax_case).status == CaseStatus.IN_PROGRESS

    response = client.post(f"/cases/{tax_case}/respond",
                           data={"respond-version": _version(fragment), "respond-answer": "Đã hoàn thuế cho ông/bà."},
                           headers=htmx)
    assert response.status_code == 200
    case = _case(app, tax_case)
    assert case.status == CaseStatus.RESPONDED and case.public_answer == "Đã hoàn thuế cho ông/bà."
    citizen_page = client.get(f"/track/{case.tracking_code}").get_data(as_text=True)
    assert "Đã hoàn thuế cho ông/bà." in citizen_page


def test_actions_work_without_javascript(app, client, auth, tax_case):
    auth.login(EMAILS["officer_thue"])
    page = client.get(f"/cases/{tax_case}").get_data(as_text=True)
    token = csrf_token(client, f"/cases/{tax_case}")
    response = client.post(f"/cases/{tax_case}/acknowledge",
                           data={"csrf_token": token, "ack-version": _version(page)})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cases/{tax_case}"
    assert _case(app, tax_case).status == CaseStatus.IN_PROGRESS


def test_empty_answer_is_422_next_to_the_field(app, client, auth, tax_case):
    auth.login(EMAILS["officer_thue"])
    page = client.get(f"/cases/{tax_case}").get_data(as_text=True)
    token = csrf_token(client, f"/cases/{tax_case}")
    client.post(f"/cases/{tax_case}/acknowledge", data={"csrf_token": token,
                                                         "ack-version": _version(page)})
    page = client.get(f"/cases/{tax_case}").get_data(as_text=True)
    response = client.post(f"/cases/{tax_case}/respond", data={
        "csrf_token": token, "respond-version": _version(page), "respond-answer": "   "},
        headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'id="respond-answer-error"' in response.get_data(as_text=True)
    assert _case(app, tax_case).status == CaseStatus.IN_PROGRESS


def test_illegal_transition_is_refused_with_a_message(app, client, auth, tax_case):
    auth.login(EMAILS["officer_thue"])
    token = csrf_token(client, f"/cases/{tax_case}")
    version = _case(app, tax_case).version
    # Responding before acknowledging is not a legal move.
    response = client.post(f"/cases/{tax_case}/respond", data={
        "csrf_token": token, "respond-version": version, "respond-answer": "Trả lời sớm"})
    assert response.status_code == 409
    assert 'role="alert"' in response.get_data(as_text=True)
    case = _case(app, tax_case)
    assert case.status == CaseStatus.ASSIGNED and case.public_answer is None


def test_stale_form_gets_409_and_keeps_the_typed_answer(app, client, auth, tax_case):
    auth.login(EMAILS["officer_thue"])
    page = client.get(f"/cases/{tax_case}").get_data(as_text=True)
    token = csrf_token(client, f"/cases/{tax_case}")
    client.post(f"/cases/{tax_case}/acknowledge", data={"csrf_token": token,
                                                         "ack-version": _version(page)})
    stale = _version(page)  # the version before the acknowledgment
    response = client.post(f"/cases/{tax_case}/respond", data={
        "csrf_token": token, "respond-version": stale, "respond-answer": "Câu trả lời đã soạn kỹ"},
        headers={"HX-Request": "true"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Câu trả lời đã soạn kỹ" in text
    assert _version(text) == str(_case(app, tax_case).version)
    assert _case(app, tax_case).public_answer is None


def test_operator_and_admin_roles(client, auth, app, world, tax_case):
    auth.login(EMAILS["operator"])
    # The operator did not take this case in and it is routed: not theirs.
    assert client.get(f"/cases/{tax_case}").status_code == 404
    auth.logout()
    auth.login(EMAILS["admin"])
    assert client.get(f"/cases/{tax_case}").status_code == 200


def test_queue_paginates(app, client, auth, world):
    with app.app_context():
        category = db.session.get(Category, world.tax)
        for i in range(30):
            make_case(category, title=f"Hồ sơ {i}")
        db.session.commit()
    auth.login(EMAILS["officer_thue"])
    first = client.get("/cases").get_data(as_text=True)
    assert first.count('href="/cases/20') == 25
    second = client.get("/cases?page=2").get_data(as_text=True)
    assert second.count('href="/cases/20') == 5
    assert client.get("/cases?page=99").status_code == 200


def test_the_sign_in_prompt_is_in_the_visitors_language(client, tax_case):
    client.get(f"/cases/{tax_case}?lang=vi")
    page = client.get("/login").get_data(as_text=True)
    assert "Vui lòng đăng nhập để xem trang này." in page and "Please log in" not in page
