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


def test_on_a_phone_the_figures_are_cards_and_the_chart_text_is_readable(app, page, scored):
    from app.core.timeutil import to_local, utcnow
    from app.extensions import db
    from app.scoring import snapshots

    with app.app_context():  # this year's public figures
        snapshots.refresh(None, snapshots.year_period(to_local(utcnow()).year), utcnow())
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/transparency", None):
        if path is None:
            page.goto("/login")
            page.fill("#email", EMAILS["committee"])
            page.fill("#password", PASSWORD)
            page.press("#password", "Enter")
            expect(page).to_have_url(re.compile(r"/cases$"))
            path = f"/scorecards?campaign={scored.id}&period=2026-03"
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        table = page.locator("table.stat-cards").first
        expect(table).to_be_visible()
        # The headings are read out but not shown; each figure carries its own label.
        assert table.locator("thead").bounding_box()["height"] <= 1
        card = table.locator("tbody tr").first
        assert card.bounding_box()["width"] <= 390
        label = card.locator("td[data-label]").first.evaluate(
            "e => getComputedStyle(e, '::before').content")
        assert label.strip('"') == card.locator("td[data-label]").first.get_attribute("data-label")
    page.goto("/transparency")
    # Chart text: at least 12 px as drawn on a 390 px screen.
    sizes = page.evaluate("""() => [...document.querySelectorAll('.chart .tick')]
        .map(t => t.getBoundingClientRect().height)""")
    assert sizes and min(sizes) >= 12, sizes
    assert page.console_errors == []
