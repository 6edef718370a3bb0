"""Co-handling in a real browser, with htmx and with JavaScript disabled: the unit head of
Cục Thuế asks two units for input, each contributes (one with a file), the head reads both
and answers the citizen once."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.cases import lifecycle
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Category, Role, Unit
from tests.browser.test_workspace import script_errors, sign_in
from tests.factories import EMAILS, make_case, make_unit, make_user
from tests.uploads import png
from tests.workspace import staff

OFFICER_TNMT = "officer.tnmt@test.vn"


@pytest.fixture
def reference(app, world):
    """A tax case Cục Thuế took up an hour ago, and a third unit with an officer."""
    with app.app_context():
        make_user(OFFICER_TNMT, Role.OFFICER, make_unit(
            "TNMT", "Sở Tài nguyên và Môi trường", db.session.get(Unit, world.root)))
        case = make_case(db.session.get(Category, world.tax), title="Thuế đất của hộ gia đình",
                         description="Tiền thuế đất năm nay tăng gấp đôi.",
                         citizen_name="Trần Thị Bình", citizen_phone="+84901234567",
                         now=utcnow() - timedelta(hours=2))
        lifecycle.acknowledge(case, staff("officer_thue"), utcnow() - timedelta(hours=1))
        db.session.commit()
        return case.reference


def _context(browser, live_server, js: bool):
    return browser.new_context(locale="vi-VN", base_url=live_server, java_script_enabled=js)


def _ask(page, unit_label: str, question: str) -> None:
    page.click("#cohandling details.action-fold > summary")
    page.select_option("#cohandling-unit", label=unit_label)
    page.fill("#cohandling-question", question)
    page.click("form.cohandling-ask input[type=submit]")


def _contribute(page, reference: str, text: str, file=None) -> None:
    page.goto("/cases?scope=asked")
    page.click(f'a[href="/cases/{reference}"]')
    expect(page.locator(".cohandling-asked")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("+84901234567")
    page.fill("#contribute-text", text)
    if file:
        page.set_input_files("#contribute-files", files=[file])
    page.click("form.cohandling-contribute input[type=submit]")
    expect(page.locator(".cohandling-asked")).to_have_count(0)
    expect(page.locator("#cohandling")).to_contain_text(text)


@pytest.mark.parametrize("js", [True, False], ids=["htmx", "no-js"])
def test_the_lead_asks_two_units_and_answers_once(browser, live_server, reference, js):
    contexts = [_context(browser, live_server, js) for _ in range(3)]
    head, bhxh, tnmt = (context.new_page() for context in contexts)
    for page in (head, bhxh, tnmt):
        page.console_errors = []
        page.on("pageerror", lambda exc, page=page: page.console_errors.append(str(exc)))
    try:
        sign_in(head, EMAILS["head_thue"])
        head.goto(f"/cases/{reference}")
        _ask(head, "Bảo hiểm Xã hội TP HCM", "Cho biết người dân có đang hưởng BHXH không.")
        expect(head.locator('[data-unit="BHXH"][data-status="open"]')).to_be_visible()
        _ask(head, "Sở Tài nguyên và Môi trường", "Cho biết giá đất áp dụng cho thửa đất.")
        expect(head.locator('[data-unit="TNMT"][data-status="open"]')).to_be_visible()
        if js:  # answered in place: the page was never reloaded
            expect(head).to_have_url(re.compile(rf"/cases/{reference}$"))

        sign_in(bhxh, EMAILS["officer_bhxh"])
        _contribute(bhxh, reference, "Người dân đang hưởng lương hưu từ 2024.",
                    {"name": "xac-nhan.png", "mimeType": "image/png", "buffer": png()})
        expect(bhxh.locator("#cohandling")).to_contain_text("xac-nhan.png")
        sign_in(tnmt, OFFICER_TNMT)
        _contribute(tnmt, reference, "Giá đất theo bảng giá năm 2026 của Thành phố.")
        expect(tnmt.locator("#cohandling")).not_to_contain_text("hưởng lương hưu")

        head.goto(f"/cases/{reference}")
        expect(head.locator('[data-unit="BHXH"][data-status="answered"]')).to_contain_text(
            "Người dân đang hưởng lương hưu từ 2024.")
        expect(head.locator('[data-unit="BHXH"] a:has-text("xac-nhan.png")')).to_be_visible()
        expect(head.locator('[data-unit="TNMT"][data-status="answered"]')).to_contain_text(
            "Giá đất theo bảng giá năm 2026")
        head.fill("#respond-answer", "Cục Thuế đã tổng hợp ý kiến của BHXH và Sở Tài nguyên "
                                     "và Môi trường: tiền thuế đất được tính đúng.")
        head.click("#respond-submit")
        expect(head.locator("#status-panel")).to_contain_text("tiền thuế đất được tính đúng")
        for page in (head, bhxh, tnmt):
            assert script_errors(page) == []
    finally:
        for context in contexts:
            context.close()
