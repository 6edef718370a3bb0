"""Writing Open311 answers as JSON or XML (the Spark convention: one shape, two syntaxes).

JSON answers are lists at the top level (a service definition and the
discovery document are objects); XML answers wrap the same items in the
spec's element names, built with the standard library and declared UTF-8.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response

FORMATS = ("json", "xml")
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
# Inside XML, a list named on the left holds elements named on the right.
LIST_ITEMS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("\ufffd", str(value))


def _fill(element: ET.Element, payload: Mapping[str, Any]) -> None:
    for name, value in payload.items():
        child = ET.SubElement(element, name)
        if isinstance(value, Mapping):
            _fill(child, value)
        elif isinstance(value, (list, tuple)):
            item_name = LIST_ITEMS[name]
            for item in value:
                grandchild = ET.SubElement(child, item_name)
                if isinstance(item, Mapping):
                    _fill(grandchild, item)
                else:
                    grandchild.text = _text(item)
        else:
            child.text = _text(value)


def to_xml(root: str, item: str | None, payload: Mapping | Sequence[Mapping]) -> bytes:
    """The payload as an XML document: a root element holding items, or an object's fields."""
    element = ET.Element(root)
    if item is None:
        _fill(element, payload)
    else:
        for entry in payload:
            _fill(ET.SubElement(element, item), entry)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def render(fmt: str, root: str, item: str | None, payload, status: int = 200) -> Response:
    """The payload in the requested format. ``item`` is None for a single object."""
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        response = Response(body.encode("utf-8"), status=status, content_type=JSON_TYPE)
    else:
        response = Response(to_xml(root, item, payload), status=status, content_type=XML_TYPE)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    return response


def render_errors(fmt: str, status: int, description: str) -> Response:
    """The spec's error body, ``errors/error`` with a code and a description."""
    return render(fmt, "errors", "error", [{"code": status, "description": description}], status)
