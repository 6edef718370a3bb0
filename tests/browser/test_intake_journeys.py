"""Intake journeys in a real browser: the hotline desk by keyboard alone, and a citizen
answering the unit's question and then rating the answer."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from app.cases import lifecycle
from app.cases.lifecycle import Actor
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Case, Category, User
from tests import uploads
from tests.factories import EMAILS, PASSWORD, make_case


def _officer() -> Actor:
    return Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"])))


def _focused(page, element_id: str) -> None:
    expect(page.locator(f"#{element_id}")).to_be_focused()


def test_hotline_desk_by_keyboard_alone(page, app, world):
    # Sign in: the email field has the focus; Tab to the password; Enter.
    page.goto("/login")
    _focused(page, "email")
    page.keyboard.type(EMAILS["operator"])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cases$"))

    page.goto("/hotline/new")
    _focused(page, "caller_phone")
    page.keyboard.type("0912 345 678")
    expect(page.locator("#earlier")).to_contain_text("Số điện thoại này chưa có vụ việc nào trước đây.")
    page.keyboard.press("Tab")
    _focused(page, "caller_name")
    page.keyboard.type("Lê Văn Cường")
    page.keyboard.press("Tab")
    _focused(page, "category_search")
    page.keyboard.type("thue")
    expect(page.locator("#category-choices label")).to_have_text(["Thuế"])
    expect(page.locator("#category-choices input:checked")).to_have_count(1)
    page.keyboard.press("Tab")
    expect(page.locator("#category-choices input:checked")).to_be_focused()
    # The kind: phản ánh by default; the arrow keys move to "hỏi đáp, đề nghị hướng dẫn".
    page.keyboard.press("Tab")
    expect(page.locator("#kind input:checked")).to_be_focused()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#kind input:checked")).to_have_value("hoi_dap")
    page.keyboard.press("Tab")
    _focused(page, "title")
    page.keyboard.press("Tab")
    _focused(page, "description")
    page.keyboard.type("Chưa nhận được tiền hoàn thuế thu nhập cá nhân năm 2025.")
    page.keyboard.press("Tab")
    _focused(page, "ward")
    page.keyboard.type("Phường Sài Gòn")
    page.keyboard.press("Enter")

    # Saved: the codes are shown large, and the form is ready for the next call.
    expect(page.locator("#saved-reference")).to_have_text(re.compile(r"^\d{4}-\d{6}$"))
    expect(page.locator("#saved-code")).to_have_text(
        re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$"))
    expect(page.locator(".saved-case")).to_contain_text("Cục Thuế TP HCM")
    _focused(page, "caller_phone")
    expect(page.locator("#caller_phone")).to_have_value("")
    reference = page.locator("#saved-reference").inner_text()
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert (case.channel, case.category.code, case.citizen_phone) == (
            "hotline", "THUE", "+84912345678")
        assert case.created_by.email == EMAILS["operator"]
        assert case.title == "Chưa nhận được tiền hoàn thuế thu nhập cá nhân năm 2025."

    # The next call from the same number sees that case while typing.
    page.keyboard.type("+84 912 345 678")
    expect(page.locator("#earlier")).to_contain_text(reference)
    assert page.console_errors == []


def test_citizen_answers_the_question_then_rates_the_answer(page, app, world):
    start = utcnow() - timedelta(hours=5)
    with app.app_context():
        officer = _officer()
        case = make_case(db.session.get(Category, world.tax), now=start)
        lifecycle.acknowledge(case, officer, start + timedelta(hours=1))
        lifecycle.ask_citizen(case, officer, "Ông/bà cho biết số hồ sơ hoàn thuế?",
                             start + timedelta(hours=2))
        db.session.commit()
        code, case_id = case.tracking_code, case.id

    page.goto(f"/track/{code}")
    expect(page.locator("#question")).to_contain_text("Ông/bà cho biết số hồ sơ hoàn thuế?")
    page.fill("#reply-message", "Số hồ sơ là HT-2025-0042.")
    page.set_input_files("#reply-attachments", files=[
        {"name": "giay-hen.jpg", "mimeType": "image/jpeg", "buffer": uploads.jpeg_with_gps()}])
    page.click("#reply-submit")
    expect(page).to_have_url(re.compile(rf"/track/{code}$"))
    expect(page.locator(".notice-success")).to_contain_text("Thông tin bổ sung đã được gửi")
    expect(page.locator("#question")).to_have_count(0)
    expect(page.locator(".timeline")).to_contain_text("Số hồ sơ là HT-2025-0042.")
    expect(page.locator(".files")).to_contain_text("giay-hen.jpg")

    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.status == "in_progress"
        lifecycle.respond(case, _officer(), "Cục Thuế đã hoàn thuế vào tài khoản của ông/bà.",
                         utcnow(), signed_off=True)
        db.session.commit()

    page.reload()
    expect(page.locator(".answer")).to_contain_text("đã hoàn thuế vào tài khoản")
    page.check("#rate-rating-1")  # the second choice: 4 — satisfied
    page.fill("#rate-comment", "Giải quyết nhanh, cảm ơn.")
    page.click("#rate-submit")
    expect(page.locator(".notice-success")).to_contain_text("Cảm ơn ông/bà đã đánh giá.")
    expect(page.locator(".status-closed").first).to_be_visible()
    expect(page.locator("#rate")).to_have_count(0)
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert (case.status, case.satisfaction, case.satisfaction_comment) == (
            "closed", 4, "Giải quyết nhanh, cảm ơn.")
    assert page.console_errors == []


def test_the_hotline_desk_asks_the_chosen_fields_questions(page, app, world):
    from app.intake.attributes import answers_for
    from tests.factories import make_question

    with app.app_context():
        tax = db.session.get(Category, world.tax)
        make_question(tax, "NGAY", "datetime", 1, required=True)
        db.session.commit()
    page.goto("/login")
    page.fill("#email", EMAILS["operator"])
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page).to_have_url(re.compile(r"/cases$"))
    page.goto("/hotline/new")
    page.fill("#caller_name", "Lê Văn Cường")
    # Several fields match: no questions until one is chosen; choosing Thuế brings its own.
    page.locator("#category_search").press_sequentially("h")
    expect(page.locator("#category-choices input")).not_to_have_count(1)
    expect(page.locator("#attribute-NGAY")).to_have_count(0)
    page.check(f"#category-{world.tax}")
    expect(page.locator("#attribute-NGAY")).to_be_visible()
    # Typing words that match one field chooses it and asks its questions at once.
    page.fill("#category_search", "")
    expect(page.locator("#attribute-NGAY")).to_have_count(0)
    page.locator("#category_search").press_sequentially("thue")
    expect(page.locator("#attribute-NGAY")).to_be_visible()
    expect(page.locator("#attribute-NGAY-hint")).to_contain_text("02/03/2026")
    page.fill("#description", "Chưa nhận được tiền hoàn thuế thu nhập cá nhân năm 2025.")
    page.fill("#attribute-NGAY", "31/02/2026")
    page.click("input.button-primary[type=submit]")
    # No way to reach the caller yet, and a date that does not exist: both are said at once.
    expect(page.locator("#attribute-NGAY-error")).to_be_visible()
    expect(page.locator("#attribute-NGAY")).to_have_attribute("aria-invalid", "true")
    page.fill("#caller_phone", "0912 345 678")
    page.fill("#attribute-NGAY", "02/03/2026 09:30")
    page.click("input.button-primary[type=submit]")
    expect(page.locator("#saved-reference")).to_have_text(re.compile(r"^\d{4}-\d{6}$"))
    reference = page.locator("#saved-reference").inner_text()
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert [(q.code, v) for q, v in answers_for(case)] == [
            ("NGAY", ["2026-03-02T09:30:00+07:00"])]
    # The 422 of the refused form is the only message in the console.
    assert [e for e in page.console_errors if "422" not in e] == []
