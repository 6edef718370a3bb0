"""Bulk assignment from the queue by a unit head: without JavaScript, with htmx, and
when someone changed a selected case in the meantime."""
from __future__ import annotations

import re

import pytest

from app.cases import lifecycle
from app.extensions import db
from app.models import Category
from tests.conftest import csrf_token
from tests.factories import EMAILS, MONDAY_9AM, make_case
from tests.workspace import HOUR, case_by_ref, staff, user

CHECKBOX = re.compile(r'name="cases" id="select-[\d-]+" value="([\d-]+@\d+)"( checked)?')


@pytest.fixture
def three(app, world):
    """Three unassigned tax cases of Cục Thuế and one of BHXH; returns references."""
    with app.app_context():
        tax = db.session.get(Category, world.tax)
        refs = [make_case(tax, title=f"Hồ sơ thuế {n}").reference for n in range(3)]
        refs.append(make_case(db.session.get(Category, world.insurance)).reference)
        db.session.commit()
        officer_id = user("officer_thue").id
        bhxh_officer_id = user("officer_bhxh").id
    return refs, officer_id, bhxh_officer_id


@pytest.fixture
def head(client, auth, three):
    auth.login(EMAILS["head_thue"])
    return client


def _selection(page: str) -> dict[str, str]:
    return {value.split("@")[0]: value for value, _checked in CHECKBOX.findall(page)}


def _assignees(app, refs):
    with app.app_context():
        return [getattr(case_by_ref(ref).assignee, "email", None) for ref in refs]


def test_without_javascript_the_head_assigns_several_cases_at_once(app, head, three):
    refs, officer_id, _ = three
    page = head.get("/cases?sort=oldest").get_data(as_text=True)
    chosen = _selection(page)
    assert set(chosen) == set(refs[:3])  # BHXH's case is not in Cục Thuế's list
    response = head.post("/cases/assign?sort=oldest", data={
        "csrf_token": csrf_token(head, "/cases"), "officer": officer_id,
        "cases": [chosen[refs[0]], chosen[refs[2]]]})
    assert response.status_code == 303
    assert response.headers["Location"] == "/cases?sort=oldest"
    assert _assignees(app, refs[:3]) == [EMAILS["officer_thue"], None, EMAILS["officer_thue"]]
    assert "2 vụ việc đã được giao cho officer.thue." in head.get("/cases").get_data(as_text=True)


def test_with_htmx_the_results_come_back_in_place(app, head, three):
    refs, officer_id, _ = three
    chosen = _selection(head.get("/cases").get_data(as_text=True))
    response = head.post("/cases/assign", data={"officer": officer_id, "cases": [chosen[refs[1]]]},
                         headers={"X-CSRFToken": csrf_token(head, "/cases"), "HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text
    assert "1 vụ việc đã được giao cho officer.thue." in text
    assert _assignees(app, refs[1:2]) == [EMAILS["officer_thue"]]


def test_a_case_changed_meanwhile_is_reported_and_left_alone(app, head, three):
    refs, officer_id, _ = three
    chosen = _selection(head.get("/cases").get_data(as_text=True))
    with app.app_context():  # another officer takes the second case up
        lifecycle.acknowledge(case_by_ref(refs[1]), staff("head_thue"), MONDAY_9AM + HOUR)
        db.session.commit()
        new_version = case_by_ref(refs[1]).version
    response = head.post("/cases/assign", data={
        "officer": officer_id, "cases": [chosen[r] for r in refs[:3]]},
        headers={"X-CSRFToken": csrf_token(head, "/cases"), "HX-Request": "true"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    report = re.search(r'<div class="bulk-report.*?</div>', text, re.S).group(0)
    assert refs[0] in report and refs[2] in report and refs[1] in report
    assert "head.thue" in report  # who holds the conflicting case now
    assert _assignees(app, refs[:3]) == [EMAILS["officer_thue"], EMAILS["head_thue"],
                                         EMAILS["officer_thue"]]
    # The conflicting case stays selected, now with its current version; the officer stays chosen.
    boxes = {value.split("@")[0]: (value, bool(checked))
             for value, checked in CHECKBOX.findall(text)}
    assert boxes[refs[1]] == (f"{refs[1]}@{new_version}", True)
    assert not boxes[refs[0]][1]
    assert f'<option selected value="{officer_id}">' in text


@pytest.mark.parametrize("data, field", [
    ({"officer": ""}, "officer-error"),
    ({"officer": "{bhxh}"}, "officer-error"),
    ({"officer": "{officer}", "cases": []}, None),
])
def test_bad_input_is_422(app, head, three, data, field):
    refs, officer_id, bhxh_officer_id = three
    chosen = _selection(head.get("/cases").get_data(as_text=True))
    data = {k: v.format(officer=officer_id, bhxh=bhxh_officer_id) if isinstance(v, str) else v
            for k, v in data.items()}
    data.setdefault("cases", [chosen[refs[0]]])
    response = head.post("/cases/assign", data=data,
                         headers={"X-CSRFToken": csrf_token(head, "/cases"), "HX-Request": "true"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    if field:
        assert f'id="{field}"' in text
    else:
        assert 'class="error" role="alert"' in text
    assert _assignees(app, refs) == [None, None, None, None]


def test_another_unit_case_slipped_into_the_form_is_refused_without_a_trace(app, head, three):
    refs, officer_id, _ = three
    with app.app_context():
        foreign = f"{refs[3]}@{case_by_ref(refs[3]).version}"
    response = head.post("/cases/assign", data={"officer": officer_id, "cases": [foreign]},
                         headers={"X-CSRFToken": csrf_token(head, "/cases"), "HX-Request": "true"})
    assert response.status_code == 200
    assert refs[3] in response.get_data(as_text=True)  # reported as not found
    assert _assignees(app, refs[3:]) == [None]
