"""The XML and JSON writers: well-formed whatever the text, the same fields in both."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from app.web.api.formats import render, to_xml


def test_xml_escapes_markup_and_replaces_characters_xml_cannot_carry():
    body = to_xml("service_requests", "request", [
        {"service_request_id": "2026-000001", "description": "a < b & c > d\x0b\x00 \"ok\"",
         "lat": 10.5, "metadata": False, "address": None}])
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<service_requests>')
    request = ET.fromstring(body).find("request")
    assert request.findtext("description") == "a < b & c > d\ufffd\ufffd \"ok\""
    assert request.findtext("lat") == "10.5" and request.findtext("metadata") == "false"
    assert request.find("address").text is None


def test_nested_lists_take_the_spec_element_names():
    body = to_xml("service_definition", None, {"service_code": "X", "attributes": [
        {"code": "A", "values": [{"key": "1", "name": "Một"}]}]})
    root = ET.fromstring(body)
    assert root.findtext("attributes/attribute/values/value/name") == "Một"


def test_json_is_utf8_without_escapes(app):
    with app.test_request_context():
        response = render("json", "services", "service", [{"service_name": "Thuế"}])
    assert response.data == json.dumps([{"service_name": "Thuế"}], ensure_ascii=False,
                                       separators=(",", ":")).encode("utf-8")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "Accept-Language" in response.headers["Vary"]
