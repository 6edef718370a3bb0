"""The officer's workspace in a real browser: search as you type, actions in place,
two officers on one case, and the printed page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.cases import lifecycle
from app.extensions import db
from app.models import Category
from tests.factories import EMAILS, MONDAY_9AM, PASSWORD, make_case
from tests.workspace import HOUR, staff


def script_errors(page) -> list[str]:
    """Console errors, leaving out the browser's notes on the 409 and 422 answers we expect."""
    return [e for e in page.console_errors if "Failed to load resource" not in e]


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page).to_have_url(re.compile(r"/cases$"))


@pytest.fixture
def cases(app, world):
    """A flooded street, a tax refund (in progress) and two more tax cases; returns references."""
    with app.app_context():
        tax = db.session.get(Category, world.tax)
        flood = make_case(tax, title="Ngập nước đường Nguyễn Hữu Cảnh",
                          description="Mưa lớn là ngập sâu.")
        refund = make_case(tax, title="Chưa nhận được hoàn thuế", description="Đã nộp hồ sơ.")
        lifecycle.acknowledge(refund, staff("officer_thue"), MONDAY_9AM + HOUR)
        make_case(tax, title="Hóa đơn điện tử bị từ chối", description="Lỗi cấp mã.")
        make_case(tax, title="Tra cứu mã số thuế", description="Trang báo lỗi.")
        db.session.commit()
        return {"flood": flood.reference, "refund": refund.reference}


def test_search_as_you_type_without_accents(page, cases):
    sign_in(page, EMAILS["officer_thue"])
    expect(page.locator("table.cases tbody tr")).to_have_count(4)
    page.evaluate("window.__stillHere = true")
    page.locator("#q").press_sequentially("ngap nuoc", delay=40)
    expect(page.locator("table.cases tbody tr")).to_have_count(1)
    expect(page.locator("table.cases")).to_contain_text("Ngập nước đường Nguyễn Hữu Cảnh")
    expect(page).to_have_url(re.compile(r"/cases\?.*q=ngap(\+|%20)nuoc"))
    expect(page.locator("#results-summary")).to_contain_text("1 vụ việc")
    assert page.evaluate("window.__stillHere") is True  # no page load: htmx swapped the results
    # A filter narrows further; the back button brings the earlier view back.
    page.select_option("#deadline", "on_track")
    expect(page.locator("table.cases")).to_have_count(0)
    page.go_back()
    expect(page.locator("table.cases tbody tr")).to_have_count(1)
    expect(page.locator("#q")).to_have_value("ngap nuoc")
    assert script_errors(page) == []


def test_an_action_updates_the_page_in_place(page, cases):
    sign_in(page, EMAILS["officer_thue"])
    page.goto(f"/cases/{cases['flood']}")
    page.evaluate("window.__stillHere = true")
    page.fill("#note-note", "Đã gọi điện cho công dân, hẹn gặp thứ Ba.")
    page.click("#ack-submit")  # the note's draft survives the acknowledgment
    expect(page.locator("#status-panel .status-in_progress")).to_be_visible()
    expect(page.locator("#note-note")).to_have_value("Đã gọi điện cho công dân, hẹn gặp thứ Ba.")
    page.click("#note-submit")
    expect(page.locator("#timeline .event-internal")).to_contain_text("hẹn gặp thứ Ba")
    expect(page.locator("#status-panel .notice-success")).to_be_visible()
    expect(page.locator("#note-note")).to_have_value("")
    # Bad input: the error appears next to the field, in place.
    page.click("summary:has-text('Chuyển đơn vị xử lý')")
    page.click("#transfer-submit")
    expect(page.locator("#transfer-reason-error")).to_be_visible()
    assert page.evaluate("window.__stillHere") is True
    assert script_errors(page) == []


def test_two_officers_on_one_case(page, browser, live_server, cases):
    sign_in(page, EMAILS["officer_thue"])
    page.goto(f"/cases/{cases['refund']}")
    page.fill("#respond-answer", "Cục Thuế đã hoàn thuế vào tài khoản của ông/bà ngày 20/3.")

    head_context = browser.new_context(locale="vi-VN", base_url=live_server)
    head = head_context.new_page()
    sign_in(head, EMAILS["head_thue"])
    head.goto(f"/cases/{cases['refund']}")
    head.select_option("#assign-officer", label="head.thue")
    head.click("#assign-submit")
    expect(head.locator("#status-panel .notice-success")).to_be_visible()
    head_context.close()

    page.click("#respond-submit")
    conflict = page.locator("#status-panel .conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("head.thue")
    expect(page.locator("#respond-answer")).to_have_value(
        "Cục Thuế đã hoàn thuế vào tài khoản của ông/bà ngày 20/3.")
    expect(page.locator("#timeline .event-assigned")).to_have_count(1)
    # Having seen the change, the officer sends the same answer deliberately (to the unit
    # head, who signs it off).
    page.click("#respond-submit")
    expect(page.locator("#signoff.signoff-in-review")).to_contain_text("ngày 20/3.")
    assert script_errors(page) == []


def test_the_case_prints_without_forms_or_internal_notes(page, cases):
    sign_in(page, EMAILS["officer_thue"])
    page.goto(f"/cases/{cases['refund']}")
    page.fill("#note-note", "Ghi chú nội bộ không được in.")
    page.click("#note-submit")
    expect(page.locator("#timeline .event-internal")).to_have_count(1)
    page.emulate_media(media="print")
    expect(page.locator(".print-header")).to_be_visible()
    expect(page.locator(".print-header")).to_contain_text("Cục Thuế TP HCM")
    expect(page.locator(".print-header")).to_contain_text(cases["refund"])
    expect(page.locator("#timeline .event-internal")).to_be_hidden()
    expect(page.locator("#timeline .event-public").first).to_be_visible()
    expect(page.locator("#status-panel form").first).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
