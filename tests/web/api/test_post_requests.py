"""POST requests over raw HTTP: keys, validation, the spec's answers and error bodies."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import ApiKey, ApiSubmission, Case, CaseAttributeValue
from tests.web.api.conftest import CONTACT_TEXTS

REFERENCE = re.compile(r"^\d{4}-\d{6}$")


def _form(api_data, **fields) -> dict:
    form = {"api_key": api_data.key, "jurisdiction_id": "langnghe.vn", "service_code": "THUE",
            "lat": "10.7769", "long": "106.7009", "description": "Hóa đơn điện tử bị từ chối",
            "attribute[LOAI]": "GTGT", "device_id": "dev-1", "account_id": "acc-9"}
    form.update(fields)
    return {k: v for k, v in form.items() if v is not None}


def _count(app, model=Case) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _errors(response) -> list[dict]:
    if response.mimetype == "application/json":
        return response.get_json()
    root = ET.fromstring(response.data)
    assert root.tag == "errors"
    return [{"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in root.findall("error")]


def test_a_good_request_becomes_a_routed_api_case(app, client, api_data):
    before = _count(app)
    response = client.post("/open311/v2/requests.json", data=_form(
        api_data, email="dan@example.vn", first_name="Dân", phone="0901234567",
        **{"attribute[MST]": "0312345678"}))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "Set-Cookie" not in response.headers
    body = response.get_json()
    assert isinstance(body, list) and len(body) == 1
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    reference = body[0]["service_request_id"]
    assert REFERENCE.match(reference) and body[0]["account_id"] is None
    assert "Cục Thuế TP HCM" in body[0]["service_notice"]
    assert _count(app) == before + 1
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert (case.channel, case.status, case.unit.code) == ("api", "assigned", "THUE")
        assert case.title == "Hóa đơn điện tử bị từ chối" and case.citizen_phone == "+84901234567"
        key_id = db.session.scalar(sa.select(ApiKey.id).where(ApiKey.name == "Ứng dụng A"))
        assert db.session.get(ApiSubmission, case.id).api_key_id == key_id
        answers = db.session.scalars(sa.select(CaseAttributeValue.value).where(
            CaseAttributeValue.case_id == case.id).order_by(CaseAttributeValue.id)).all()
        assert answers == ["GTGT", "0312345678"]


def test_a_good_request_in_xml_and_with_the_key_in_the_query(client, api_data):
    form = _form(api_data, address_string="12 Lê Lợi", lat=None, long=None)
    key = form.pop("api_key")
    response = client.post(f"/open311/v2/requests.xml?api_key={key}&lang=en", data=form)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(response.data)
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == ["service_request_id", "service_notice",
                                                "account_id"]
    assert REFERENCE.match(request.findtext("service_request_id"))
    assert request.findtext("service_notice").startswith("Sent to Cục Thuế TP HCM")


def test_multivaluelist_answers(app, client, api_data):
    response = client.post("/open311/v2/requests.json", data=MultiDict([
        ("api_key", api_data.key), ("service_code", "BHXH"), ("address_id", "AD-1"),
        ("description", "Sổ và thẻ"), ("attribute[NOI_DUNG][]", "THE"),
        ("attribute[NOI_DUNG][]", "SO")]))
    assert response.status_code == 200
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(
            Case.reference == response.get_json()[0]["service_request_id"]))
        assert db.session.scalars(sa.select(CaseAttributeValue.value).where(
            CaseAttributeValue.case_id == case.id).order_by(CaseAttributeValue.id)).all() == [
            "THE", "SO"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("key", "words"), [
    (None, "api_key is required"),
    ("ln311_not-a-real-key", "Invalid or revoked api_key"),
    ("revoked", "Invalid or revoked api_key"),
])
def test_a_missing_bad_or_revoked_key_is_403(app, client, api_data, fmt, key, words):
    key = api_data.revoked_key if key == "revoked" else key
    before = _count(app)
    response = client.post(f"/open311/v2/requests.{fmt}?lang=en", data=_form(api_data, api_key=key))
    assert response.status_code == 403
    assert _errors(response) == [{"code": 403, "description": _errors(response)[0]["description"]}]
    assert words in _errors(response)[0]["description"]
    assert _count(app) == before


def test_errors_are_in_vietnamese_by_default(client, api_data):
    response = client.post("/open311/v2/requests.json", data=_form(api_data, api_key=None))
    assert response.status_code == 403
    assert "api_key" in response.get_json()[0]["description"]
    english = client.post("/open311/v2/requests.json?lang=en", data=_form(api_data, api_key=None))
    assert response.get_json() != english.get_json()


@pytest.mark.parametrize(("fields", "status", "words"), [
    ({"lat": None, "long": None}, 400, "location is required"),
    ({"long": None}, 400, "lat and long"),
    ({"lat": "200"}, 400, "lat must be a number"),
    ({"service_code": None}, 400, "service_code is required"),
    ({"service_code": "NOPE"}, 404, "No service has the code NOPE"),
    ({"attribute[LOAI]": None}, 400, "attribute[LOAI]: Answer this question"),
    ({"attribute[LOAI]": "XYZ"}, 400, "attribute[LOAI]: Choose among the listed values"),
    ({"description": "x" * 4001}, 400, "at most 4000 characters"),
    ({"description": "a\x00b"}, 400, "NUL character"),
    ({"email": "nobody"}, 400, "email is not a valid email address"),
    ({"media_url": "ftp://x"}, 400, "media_url must be an http"),
    ({"attribute[KIND]": "complaint"}, 400, "attribute[KIND]: Choose the kind of case"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_requests_get_the_spec_error_body(app, client, api_data, fields, status, words, fmt):
    before = _count(app)
    response = client.post(f"/open311/v2/requests.{fmt}?lang=en", data=_form(api_data, **fields))
    assert response.status_code == status
    (error,) = _errors(response)
    assert error["code"] == status and words in error["description"]
    assert _count(app) == before


def test_a_4000_character_description_is_accepted(client, api_data):
    response = client.post("/open311/v2/requests.json", data=_form(api_data, description="x" * 4000))
    assert response.status_code == 200


def test_the_filing_key_sees_its_request_in_full_and_others_do_not_find_it(client, api_data):
    response = client.post("/open311/v2/requests.json", data=_form(
        api_data, address_id="AD-9", media_url="https://example.vn/p.jpg",
        first_name="Lê", last_name="Thị Kín", email="kin@example.vn"))
    reference = response.get_json()[0]["service_request_id"]
    url = f"/open311/v2/requests/{reference}.json"
    mine = client.get(f"{url}?api_key={api_data.key}").get_json()[0]
    assert mine["description"] == "Hóa đơn điện tử bị từ chối"
    assert (mine["lat"], mine["long"], mine["address_id"], mine["media_url"]) == (
        10.7769, 106.7009, "AD-9", "https://example.vn/p.jpg")
    for other in (client.get(url), client.get(f"{url}?api_key={api_data.other_key}")):
        assert other.status_code == 404 and other.get_json()[0]["code"] == 404
        assert "Hóa đơn điện tử" not in other.get_data(as_text=True)
    assert not any(secret in str(mine) for secret in CONTACT_TEXTS)


def test_no_csrf_token_or_session_is_needed(client, api_data):
    response = client.post("/open311/v2/requests.json", data=_form(api_data))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_the_key_in_the_x_api_key_header_files_a_request(app, client, api_data):
    before = _count(app)
    form = _form(api_data, api_key=None)
    response = client.post("/open311/v2/requests.json", data=form,
                           headers={"X-Api-Key": api_data.key})
    assert response.status_code == 200 and REFERENCE.match(response.get_json()[0]["service_request_id"])
    assert _count(app) == before + 1
    refused = client.post("/open311/v2/requests.json?lang=en", data=form,
                          headers={"X-Api-Key": api_data.revoked_key})
    assert refused.status_code == 403
    assert refused.get_json()[0]["description"] == "Invalid or revoked api_key."


@pytest.mark.parametrize(("fields", "kind", "as_information"), [
    ({}, "phan_anh", False),
    ({"attribute[KIND]": "kien_nghi"}, "kien_nghi", False),
    ({"attribute[KIND]": "khieu_nai", "first_name": "Dân", "last_name": "Lê"}, "khieu_nai", False),
    ({"attribute[KIND]": "to_cao"}, "phan_anh", True),  # no name: taken as information
])
def test_the_kind_is_filed_and_read_back(app, client, api_data, fields, kind, as_information):
    response = client.post("/open311/v2/requests.json", data=_form(api_data, **fields))
    assert response.status_code == 200
    reference = response.get_json()[0]["service_request_id"]
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert (case.kind, case.taken_as_information) == (kind, as_information)
    read = client.get(f"/open311/v2/requests/{reference}.json", headers={"X-Api-Key": api_data.key})
    assert read.get_json()[0]["kind"] == kind


def test_the_notice_gives_the_last_day_of_an_answer_counted_in_days(app, client, api_data):
    from app.deadlines import counting

    body = client.post("/open311/v2/requests.json?lang=en", data=_form(api_data)).get_json()
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(
            Case.reference == body[0]["service_request_id"]))
        last_day = counting.last_day_of(case.response_due_at)
    assert body[0]["service_notice"] == (
        f"Sent to Cục Thuế TP HCM (en), which should answer by {last_day:%d/%m/%Y}.")
