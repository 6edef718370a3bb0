"""A Khối configured from the browser: an admin adds a unit, a category routed to it and
an officer; the officer sets a password through the one-time link; a citizen's case in
that category reaches the officer's queue."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import EMAILS, PASSWORD

OFFICER_EMAIL = "can.bo@tnmt-q1.gov.vn"
OFFICER_PASSWORD = "sông Sài Gòn mùa nước nổi"


def _option_value(page, select: str, text: str) -> str:
    return page.locator(f"{select} option", has_text=text).first.get_attribute("value")


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    return errors


def test_an_admin_sets_up_a_unit_category_and_officer(page, browser, live_server, world):
    # The administrator signs in and opens the unit tree.
    page.goto("/login")
    page.fill("#email", EMAILS["admin"])
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.goto("/admin/units")

    # A new unit under the Khối's committee.
    page.fill("#new-code", "TNMT-Q1")
    page.fill("#new-name", "Phòng Tài nguyên và Môi trường Quận 1")
    page.fill("#new-name_en", "District 1 Natural Resources and Environment Office")
    page.select_option("#new-parent_id", _option_value(page, "#new-parent_id", "Đảng ủy Khối"))
    page.click("#new-submit")
    expect(page).to_have_url(re.compile(r"/admin/units$"))
    row = page.locator(".admin-row", has_text="TNMT-Q1")
    expect(row).to_be_visible()
    unit_id = row.get_attribute("id").removeprefix("unit-")

    # Its email is added in place, through htmx: the page does not reload.
    page.evaluate("window.__stillHere = true")
    row.get_by_role("link", name=re.compile("TNMT-Q1")).click()
    page.fill(f"#unit{unit_id}-email", "tnmt@q1.gov.vn")
    page.click(f"#unit{unit_id}-submit")
    expect(page.locator(f"#unit-{unit_id}")).to_contain_text("tnmt@q1.gov.vn")
    assert page.evaluate("window.__stillHere") is True

    # A category whose cases go to the new unit.
    page.goto("/admin/categories/new")
    page.fill("#code", "DATDAI")
    page.fill("#name_vi", "Đất đai, môi trường")
    page.fill("#name_en", "Land and environment")
    page.select_option("#default_unit", unit_id)
    page.check("#asks_location")
    page.click("#submit")
    expect(page).to_have_url(re.compile(r"/admin/categories$"))
    expect(page.locator("body")).to_contain_text("Đất đai, môi trường")

    # An officer of the unit; the one-time link is shown once.
    page.goto("/admin/users")
    page.fill("#new-email", OFFICER_EMAIL)
    page.fill("#new-name", "Nguyễn Văn Đất")
    page.select_option("#new-role", "officer")
    page.select_option("#new-unit_id", unit_id)
    page.click("#new-submit")
    link = page.locator(".link-input").input_value()
    assert re.search(r"/password/set/[A-Za-z0-9_-]{40,}$", link)
    path = re.sub(r"^https?://[^/]+", "", link)

    # The officer sets a password through the link, in a browser of their own, and signs in.
    officer_context = browser.new_context(locale="vi-VN", base_url=live_server)
    officer = officer_context.new_page()
    officer_errors = _watch(officer)
    officer.goto(path)
    officer.fill("#new_password", OFFICER_PASSWORD)
    officer.fill("#confirm", OFFICER_PASSWORD)
    officer.click("#submit")
    expect(officer).to_have_url(re.compile(r"/login$"))
    officer.fill("#email", OFFICER_EMAIL)
    officer.fill("#password", OFFICER_PASSWORD)
    officer.press("#password", "Enter")
    expect(officer).to_have_url(re.compile(r"/cases$"))
    expect(officer.locator("h1")).to_contain_text("Phòng Tài nguyên và Môi trường Quận 1")

    # The link does not work a second time.
    assert officer_context.request.get(path).status == 404

    # A citizen files a case in the new category.
    citizen_context = browser.new_context(locale="vi-VN", base_url=live_server)
    citizen = citizen_context.new_page()
    citizen_errors = _watch(citizen)
    citizen.goto("/feedback/new")
    citizen.select_option("#category", label="Đất đai, môi trường")
    citizen.fill("#title", "Đổ trộm xà bần trên đường Hàm Nghi")
    citizen.fill("#description", "Mỗi tối có xe đổ xà bần ra lề đường, bụi và mất vệ sinh.")
    citizen.fill("#ward", "Phường Bến Thành")
    citizen.click("button[type=submit], input[type=submit] >> nth=-1")
    expect(citizen).to_have_url(re.compile(r"/track/[2-9A-Z]{12}$"))
    reference = re.search(r"\d{4}-\d{6}", citizen.locator("h1").inner_text()).group(0)
    expect(citizen.locator("body")).to_contain_text("Phòng Tài nguyên và Môi trường Quận 1")

    # It is in the officer's queue.
    officer.goto("/cases")
    expect(officer.locator("table.cases")).to_contain_text(reference)
    expect(officer.locator("table.cases")).to_contain_text("Đổ trộm xà bần")

    assert officer_errors == [] and citizen_errors == [] and page.console_errors == []
    officer_context.close()
    citizen_context.close()
