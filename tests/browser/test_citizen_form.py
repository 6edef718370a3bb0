"""The citizen's journey at desktop and phone widths: a form with an error keeps the focus
on the error summary and names the files to choose again; too many bytes are stopped in
the browser, and without script the 413 answer keeps the text; a rating is shown once given."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.cases import lifecycle
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Case, Category
from tests import uploads
from tests.browser.test_intake_journeys import _officer
from tests.factories import make_case

WIDTHS = [(1280, 900), (390, 844)]


def _script_errors(page) -> list[str]:
    """Console errors other than the browser's note of an expected 422 answer."""
    return [e for e in page.console_errors if "status of 422" not in e]


def _fill(page, world, title="Chưa nhận được hoàn thuế"):
    page.check("#kind-0")
    page.select_option("#category", str(world.tax))
    page.fill("#title", title)
    page.fill("#description", "Tôi nộp đề nghị hoàn thuế từ tháng 3 nhưng chưa nhận được tiền.")
    page.fill("#citizen_email", "an@example.vn")


@pytest.mark.parametrize("width,height", WIDTHS)
def test_an_error_moves_the_focus_to_the_summary_and_names_the_files(page, world, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/feedback/new?lang=en")
    expect(page.locator(".required-legend")).to_be_visible()
    expect(page.locator("label[for=title] .required-marker")).to_be_visible()
    _fill(page, world, title="")
    page.set_input_files("#attachments", files=[
        {"name": "cong-van.pdf", "mimeType": "application/pdf", "buffer": uploads.PDF}])
    page.click("#submit")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Give your feedback a short title.")
    expect(page.locator("#dropped-files")).to_contain_text("cong-van.pdf")
    expect(page.locator("#description")).to_have_value(re.compile("chưa nhận được tiền"))
    # The summary's link leads to the field.
    summary.locator("a[href='#title']").click()
    page.fill("#title", "Chưa nhận được hoàn thuế")
    page.click("#submit")
    expect(page).to_have_url(re.compile(r"/track/[A-Z0-9-]+$"))
    assert _script_errors(page) == []


@pytest.mark.parametrize("width,height", WIDTHS)
def test_too_many_bytes_are_stopped_in_the_browser(page, app, world, width, height):
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/feedback/new?lang=en")
    _fill(page, world)
    page.set_input_files("#attachments", files=[
        {"name": "anh.pdf", "mimeType": "application/pdf", "buffer": uploads.PDF + b"0" * 300_000}])
    page.click("#submit")
    expect(page.locator("#attachments-size-error")).to_be_visible()
    expect(page.locator("#attachments")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/feedback/new"))
    assert _script_errors(page) == []


@pytest.mark.parametrize("width,height", WIDTHS)
def test_without_script_a_413_keeps_what_was_typed(browser, live_server, app, world, width, height):
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    context = browser.new_context(java_script_enabled=False, base_url=live_server,
                                  viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto("/feedback/new?lang=en")
        _fill(page, world)
        page.set_input_files("#attachments", files=[
            {"name": "anh.pdf", "mimeType": "application/pdf",
             "buffer": uploads.PDF + b"0" * 300_000}])
        with page.expect_response(re.compile(r"/feedback/new")) as answer:
            page.click("#submit")
        assert answer.value.status == 413
        expect(page.locator("#attachments-error")).to_contain_text("none were received")
        expect(page.locator("#title")).to_have_value("Chưa nhận được hoàn thuế")
        expect(page.locator("#description")).to_have_value(re.compile("chưa nhận được tiền"))
        expect(page.locator("#citizen_email")).to_have_value("an@example.vn")
        page.click("#submit")  # sent again without the file
        expect(page).to_have_url(re.compile(r"/track/[A-Z0-9-]+$"))
    finally:
        context.close()


@pytest.mark.parametrize("width,height", WIDTHS)
def test_a_rating_is_shown_once_given(page, app, world, width, height):
    start = utcnow() - timedelta(hours=5)
    with app.app_context():
        case = make_case(db.session.get(Category, world.tax), now=start)
        lifecycle.acknowledge(case, _officer(), start + timedelta(hours=1))
        lifecycle.respond(case, _officer(), "Cục Thuế đã kiểm tra và trả lời.", start + timedelta(hours=2),
                          signed_off=True)
        db.session.commit()
        code, case_id = case.tracking_code, case.id
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/track/{code}?lang=en")
    expect(page.locator("[data-copy]")).to_be_visible()
    expect(page.locator("[data-print]")).to_be_visible()
    expect(page.locator("#reopen-until")).to_be_visible()
    page.check("#rate-rating-3")  # 2 — unsatisfied
    page.click("#rate-submit")
    expect(page.locator("#rating-given")).to_have_text("You rated the answer 2/5.")
    expect(page.locator("#rate")).to_have_count(0)
    expect(page.locator("#reopen")).to_be_visible()
    with app.app_context():
        assert db.session.get(Case, case_id).satisfaction == 2
    assert _script_errors(page) == []
