"""The whole loop in a real browser: a citizen submits, an officer acknowledges and
answers through htmx, the unit head signs the answer off, and the citizen reads it."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import EMAILS, PASSWORD


def test_citizen_to_officer_to_citizen(page, browser, live_server, world):
    # A citizen sends feedback on the web form.
    page.goto("/feedback/new")
    page.select_option("#category", label="Thuế")
    page.fill("#title", "Chưa nhận được hoàn thuế")
    page.fill("#description", "Hồ sơ hoàn thuế TNCN nộp từ tháng 3, đến nay chưa nhận được tiền.")
    page.fill("#ward", "Phường Sài Gòn")
    page.fill("#citizen_email", "congdan@example.vn")
    page.click("button[type=submit], input[type=submit] >> nth=-1")
    expect(page).to_have_url(re.compile(r"/track/[2-9A-Z]{12}$"))
    tracking_url = page.url
    reference = re.search(r"\d{4}-\d{6}", page.locator("h1").inner_text()).group(0)
    expect(page.locator(".tracking-code")).to_have_text(re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$"))
    expect(page.locator("body")).to_contain_text("Cục Thuế TP HCM")

    # An officer of Cục Thuế signs in, in a separate browser context.
    officer_context = browser.new_context(locale="vi-VN", base_url=live_server)
    officer = officer_context.new_page()
    errors: list[str] = []
    officer.on("pageerror", lambda exc: errors.append(str(exc)))
    officer.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    officer.goto("/login")
    officer.fill("#email", EMAILS["officer_thue"])
    officer.fill("#password", PASSWORD)
    officer.press("#password", "Enter")
    expect(officer).to_have_url(re.compile(r"/cases$"))
    officer.click(f"text={reference}")
    expect(officer).to_have_url(re.compile(rf"/cases/{reference}$"))

    # Acknowledge through htmx: the panel changes, the page does not reload.
    officer.evaluate("window.__stillHere = true")
    officer.click("#ack-submit")
    expect(officer.locator("#status-panel .notice-success")).to_be_visible()
    expect(officer.locator("#status-panel .status-in_progress")).to_be_visible()
    assert officer.evaluate("window.__stillHere") is True
    expect(officer.locator("#timeline .event")).to_have_count(3)

    # Answer the citizen, still in place: the answer goes to the unit head for sign-off.
    officer.fill("#respond-answer", "Cục Thuế đã hoàn thuế vào tài khoản của ông/bà ngày 20/3.")
    officer.click("#respond-submit")
    expect(officer.locator("#signoff.signoff-in-review")).to_be_visible()
    assert officer.evaluate("window.__stillHere") is True
    expect(officer.locator("#timeline .event-answer_submitted")).to_have_count(1)
    assert errors == []
    officer_context.close()

    # The unit head approves it, in place too.
    head_context = browser.new_context(locale="vi-VN", base_url=live_server)
    head = head_context.new_page()
    head.on("pageerror", lambda exc: errors.append(str(exc)))
    head.goto("/login")
    head.fill("#email", EMAILS["head_thue"])
    head.fill("#password", PASSWORD)
    head.press("#password", "Enter")
    expect(head).to_have_url(re.compile(r"/cases$"))
    head.goto(f"/cases/{reference}")
    head.click("#approve-submit")
    expect(head.locator("#status-panel .status-responded")).to_be_visible()
    expect(head.locator("#timeline .event-public_reply")).to_have_count(1)
    assert errors == []
    head_context.close()

    # The citizen sees the answer on the tracking page.
    page.goto(tracking_url)
    expect(page.locator(".answer")).to_contain_text("đã hoàn thuế vào tài khoản")
    expect(page.locator(".status-responded").first).to_be_visible()
    assert page.console_errors == []
