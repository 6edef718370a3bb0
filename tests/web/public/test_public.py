"""The citizen's pages: feedback form, tracking lookup and the tracking page."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus
from tests.conftest import csrf_token


def _form(client, **fields):
    data = {
        "csrf_token": csrf_token(client, "/feedback/new"),
        "title": "Đèn đường hư",
        "description": "Hẻm 42 tối om từ tuần trước.",
        "address": "42 Lê Lợi",
        "ward": "Phường Sài Gòn",
    }
    data.update(fields)
    return data


def _only_case(app) -> Case:
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        db.session.expunge(case)
        return case


def test_submission_redirects_303_to_the_tracking_page(app, client, world):
    response = client.post("/feedback/new", data=_form(client, category=world.tax,
                                                        citizen_name="Nguyễn Văn An",
                                                        citizen_phone="0901 234 567"))
    assert response.status_code == 303
    case = _only_case(app)
    assert response.headers["Location"] == f"/track/{case.tracking_code}"
    assert case.citizen_phone == "+84901234567"
    assert case.status == CaseStatus.ASSIGNED

    page = client.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert case.reference in text
    assert "Đèn đường hư" in text and "Hẻm 42 tối om" in text
    assert "Cục Thuế TP HCM" in text
    code = case.tracking_code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in text
    # Contact details never appear on the public page.
    assert "0901" not in text and "+84901234567" not in text and "Nguyễn Văn An" not in text
    assert page.headers["Cache-Control"] == "no-store"


def test_reference_numbers_are_sequential_per_year(app, client, world):
    for _ in range(3):
        client.post("/feedback/new", data=_form(client, category=world.tax))
    with app.app_context():
        refs = db.session.scalars(sa.select(Case.reference).order_by(Case.id)).all()
    assert refs == [f"{refs[0][:4]}-000001", f"{refs[0][:4]}-000002", f"{refs[0][:4]}-000003"]


def test_anonymous_submission_keeps_no_contact(app, client, world):
    client.post("/feedback/new", data=_form(client, category=world.tax, anonymous="y",
                                            citizen_name="Ẩn danh", citizen_phone="0901234567",
                                            citizen_email="a@b.vn", contact_consent="y"))
    case = _only_case(app)
    assert (case.citizen_name, case.citizen_phone, case.citizen_email) == (None, None, None)
    assert case.contact_consent is False


def test_unroutable_category_waits_for_triage(app, client, world):
    client.post("/feedback/new", data=_form(client, category=world.other))
    case = _only_case(app)
    assert case.status == CaseStatus.NEW and case.unit_id is None
    page = client.get(f"/track/{case.tracking_code}?lang=en").get_data(as_text=True)
    assert "Being assigned to a unit" in page


def _errors(response) -> list[str]:
    return re.findall(r'<p class="error" id="([\w-]+)-error">', response.get_data(as_text=True))


def test_invalid_form_answers_422_with_errors_next_to_fields(app, client, world):
    response = client.post("/feedback/new", data=_form(
        client, category="0", title="", description="x" * 4001,
        citizen_phone="12", citizen_email="not-an-email"))
    assert response.status_code == 422
    assert set(_errors(response)) == {"category", "title", "description", "citizen_phone",
                                      "citizen_email"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_unknown_category_id_is_refused(app, client, world):
    response = client.post("/feedback/new", data=_form(client, category="9999"))
    assert response.status_code == 422
    assert "category" in _errors(response)


def test_contact_consent_needs_a_phone_or_email(app, client, world):
    response = client.post("/feedback/new", data=_form(client, category=world.tax,
                                                        contact_consent="y"))
    assert response.status_code == 422
    assert _errors(response) == ["contact_consent"]


def test_post_without_csrf_token_is_400_and_saves_nothing(app, client, world):
    data = _form(client, category=world.tax)
    del data["csrf_token"]
    response = client.post("/feedback/new", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)
    htmx = client.post("/feedback/new", data=data, headers={"HX-Request": "true"})
    assert htmx.status_code == 400
    assert htmx.headers["HX-Retarget"] == "#messages"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_track_lookup_redirects_and_accepts_spaced_lowercase_codes(app, client, world):
    client.post("/feedback/new", data=_form(client, category=world.tax))
    code = _only_case(app).tracking_code
    typed = f"{code[:4].lower()} {code[4:8]}-{code[8:]}"
    response = client.get("/track", query_string={"code": typed})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/track/{code}"


def test_unknown_tracking_code_is_404_and_reveals_nothing(app, client, world):
    client.post("/feedback/new", data=_form(client, category=world.tax))
    code = _only_case(app).tracking_code
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    for response in (client.get(f"/track/{wrong}"), client.get("/track/short"),
                     client.get("/track", query_string={"code": wrong})):
        assert response.status_code == 404
        text = response.get_data(as_text=True)
        assert code not in text and "2026-" not in text
    empty = client.get("/track", query_string={"code": ""})
    assert empty.status_code == 422


def test_home_and_form_pages_render(client, world):
    assert client.get("/").status_code == 200
    form = client.get("/feedback/new")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    for name in ("category", "title", "description", "address", "ward", "anonymous",
                 "citizen_name", "citizen_phone", "citizen_email", "public_consent"):
        assert f'for="{name}"' in text, name


def test_times_on_the_tracking_page_are_valid_html_datetimes(app, client, world):
    """HTML allows at most three fractional digits in a datetime attribute: none are given."""
    response = client.post("/feedback/new", data=_form(client, category=world.tax))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    stamps = re.findall(r'<time datetime="([^"]+)"', page)
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stamp), stamp
