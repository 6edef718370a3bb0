"""app/web/htmx.py: which requests get a piece of the page, and the answer that varies on it."""
from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader

from app.web.htmx import is_htmx, render_page_or_partial

HTMX = {"HX-Request": "true"}
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, False),
        (HTMX, True),
        ({"HX-Request": "false"}, False),
        # htmx restoring a page it no longer has in its cache swaps the answer in as the page.
        (HISTORY_RESTORE, False),
    ],
)
def test_only_an_htmx_request_for_a_piece_of_the_page_is_htmx(app, headers, expected):
    with app.test_request_context("/", headers=headers):
        assert is_htmx() is expected


@pytest.fixture
def pages(app):
    """A page and its partial, next to the app's own templates."""
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"test/page.html": "<html>page {{ word }}</html>",
                    "test/_piece.html": "piece {{ word }}",
                    "test/_listing.html": "{{ page }} of {{ partial }}, {{ status }}"}),
        app.jinja_env.loader,
    ])
    return app


@pytest.mark.parametrize(
    ("headers", "body"),
    [({}, "<html>page hello</html>"), (HTMX, "piece hello"), (HISTORY_RESTORE, "<html>page hello</html>")],
)
def test_render_page_or_partial_picks_by_request_and_varies_on_hx_request(pages, headers, body):
    with pages.test_request_context("/", headers=headers):
        response = render_page_or_partial("test/page.html", "test/_piece.html", 422, word="hello")
    assert response.status_code == 422
    assert response.get_data(as_text=True) == body
    assert "HX-Request" in response.vary


def test_the_context_may_use_the_helper_s_own_parameter_names(pages):
    with pages.test_request_context("/", headers=HTMX):
        response = render_page_or_partial("test/page.html", "test/_listing.html",
                                          page=2, partial=5, status="sorted")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "2 of 5, sorted"


def test_a_page_route_answers_with_its_partial_for_htmx(client, auth, world):
    """The scorecard table alone for htmx, the whole page otherwise; caches keep them apart."""
    from tests.factories import EMAILS

    auth.login(EMAILS["committee"])
    page = client.get("/scorecards")
    piece = client.get("/scorecards", headers=HTMX)
    restored = client.get("/scorecards", headers=HISTORY_RESTORE)
    assert page.status_code == piece.status_code == restored.status_code == 200
    assert "<html" in page.get_data(as_text=True) and "<html" in restored.get_data(as_text=True)
    assert "<html" not in piece.get_data(as_text=True)
    assert all("HX-Request" in r.headers["Vary"] for r in (page, piece, restored))
