"""A real third-party Open311 client (the `georeport` package) reading the API over HTTP."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from georeport import GeoReport

from app.core.timeutil import utcnow
from tests.web.api.conftest import CONTACT_TEXTS


@pytest.fixture(params=["json", "xml"])
def client311(request, live_server, api_data) -> GeoReport:
    """The client in one output format, with a jurisdiction it may send and we ignore."""
    return GeoReport(f"{live_server}/open311/v2", jurisdiction="langnghe.hochiminhcity.gov.vn",
                     output_format=request.param)


def _bool(value) -> bool:
    return value is True or value == "true"


def _ids(items) -> list[str]:
    if isinstance(items, dict):  # xmltodict gives a lone element as a dict
        items = [items]
    return [item["service_request_id"] for item in items]


def test_service_list(client311):
    services = client311.get_service_list()
    assert [s["service_code"] for s in services] == ["BHXH", "KHAC", "THUE"]
    by_code = {s["service_code"]: s for s in services}
    assert by_code["THUE"]["service_name"] == "Thuế"
    assert by_code["THUE"]["group"] == "Cục Thuế TP HCM"
    assert by_code["THUE"]["type"] == "realtime"
    # Every service asks at least the kind of case.
    assert all(_bool(s["metadata"]) for s in services)
    assert by_code["KHAC"]["group"] is None


def test_service_definition(client311):
    definition = client311.get_service_definition("THUE")
    assert definition["service_code"] == "THUE"
    attributes = definition["attributes"]
    if client311.output_format == "xml":
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["LOAI", "MST", "KIND"]
    kind = attributes[2]
    assert kind["datatype"] == "singlevaluelist" and not _bool(kind["required"])
    assert str(kind["order"]) == "3"
    values = kind["values"] if client311.output_format == "json" else kind["values"]["value"]
    assert [v["key"] for v in values] == ["phan_anh", "kien_nghi", "khieu_nai", "to_cao", "hoi_dap"]
    loai = attributes[0]
    assert loai["datatype"] == "singlevaluelist" and _bool(loai["required"])
    assert str(loai["order"]) == "1" and loai["description"] == "Câu hỏi LOAI"
    values = loai["values"] if client311.output_format == "json" else loai["values"]["value"]
    assert [(v["key"], v["name"]) for v in values] == [
        ("TNCN", "Giá trị TNCN"), ("GTGT", "Giá trị GTGT")]


def test_service_definition_of_an_unknown_service_is_404(client311):
    with pytest.raises(requests.HTTPError) as err:
        client311.get_service_definition("NOPE")
    assert err.value.response.status_code == 404


def test_default_list_is_the_public_cases_of_the_last_90_days(client311, api_data):
    items = client311.get_service_requests()
    assert _ids(items) == [api_data.public_open, api_data.rejected, api_data.public_closed]
    text = str(items)
    assert not any(secret in text for secret in CONTACT_TEXTS)
    first = items[0]
    assert first["status"] == "open" and first["service_code"] == "THUE"
    assert first["address"] == "12 Lê Lợi, Phường Bến Thành"
    assert float(first["lat"]) == 10.7769 and float(first["long"]) == 106.7009
    assert first["agency_responsible"] == "Cục Thuế TP HCM"
    assert first["requested_datetime"].endswith("+07:00")


def test_filters(client311, api_data):
    assert _ids(client311.get_service_requests(status="closed")) == [
        api_data.rejected, api_data.public_closed]
    assert _ids(client311.get_service_requests(status="open")) == [api_data.public_open]
    assert _ids(client311.get_service_requests(service_code="BHXH")) == [api_data.public_closed]
    now = utcnow()
    old = client311.get_service_requests(
        start_date=(now - timedelta(days=125)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        end_date=(now - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert _ids(old) == [api_data.old_public]


def test_service_request_ids_override_filters_and_leave_unlisted_cases_out(client311, api_data):
    items = client311.get_service_requests(
        service_request_id=f"{api_data.private_web},{api_data.public_open}", status="closed")
    assert _ids(items) == [api_data.public_open]
    listed = items if isinstance(items, dict) else items[0]  # xmltodict: a lone element
    assert listed["status"] == "open" and listed["service_code"] == "THUE"
    assert listed["agency_responsible"] == "Cục Thuế TP HCM"
    assert listed["address"] == "12 Lê Lợi, Phường Bến Thành"
    with pytest.raises(requests.HTTPError) as err:
        client311.get_service_request(api_data.private_web)
    assert err.value.response.status_code == 404


def test_a_span_over_90_days_is_refused(client311):
    with pytest.raises(requests.HTTPError) as err:
        client311.get_service_requests(start_date="2026-01-01T00:00:00Z",
                                       end_date="2026-04-02T00:00:00Z")
    assert err.value.response.status_code == 400


def test_one_request(client311, api_data):
    closed = client311.get_service_request(api_data.public_closed)
    assert closed["service_request_id"] == api_data.public_closed
    assert closed["status"] == "closed" and closed["status_notes"] == "Đã cấp lại thẻ BHYT."
    assert closed["service_name"] == "Bảo hiểm xã hội"
    assert closed["agency_responsible"] == "Bảo hiểm Xã hội TP HCM"
    assert closed["updated_datetime"] > closed["requested_datetime"]
    rejected = client311.get_service_request(api_data.rejected)
    assert rejected["status"] == "closed" and rejected["status_notes"] == "Trùng với phản ánh trước."
    with pytest.raises(requests.HTTPError) as err:
        client311.get_service_request("2026-999999")
    assert err.value.response.status_code == 404
