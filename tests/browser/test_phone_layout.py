"""Staff screens at a desk (1280 px) and on a phone (390 px): the queue and the triage table
as cards, no sideways scroll, the case's actions before its timeline, a two-row header,
unit pickers grouped by the organisation tree, and no CSP error after an htmx swap."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Category
from tests.factories import EMAILS, PASSWORD, make_case

WIDTHS = [(1280, 900), (390, 844)]


@pytest.fixture
def sized(page, request):
    width, height = request.param
    page.set_viewport_size({"width": width, "height": height})
    page.width = width
    return page


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page).not_to_have_url(re.compile(r"/login"))


def no_sideways_scroll(page) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= page.width, f"{page.url}: {scroll_width}px wide at {page.width}px"


def csp_errors(page) -> list[str]:
    return [e for e in page.console_errors if "Content Security Policy" in e or "style-src" in e]


def header_rows(page) -> int:
    """How many lines the header's parts take (the brand, the tools, the menu's items)."""
    tops = page.evaluate("""() => [...document.querySelectorAll(
        '.site-header .brand, .site-header .header-tools > *, .site-header .nav li')]
        .map(e => Math.round(e.getBoundingClientRect().top / 8))""")
    return len(set(tops))


@pytest.fixture
def cases(app, world):
    with app.app_context():
        tax = db.session.get(Category, world.tax)
        other = db.session.get(Category, world.other)
        refs = [make_case(tax, title=f"Hỏi về hoàn thuế thu nhập cá nhân năm 2025 số {n}").reference
                for n in range(3)]
        waiting = make_case(other, title="Đèn đường hư hỏng trong hẻm", ward="Phường Tân Định")
        db.session.commit()
        return {"tax": refs, "waiting": waiting.reference}


@pytest.mark.parametrize("sized", WIDTHS, indirect=True, ids=["1280", "390"])
def test_the_queue_as_table_or_cards(sized, cases):
    page = sized
    sign_in(page, EMAILS["officer_thue"])
    page.goto("/cases")
    first = page.locator("table.cases tbody tr").first
    expect(first).to_be_visible()
    no_sideways_scroll(page)
    title = first.locator(".cell-title")
    reference = first.locator(".cell-reference")
    deadline = first.locator(".cell-deadline .badge")
    expect(deadline).to_be_visible()
    if page.width < 640:
        # A card: the title first, above the reference; the deadline badge inside the card.
        assert title.bounding_box()["y"] < reference.bounding_box()["y"]
        card, badge = first.bounding_box(), deadline.bounding_box()
        assert badge["x"] >= card["x"] and badge["x"] + badge["width"] <= card["x"] + card["width"]
        expect(page.locator("table.cases thead")).not_to_be_in_viewport()
        # The filters are folded behind one button; the list starts on the first screen.
        expect(page.locator("#status")).to_be_hidden()
        assert first.bounding_box()["y"] < 844
        assert header_rows(page) <= 2
        page.locator(".filter-fold > summary").click()
        expect(page.locator("#status")).to_be_visible()
    else:
        assert reference.bounding_box()["x"] < title.bounding_box()["x"]  # a table row
        expect(page.locator("#status")).to_be_visible()
        expect(page.locator(".filter-fold > summary")).to_be_hidden()
    # A filter swaps the results with htmx, without a CSP error.
    page.select_option("#deadline", "on_track")
    expect(page.locator("#results")).to_contain_text("Hỏi về hoàn thuế")
    assert csp_errors(page) == []


@pytest.mark.parametrize("sized", WIDTHS, indirect=True, ids=["1280", "390"])
def test_the_case_page_puts_actions_before_the_timeline_on_a_phone(sized, cases, world):
    page = sized
    sign_in(page, EMAILS["officer_thue"])
    page.goto(f"/cases/{cases['tax'][0]}")
    no_sideways_scroll(page)
    panel = page.locator("#status-panel").bounding_box()
    timeline = page.locator("#timeline").bounding_box()
    if page.width < 640:
        assert panel["y"] < timeline["y"]  # one column: the actions first
        assert header_rows(page) <= 2
    else:
        assert panel["x"] > timeline["x"]  # beside the timeline
    # The transfer picker groups the units under their parent unit.
    page.locator("summary", has_text="Chuyển").first.click()
    group = page.locator('#transfer-unit optgroup[label="Đảng ủy Khối"] option')
    expect(group).to_have_text(["Bảo hiểm Xã hội TP HCM"])  # not the unit holding it
    page.select_option("#transfer-unit", str(world.bhxh))
    page.fill("#transfer-reason", "Thuộc lĩnh vực bảo hiểm xã hội.")
    page.locator("#transfer-submit").click()
    # Done in place: the details card names the new unit without a reload.
    expect(page.locator("#case-details")).to_contain_text("Bảo hiểm Xã hội TP HCM")
    expect(page.locator("#timeline")).to_contain_text("Cục Thuế TP HCM → Bảo hiểm Xã hội TP HCM")
    no_sideways_scroll(page)
    assert csp_errors(page) == []


@pytest.mark.parametrize("sized", WIDTHS, indirect=True, ids=["1280", "390"])
def test_the_triage_queue_as_cards_with_grouped_units(sized, cases, world):
    page = sized
    sign_in(page, EMAILS["operator"])
    page.goto("/hotline/triage")
    row = page.locator("table.triage tbody tr").first
    expect(row).to_be_visible()
    no_sideways_scroll(page)
    picker = row.locator("select")
    expect(picker.locator('optgroup[label="Đảng ủy Khối"] option')).to_have_text(
        ["Bảo hiểm Xã hội TP HCM", "Cục Thuế TP HCM"])  # the tree's order (by code), in a group
    expect(picker).to_be_in_viewport()
    if page.width < 640:
        assert header_rows(page) <= 2
        title = row.locator(".cell-title").bounding_box()
        assert title["y"] < row.locator(".cell-reference").bounding_box()["y"]
    picker.select_option(str(world.thue))
    row.locator("button[type=submit], input[type=submit]").click()
    expect(page.locator(".notice-success").first).to_be_visible()
    assert csp_errors(page) == []


@pytest.mark.parametrize("sized", WIDTHS, indirect=True, ids=["1280", "390"])
def test_the_hotline_desk_fits_and_the_earlier_cases_follow_the_phone_field(sized, world):
    page = sized
    sign_in(page, EMAILS["operator"])
    page.goto("/hotline/new")
    no_sideways_scroll(page)
    expect(page.locator("#caller_phone")).to_be_focused()
    order = page.evaluate("""() => [...document.querySelectorAll('#caller_phone, #earlier, #caller_name')]
        .map(e => e.id)""")
    assert order == ["caller_phone", "earlier", "caller_name"]
