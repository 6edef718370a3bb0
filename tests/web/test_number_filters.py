"""Numbers, rates and dates on pages go through one set of filters, in the reader's language."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from app.web.templating import local_date, number, percent


@pytest.mark.parametrize("lang,expected", [
    ("vi", ("84,4", "3", "84,4", "1.234,5", "95,0\u00a0%", "100\u00a0%", "05/01/2023")),
    ("en", ("84.4", "3", "84.4", "1,234.5", "95.0%", "100%", "05/01/2023")),
])
def test_numbers_and_rates_in_each_language(app, lang, expected):
    with app.test_request_context(), force_locale(lang):
        assert (number(84.44), number(3.0, 2), number(84.4, 1, fixed=True), number(1234.5),
                percent(0.95), percent(1, 0), local_date(date(2023, 1, 5))) == expected
        assert number(None) == percent(None) == "—"  # no data is a dash, never 0
        assert number(100.0, 1, fixed=True) == ("100,0" if lang == "vi" else "100.0")


def test_no_template_formats_numbers_by_hand():
    """Scorecard and public pages use the filters, not "%.1f"|format or ~ "%"."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates" / "scorecards"
    for path in root.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "'%.1f'|format" not in text and "%%'|format" not in text, path.name
        assert "'%.2f'|format" not in text and ".strftime(" not in text, path.name
