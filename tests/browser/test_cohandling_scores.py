"""Co-handling in the score, in a real browser: an admin weighs it on the campaign form
without JavaScript, and the committee finds the figures on the unit page and, once
weighed, a column in the ranked table that htmx filters in place."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import EMAILS, PASSWORD
from tests.scoring.test_metrics import march  # noqa: F401 - fixture
from tests.scoring.test_score import campaign  # noqa: F401 - fixture
from tests.web.committee.test_scorecards import cohandled  # noqa: F401 - fixture

LABEL = re.compile("Co-handling on time|Phối hợp đúng hạn")


def _sign_in(page, who: str) -> None:
    page.goto("/login")
    page.fill("#email", EMAILS[who])
    page.fill("#password", PASSWORD)
    page.click("#submit")
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_an_admin_weighs_co_handling_without_javascript_and_the_committee_reads_it(
        browser, live_server, cohandled):
    context = browser.new_context(locale="vi-VN", base_url=live_server, java_script_enabled=False)
    try:
        admin = context.new_page()
        _sign_in(admin, "admin")
        admin.goto(f"/campaigns/{cohandled.id}/edit")
        assert admin.input_value("#weight_cohandling") == "0"
        admin.fill("#weight_cohandling", "5")
        admin.click("#submit")
        # 105 in all: refused next to the weights, nothing saved.
        expect(admin.locator(".error").first).to_be_visible()
        admin.fill("#weight_works", "10")
        admin.fill("#weight_cohandling", "5")
        admin.click("#submit")
        expect(admin).to_have_url(re.compile(rf"/campaigns/{cohandled.id}$"))
    finally:
        context.close()

    context = browser.new_context(locale="vi-VN", base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        _sign_in(page, "committee")
        # The save recomputed the scores (inline without Redis): the component now counts.
        page.goto(f"/scorecards/units/BHXH?campaign={cohandled.id}&period=2026-03")
        expect(page.locator("#figure-contributions-asked")).to_have_text("8")
        expect(page.locator("#figure-contributions-declined")).to_have_text("2")
        expect(page.locator("#figure-contributions-rate")).to_contain_text("(3/7)")
        expect(page.locator("#how-heading ~ dl dt", has_text=LABEL)).to_contain_text("5")
    finally:
        context.close()


def test_the_weighed_column_stays_when_htmx_filters_the_table(page, db, cohandled):
    from app.scoring import snapshots
    from tests.scoring.test_metrics import LATER

    cohandled.weight_works, cohandled.weight_cohandling = 10, 5
    db.session.commit()
    for period in snapshots.campaign_periods(cohandled, LATER.date()):
        snapshots.refresh(cohandled, period, LATER)
    db.session.commit()
    _sign_in(page, "committee")
    page.goto(f"/scorecards?campaign={cohandled.id}")
    page.evaluate("window.__stillHere = true")
    page.select_option("#period", "2026-03")
    expect(page).to_have_url(re.compile(r"period=2026-03"))
    expect(page.locator("#scorecard-table thead th", has_text=LABEL)).to_have_count(1)
    bhxh = page.locator("#scorecard-table tbody tr", has_text="Bảo hiểm Xã hội")
    # The score, then five components before co-handling.
    expect(bhxh.locator("td.num").nth(6)).to_have_text("45,5")
    assert page.evaluate("window.__stillHere") is True
    assert page.console_errors == []
