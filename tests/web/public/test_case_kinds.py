"""The kind of case on the citizen's form and on the tracking page."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case


def _form(client, world, **fields):
    page = client.get("/feedback/new").get_data(as_text=True)
    data = {
        "csrf_token": re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1),
        "submission_token": re.search(r'name="submission_token" type="hidden" value="([^"]+)"',
                                      page).group(1),
        "category": world.tax, "title": "Quyết định xử phạt sai", "description": "Tôi bị phạt oan.",
        "citizen_name": "Nguyễn Thị Lan", "citizen_phone": "0901234567",
    }
    data.update(fields)
    return data


def _only_case(app) -> Case:
    with app.app_context():
        case = db.session.scalars(sa.select(Case)).one()
        db.session.expunge(case)
        return case


def test_the_form_offers_every_kind_in_a_fieldset_with_its_sentence(client, world):
    page = client.get("/feedback/new?lang=en").get_data(as_text=True)
    fieldset = re.search(r'<fieldset class="choices kind-choices[^"]*" id="kind".*?</fieldset>', page,
                         re.S).group(0)
    assert "<legend>What kind of feedback is this?" in fieldset
    values = re.findall(r'<input[^>]*type="radio"[^>]*value="(\w+)"', fieldset)
    assert values == ["phan_anh", "kien_nghi", "khieu_nai", "to_cao", "hoi_dap"]
    assert re.search(r'<input[^>]*checked[^>]*value="phan_anh"', fieldset)
    # Each option is described by its own plain sentence.
    assert re.search(r'aria-describedby="kind-2-help"[^>]*value="khieu_nai"', fieldset)
    assert 'id="kind-2-help">You ask for a decision' in fieldset
    # Before sending: what happens to a complaint sent without a name, by the kinds and by
    # the anonymous box.
    assert "taken as information (feedback)" in fieldset
    assert re.search(r'id="anonymous"[^>]*>.*?<p class="hint" id="anonymous-hint">'
                     r'A complaint or a denunciation sent anonymously is taken as information',
                     page, re.S)


def test_a_named_complaint_is_filed_and_tracked_as_a_complaint(app, client, world):
    response = client.post("/feedback/new", data=_form(client, world, kind="khieu_nai"))
    assert response.status_code == 303
    case = _only_case(app)
    assert (case.kind, case.taken_as_information) == ("khieu_nai", False)
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert re.search(r"<dt>Kind of case</dt>\s*<dd>Complaint<p class=\"hint\">You ask for a decision",
                     page)
    assert "taken-as-information" not in page


def test_an_anonymous_denunciation_is_taken_as_information_and_told_so(app, client, world):
    response = client.post("/feedback/new", data=_form(client, world, kind="to_cao", anonymous="y"))
    assert response.status_code == 303
    case = _only_case(app)
    assert (case.kind, case.taken_as_information, case.citizen_name) == ("phan_anh", True, None)
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert re.search(r"<dt>Kind of case</dt>\s*<dd>Feedback<", page)
    assert 'id="taken-as-information"' in page


def test_without_a_kind_the_form_files_a_feedback(app, client, world):
    data = _form(client, world)
    assert client.post("/feedback/new", data=data).status_code == 303
    assert _only_case(app).kind == "phan_anh"


@pytest.mark.parametrize("kind", ["", "khieu_nai2", "KHIEU_NAI"])
def test_an_unknown_kind_comes_back_422_next_to_the_choice(app, client, world, kind):
    response = client.post("/feedback/new?lang=en", data=_form(client, world, kind=kind))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert re.search(r'<p class="error" id="kind-error">Choose the kind of case from the list.</p>', text)
    assert "Quyết định xử phạt sai" in text  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
