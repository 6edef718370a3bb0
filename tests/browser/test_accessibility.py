"""axe-core, injected into the system Chromium, over every page of bench/pages.py in both languages.

No serious or critical violation is allowed. axe-core comes from npm (package.json,
`npm ci`); it is evaluated through the DevTools protocol, which the page's
Content-Security-Policy does not apply to.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.pages import PAGES, available
from tests.showcase import make_showcase

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {AXE} is missing: run `npm ci`")
        pytest.skip("axe-core is not installed: run `npm ci`")
    return AXE.read_text(encoding="utf-8")


def _sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_serious_accessibility_violations(app, browser, live_server, axe_source, lang):
    sample = make_showcase(app)
    pages, _notes = available(app, PAGES)
    contexts, problems, checked = {}, [], 0
    try:
        for spec in pages:
            tab = contexts.get(spec.who)
            if tab is None:
                context = browser.new_context(locale="vi-VN", base_url=live_server)
                tab = contexts[spec.who] = context.new_page()
                tab.goto(f"/?lang={lang}")
                if spec.who:
                    _sign_in(tab, getattr(sample, spec.who), sample.password)
            tab.goto(spec.url(sample))
            if spec.form_errors:
                with tab.expect_navigation():
                    tab.click("main form [type=submit]")
                assert tab.locator(".error").count() > 0, spec.name
            assert tab.locator("html").get_attribute("lang") == lang
            tab.evaluate(axe_source)
            for violation in tab.evaluate(RUN_AXE):
                problems.append(f"{spec.name} [{lang}]: {violation['impact']} {violation['id']} "
                                f"({violation['help']}) at {violation['nodes']}")
            checked += 1
    finally:
        for tab in contexts.values():
            tab.context.close()
    assert checked >= 10
    assert problems == [], "\n".join(problems)
