"""An answer signed off in a real browser, with htmx and with JavaScript disabled: the officer
sends it, the unit head returns it with a comment, the officer finds it among the drafts
returned and sends it again, the head approves it, and the citizen reads it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.cases import lifecycle
from app.extensions import db
from app.models import Category
from tests.factories import EMAILS, MONDAY_9AM, PASSWORD, make_case
from tests.workspace import HOUR, staff


@pytest.fixture
def refund(app, world):
    """A tax refund case Cục Thuế's officer has taken up; its reference and tracking code."""
    with app.app_context():
        case = make_case(db.session.get(Category, world.tax), title="Chưa nhận được hoàn thuế",
                         description="Đã nộp hồ sơ hoàn thuế từ tháng 3.")
        lifecycle.acknowledge(case, staff("officer_thue"), MONDAY_9AM + HOUR)
        db.session.commit()
        return case.reference, case.tracking_code


def _tab(browser, live_server, email: str | None, js: bool):
    context = browser.new_context(locale="vi-VN", base_url=live_server, java_script_enabled=js)
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda msg: msg.type == "error" and "Failed to load resource" not in msg.text
           and tab.console_errors.append(msg.text))
    if email:
        tab.goto("/login")
        tab.fill("#email", email)
        tab.fill("#password", PASSWORD)
        tab.click("#submit")
        expect(tab).to_have_url(re.compile(r"/cases$"))
    return tab


@pytest.mark.parametrize("js", [True, False], ids=["htmx", "no-javascript"])
def test_an_answer_is_returned_then_approved_and_published(browser, live_server, refund, js):
    reference, code = refund
    officer = _tab(browser, live_server, EMAILS["officer_thue"], js)
    head = _tab(browser, live_server, EMAILS["head_thue"], js)
    if js:
        officer.goto(f"/cases/{reference}")
        officer.evaluate("window.__stillHere = true")
    else:
        officer.goto(f"/cases/{reference}")

    # The officer sends the answer for sign-off.
    officer.fill("#respond-answer", "Cục Thuế đã nhận hồ sơ của ông/bà.")
    officer.click("#respond-submit")
    expect(officer.locator("#signoff.signoff-in-review")).to_contain_text(
        "Cục Thuế đã nhận hồ sơ của ông/bà.")
    expect(officer.locator("#respond-answer")).to_have_count(0)
    if js:
        assert officer.evaluate("window.__stillHere") is True

    # The head finds it waiting and returns it with a comment.
    head.goto("/cases")
    expect(head.locator("[data-view-count=review_waiting]")).to_have_text("1")
    head.click("a[href='/cases?review=waiting']")
    head.click(f"a[href='/cases/{reference}']")
    expect(head.locator("#approve-answer")).to_have_value("Cục Thuế đã nhận hồ sơ của ông/bà.")
    head.fill("#return-comment", "Nêu rõ thời hạn giải quyết.")
    head.click("#return-submit")
    expect(head.locator("#signoff.signoff-returned")).to_contain_text("Nêu rõ thời hạn giải quyết.")

    # The officer sees it among the drafts returned, rewrites it and sends it again.
    officer.goto("/cases")
    officer.click("a[href='/cases?review=returned']")
    expect(officer.locator("table.cases tbody tr")).to_have_count(1)
    expect(officer.locator("table.cases .review-returned")).to_be_visible()
    officer.click(f"a[href='/cases/{reference}']")
    expect(officer.locator("#signoff")).to_contain_text("Nêu rõ thời hạn giải quyết.")
    expect(officer.locator("#respond-answer")).to_have_value("Cục Thuế đã nhận hồ sơ của ông/bà.")
    officer.fill("#respond-answer", "Hồ sơ của ông/bà được giải quyết trong 05 ngày làm việc.")
    officer.click("#respond-submit")
    expect(officer.locator("#signoff.signoff-in-review")).to_be_visible()

    # The head approves it with its reply document.
    head.goto(f"/cases/{reference}")
    expect(head.locator("#approve-answer")).to_have_value(
        "Hồ sơ của ông/bà được giải quyết trong 05 ngày làm việc.")
    head.click(".action-approve_answer details.reply-document summary")
    head.fill("#approve-doc_number", "130/CT-TTHT")
    head.fill("#approve-doc_signer", "Lê Minh Trưởng")
    head.click("#approve-submit")
    expect(head.locator("#status-panel .status-responded")).to_be_visible()
    expect(head.locator("#signoff")).to_have_count(0)

    # The citizen reads the answer and its document, nothing of the draft or the comment.
    citizen = _tab(browser, live_server, None, js)
    citizen.goto(f"/track/{code}")
    answer = citizen.locator("section.answer")
    expect(answer).to_contain_text("Hồ sơ của ông/bà được giải quyết trong 05 ngày làm việc.")
    expect(answer).to_contain_text("130/CT-TTHT")
    expect(answer).to_contain_text("Lê Minh Trưởng")
    expect(citizen.locator("body")).not_to_contain_text("Nêu rõ thời hạn giải quyết.")
    expect(citizen.locator("body")).not_to_contain_text("Cục Thuế đã nhận hồ sơ của ông/bà.")
    for tab in (officer, head, citizen):
        assert tab.console_errors == []
        tab.context.close()
