"""Reading over raw HTTP: XML and JSON shapes, errors, privacy, tokens, languages."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.web.api.conftest import CONTACT_TEXTS

REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                  "lat", "long", "media_url", "kind"]
PRIVATE_FIELDS = ["status_notes", "description", "address", "address_id", "lat", "long",
                  "media_url"]


def _xml(response) -> ET.Element:
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    return ET.fromstring(response.data)


def _json(response):
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.get_json()


def test_discovery(client):
    data = _json(client.get("/open311/v2/discovery.json"))
    assert "jurisdiction_id" in data["contact"]
    (endpoint,) = data["endpoints"]
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = _xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml", "application/json"]


def test_services_xml_shape(client, api_data):
    root = _xml(client.get("/open311/v2/services.xml?jurisdiction_id=hcmc"))
    assert root.tag == "services"
    services = root.findall("service")
    assert [s.findtext("service_code") for s in services] == ["BHXH", "KHAC", "THUE"]
    assert [child.tag for child in services[0]] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    assert [s.findtext("metadata") for s in services] == ["true", "true", "true"]


def test_service_definition_shapes(client, api_data):
    data = _json(client.get("/open311/v2/services/BHXH.json"))
    assert isinstance(data, dict) and data["service_code"] == "BHXH"
    attribute, kind = data["attributes"]
    assert kind["code"] == "KIND" and kind["order"] == 2
    assert attribute == {
        "variable": True, "code": "NOI_DUNG", "datatype": "multivaluelist", "required": False,
        "datatype_description": None, "order": 1, "description": "Câu hỏi NOI_DUNG",
        "values": [{"key": "SO", "name": "Giá trị SO"}, {"key": "THE", "name": "Giá trị THE"}],
    }
    root = _xml(client.get("/open311/v2/services/BHXH.xml?lang=en"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "BHXH"
    element, kind = root.findall("attributes/attribute")
    assert kind.findtext("code") == "KIND" and kind.findtext("datatype") == "singlevaluelist"
    assert [(v.findtext("key"), v.findtext("name")) for v in kind.findall("values/value")][:3] == [
        ("phan_anh", "Feedback"), ("kien_nghi", "Proposal"), ("khieu_nai", "Complaint")]
    assert element.findtext("description") == "Question NOI_DUNG"
    assert element.findtext("required") == "false" and element.findtext("order") == "1"
    assert [(v.findtext("key"), v.findtext("name")) for v in element.findall("values/value")] == [
        ("SO", "Value SO"), ("THE", "Value THE")]
    khac = _json(client.get("/open311/v2/services/KHAC.json"))
    assert [a["code"] for a in khac["attributes"]] == ["KIND"] and khac["attributes"][0]["order"] == 1


def test_requests_xml_shape(client, api_data):
    root = _xml(client.get("/open311/v2/requests.xml"))
    assert root.tag == "service_requests"
    requests = root.findall("request")
    assert [r.findtext("service_request_id") for r in requests] == [
        api_data.public_open, api_data.rejected, api_data.public_closed]
    assert [child.tag for child in requests[0]] == REQUEST_FIELDS
    assert requests[0].findtext("lat") == "10.7769"
    assert requests[2].findtext("status_notes") == "Đã cấp lại thẻ BHYT."


def test_english_names_by_accept_language_or_lang(client, api_data):
    by_header = _json(client.get("/open311/v2/services.json",
                                 headers={"Accept-Language": "en-US,en;q=0.8"}))
    assert {s["service_code"]: s["service_name"] for s in by_header}["THUE"] == "Tax"
    item = _json(client.get(f"/open311/v2/requests/{api_data.public_open}.json?lang=en"))[0]
    assert (item["service_name"], item["agency_responsible"]) == ("Tax", "Cục Thuế TP HCM (en)")
    response = client.get("/open311/v2/services.json?lang=en")
    assert "Set-Cookie" not in response.headers  # the API keeps no language cookie


def test_empty_optional_parameters_are_absent(client, api_data):
    plain = _json(client.get("/open311/v2/requests.json"))
    empty = _json(client.get("/open311/v2/requests.json?service_request_id=&service_code="
                             "&start_date=&end_date=&status=&jurisdiction_id=&api_key=&lang="))
    assert plain == empty and len(plain) == 3


@pytest.mark.parametrize("query", ["start_date=2026-01-01T00:00:00Z&end_date=2026-04-01T00:00:01Z",
                                   "start_date=2026-02-01&end_date=2026-01-01",
                                   "start_date=yesterday", "status=pending",
                                   "service_code=%00"])
def test_bad_filters_are_400_in_both_formats(client, api_data, query):
    as_json = client.get(f"/open311/v2/requests.json?{query}")
    assert as_json.status_code == 400
    (error,) = _json(as_json)
    assert error["code"] == 400 and error["description"]
    as_xml = client.get(f"/open311/v2/requests.xml?{query}")
    root = _xml(as_xml)
    assert as_xml.status_code == 400 and root.tag == "errors"
    assert root.findtext("error/code") == "400"


def test_a_span_of_exactly_90_days_is_answered(client, api_data):
    response = client.get("/open311/v2/requests.json?start_date=2001-01-01T00:00:00Z"
                          "&end_date=2001-04-01T00:00:00Z")
    assert response.status_code == 200 and _json(response) == []


@pytest.mark.parametrize(("url", "status"), [
    ("/open311/v2/services/NOPE.xml", 404),
    ("/open311/v2/requests/2026-999999.xml", 404),
    ("/open311/v2/tokens/2026-999999.xml", 404),
    ("/open311/v2/nothing-here", 404),
    ("/open311/v2/services.html", 404),
])
def test_unknown_things_are_404_with_the_spec_body(client, api_data, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert _xml(response).findtext("error/code") == str(status)
    json_url = url.replace(".xml", ".json") if url.endswith(".xml") else None
    if json_url:
        assert _json(client.get(json_url)) == [{"code": 404, "description": _json(
            client.get(json_url))[0]["description"]}]


def test_a_wrong_method_is_405_with_the_spec_body(client):
    response = client.post("/open311/v2/services.json")
    assert response.status_code == 405 and response.headers["Allow"] == "GET"
    assert _json(response)[0]["code"] == 405
    assert client.delete("/open311/v2/requests.xml").headers["Allow"] == "GET, POST"


def test_a_bad_key_on_a_read_is_403(client, api_data):
    response = client.get(f"/open311/v2/requests/{api_data.private_api}.json?api_key=wrong")
    assert response.status_code == 403 and _json(response)[0]["code"] == 403
    revoked = client.get(f"/open311/v2/requests.xml?api_key={api_data.revoked_key}")
    assert revoked.status_code == 403 and _xml(revoked).findtext("error/code") == "403"


def test_unlisted_cases_are_not_found_unless_the_filing_key_asks(client, api_data):
    unlisted = (api_data.private_web, api_data.private_api)
    for reference in unlisted:
        for fmt in ("json", "xml"):
            assert client.get(f"/open311/v2/requests/{reference}.{fmt}").status_code == 404
        other = client.get(f"/open311/v2/requests/{reference}.json?api_key={api_data.other_key}")
        assert other.status_code == 404 and _json(other)[0]["code"] == 404
    assert client.get(f"/open311/v2/requests/{api_data.private_web}.json"
                      f"?api_key={api_data.key}").status_code == 404
    # By id, without the filing key: a list of up to 1000 ids gives away nothing of them.
    ids = ",".join([*unlisted, api_data.public_open, api_data.old_public])
    for query in (f"service_request_id={ids}",
                  f"service_request_id={ids}&api_key={api_data.other_key}"):
        listed = _json(client.get(f"/open311/v2/requests.json?{query}"))
        assert [i["service_request_id"] for i in listed] == [api_data.public_open,
                                                             api_data.old_public]
        root = _xml(client.get(f"/open311/v2/requests.xml?{query}"))
        assert [r.findtext("service_request_id") for r in root.findall("request")] == [
            api_data.public_open, api_data.old_public]
    mine = _json(client.get(
        f"/open311/v2/requests/{api_data.private_api}.json?api_key={api_data.key}"))[0]
    assert mine["description"] == "Mô tả riêng tư của ứng dụng A"
    assert (mine["lat"], mine["long"], mine["address_id"], mine["media_url"]) == (
        10.8, 106.65, "AD-42", "https://example.vn/anh.jpg")
    assert mine["service_code"] == "THUE" and mine["agency_responsible"] == "Cục Thuế TP HCM"
    # The filing key reads it in lists by id too, but browsing lists never shows it.
    listed = _json(client.get(f"/open311/v2/requests.json?api_key={api_data.key}"))
    assert api_data.private_api not in [i["service_request_id"] for i in listed]
    by_id = _json(client.get(f"/open311/v2/requests.json?api_key={api_data.key}"
                             f"&service_request_id={ids}"))
    assert [i["service_request_id"] for i in by_id] == [api_data.private_api,
                                                        api_data.public_open, api_data.old_public]
    assert by_id[0]["description"] == "Mô tả riêng tư của ứng dụng A"


def test_listed_cases_show_their_details_to_everyone(client, api_data):
    item = _json(client.get(f"/open311/v2/requests/{api_data.public_open}.json"))[0]
    assert item["description"] == "Mưa lớn là ngập sâu, xe máy chết máy."
    assert item["address"] == "12 Lê Lợi, Phường Bến Thành"
    assert (item["lat"], item["long"]) == (10.7769, 106.7009)


def test_no_contact_details_anywhere(client, api_data):
    refs = [api_data.public_open, api_data.public_closed, api_data.rejected,
            api_data.private_web, api_data.private_api, api_data.old_public]
    urls = ["/open311/v2/requests.{f}", "/open311/v2/requests.{f}?status=closed",
            "/open311/v2/requests.{f}?service_request_id=" + ",".join(refs),
            f"/open311/v2/requests.{{f}}?api_key={api_data.key}&service_request_id=" + ",".join(refs),
            f"/open311/v2/tokens/{api_data.private_api}.{{f}}"]
    urls += [f"/open311/v2/requests/{ref}.{{f}}?api_key={api_data.key}" for ref in refs]
    for url in urls:
        for fmt in ("json", "xml"):
            response = client.get(url.format(f=fmt))
            # Only the web case nobody filed through the API is unlisted for this key.
            expected = 404 if f"requests/{api_data.private_web}." in url else 200
            assert response.status_code == expected, url
            text = response.get_data(as_text=True)
            assert not any(secret in text for secret in CONTACT_TEXTS), url


def test_tokens_resolve_requests_filed_through_the_api(client, api_data):
    assert _json(client.get(f"/open311/v2/tokens/{api_data.private_api}.json")) == [
        {"service_request_id": api_data.private_api, "token": api_data.private_api}]
    root = _xml(client.get(f"/open311/v2/tokens/{api_data.private_api}.xml"))
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == ["service_request_id", "token"]
    # A case from the web form was never given a token.
    assert client.get(f"/open311/v2/tokens/{api_data.public_open}.json").status_code == 404


def test_the_openapi_document_names_only_real_endpoints(app, client):
    document = client.get("/open311/v2/openapi.json").get_json()
    assert document["openapi"].startswith("3.0") and document["servers"] == [
        {"url": "/open311/v2"}]
    adapter = app.url_map.bind("localhost")
    seen = set()
    for path, operations in document["paths"].items():
        concrete = "/open311/v2" + path.replace("{service_code}", "THUE").replace(
            "{service_request_id}", "2026-000001").replace("{token}", "2026-000001")
        for method in operations:
            endpoint, _args = adapter.match(concrete, method=method.upper())
            assert endpoint != "api.unknown", (method, path)
            seen.add((endpoint, method))
    api_rules = {(rule.endpoint, m.lower()) for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("api.") and rule.endpoint not in (
                     "api.unknown", "api.openapi") for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert seen == api_rules


def test_reads_take_the_key_from_the_x_api_key_header(client, api_data):
    url = f"/open311/v2/requests/{api_data.private_api}.json"
    mine = _json(client.get(url, headers={"X-Api-Key": api_data.key}))[0]
    assert mine["description"] == "Mô tả riêng tư của ứng dụng A"
    by_id = _json(client.get(f"/open311/v2/requests.json?service_request_id={api_data.private_api}",
                             headers={"X-Api-Key": api_data.key}))
    assert [i["description"] for i in by_id] == ["Mô tả riêng tư của ứng dụng A"]
    # Another client's key does not open an unlisted request: it does not exist for them.
    assert client.get(url, headers={"X-Api-Key": api_data.other_key}).status_code == 404
    for path in (url, "/open311/v2/requests.xml"):
        assert client.get(path, headers={"X-Api-Key": "ln311_wrong"}).status_code == 403


def test_the_openapi_document_describes_the_key_header_and_discourages_the_query(client):
    paths = client.get("/open311/v2/openapi.json").get_json()["paths"]
    for path, method in (("/requests.json", "get"), ("/requests.json", "post"),
                         ("/requests/{service_request_id}.xml", "get")):
        parameters = {p["name"]: p for p in paths[path][method]["parameters"]}
        assert parameters["X-Api-Key"]["in"] == "header", (path, method)
        if method == "get":
            assert parameters["api_key"]["deprecated"] is True
    document = client.get("/open311/v2/openapi.json").get_json()
    new_request = document["components"]["schemas"]["NewRequest"]
    assert "api_key" not in new_request["required"]
    assert new_request["properties"]["api_key"]["deprecated"] is True


def _case(app, reference):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Case

    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        db.session.expunge(case)
        return case


def test_a_deadline_counted_in_days_is_expected_by_the_end_of_its_last_day(app, client, api_data):
    """Phản ánh are answered within days (the law's 10 days): the answer is expected by 23:59:59 on the
    last day, not at the midnight stored after it (which would read as the next day)."""
    from app.deadlines import counting

    case = _case(app, api_data.public_open)
    assert counting.is_day_count(case.response_due_unit)
    last_day = counting.last_day_of(case.response_due_at)
    item = _json(client.get(f"/open311/v2/requests/{api_data.public_open}.json"))[0]
    assert item["expected_datetime"] == f"{last_day.isoformat()}T23:59:59+07:00"
    root = _xml(client.get(f"/open311/v2/requests/{api_data.public_open}.xml"))
    assert root.findtext("request/expected_datetime") == f"{last_day.isoformat()}T23:59:59+07:00"


@pytest.mark.usefixtures("hour_regimes")
def test_a_deadline_counted_in_hours_is_expected_at_its_minute(app, client, api_data):
    from app.core.timeutil import to_local

    case = _case(app, api_data.public_open)
    assert case.response_due_unit == "working_hours"
    item = _json(client.get(f"/open311/v2/requests/{api_data.public_open}.json"))[0]
    assert item["expected_datetime"] == to_local(case.response_due_at).isoformat(timespec="seconds")
    assert not item["expected_datetime"].endswith("23:59:59+07:00")
