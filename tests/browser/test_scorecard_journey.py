"""Scorecards in a real browser: htmx filters keep the URL, and an export is polled to its end."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import EMAILS, PASSWORD
from tests.scoring.test_metrics import march  # noqa: F401 - fixture
from tests.scoring.test_score import campaign  # noqa: F401 - fixture
from tests.web.committee.test_scorecards import scored  # noqa: F401 - fixture


def test_filter_in_place_and_export(page, scored):
    page.goto("/login")
    page.fill("#email", EMAILS["committee"])
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page).to_have_url(re.compile(r"/cases$"))
    page.goto("/scorecards")
    page.evaluate("window.__stillHere = true")
    page.select_option("#period", "2026-03")
    expect(page).to_have_url(re.compile(r"period=2026-03"))
    expect(page.locator("#scorecard-table tbody tr").first).to_contain_text("Bảo hiểm Xã hội")
    assert page.evaluate("window.__stillHere") is True

    page.click("#export-scorecard button[type=submit]")
    link = page.locator("#export-scorecard a.button")
    expect(link).to_be_visible(timeout=10000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert page.evaluate("window.__stillHere") is True
    assert page.console_errors == []
