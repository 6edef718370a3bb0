"""The OpenAPI 3.0 description of the Open311 endpoints, served at /open311/v2/openapi.json.

Every endpoint exists as .json and .xml; both are described, with the JSON
shapes in full (the XML carries the same fields under the spec's element
names). Tests run schemathesis against this document, so it stays true.
"""
from __future__ import annotations

from copy import deepcopy

from app.intake.open311 import MAX_ROWS
from app.models import CaseKind

NULLABLE_STRING = {"type": "string", "nullable": True}
KIND_KEYS = [kind.value for kind in CaseKind]
W3C_DATETIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "Error": {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "description"],
        "properties": {
            "code": {"type": "integer", "description": "The HTTP status of the error."},
            "description": {"type": "string"},
        },
    },
    "Errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Error"}},
    "Discovery": {
        "type": "object",
        "additionalProperties": False,
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": W3C_DATETIME,
            "contact": {"type": "string"},
            "key_service": {"type": "string"},
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["specification", "url", "changeset", "type", "formats"],
                    "properties": {
                        "specification": {"type": "string"},
                        "url": {"type": "string"},
                        "changeset": W3C_DATETIME,
                        "type": {"type": "string", "enum": ["production", "test"]},
                        "formats": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "Service": {
        "type": "object",
        "additionalProperties": False,
        "required": ["service_code", "service_name", "description", "metadata", "type",
                     "keywords", "group"],
        "properties": {
            "service_code": {"type": "string", "description": "The category's code."},
            "service_name": {"type": "string", "description": "Vietnamese unless lang=en."},
            "description": NULLABLE_STRING,
            "metadata": {"type": "boolean",
                         "description": "true when the service definition has questions."},
            "type": {"type": "string", "enum": ["realtime"]},
            "keywords": NULLABLE_STRING,
            "group": {**NULLABLE_STRING, "description": "The unit that answers this service."},
        },
    },
    "Services": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}},
    "Attribute": {
        "type": "object",
        "additionalProperties": False,
        "required": ["variable", "code", "datatype", "required", "datatype_description",
                     "order", "description", "values"],
        "properties": {
            "variable": {"type": "boolean"},
            "code": {"type": "string"},
            "datatype": {"type": "string", "enum": [
                "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]},
            "required": {"type": "boolean"},
            "datatype_description": NULLABLE_STRING,
            "order": {"type": "integer", "minimum": 1},
            "description": {"type": "string"},
            "values": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["key", "name"],
                    "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                },
            },
        },
    },
    "ServiceDefinition": {
        "type": "object",
        "additionalProperties": False,
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/Attribute"}},
        },
    },
    "ServiceRequest": {
        "type": "object",
        "additionalProperties": False,
        "description": (
            "A case the caller may read: one publicly listed, or one filed with the key the "
            "request carries. Contact details are never returned."
        ),
        "required": ["service_request_id", "status", "status_notes", "service_name",
                     "service_code", "description", "agency_responsible", "service_notice",
                     "requested_datetime", "updated_datetime", "expected_datetime", "address",
                     "address_id", "zipcode", "lat", "long", "media_url", "kind"],
        "properties": {
            "service_request_id": {"type": "string", "description": "The case reference."},
            "status": {"type": "string", "enum": ["open", "closed"], "description": (
                "closed once the case is answered, closed or rejected; open before.")},
            "status_notes": {**NULLABLE_STRING, "description": (
                "Private. The public answer, or the reason for a rejection.")},
            "service_name": {"type": "string"},
            "service_code": {"type": "string"},
            "description": {**NULLABLE_STRING, "description": "Private."},
            "agency_responsible": {**NULLABLE_STRING, "description": "The responsible unit."},
            "service_notice": NULLABLE_STRING,
            "requested_datetime": W3C_DATETIME,
            "updated_datetime": W3C_DATETIME,
            "expected_datetime": {**W3C_DATETIME, "description": (
                "The last moment the answer is due: 23:59:59 local on the last day when the "
                "deadline is counted in days.")},
            "address": {**NULLABLE_STRING, "description": "Private."},
            "address_id": {**NULLABLE_STRING, "description": "Private."},
            "zipcode": NULLABLE_STRING,
            "lat": {"type": "number", "nullable": True, "description": "Private."},
            "long": {"type": "number", "nullable": True, "description": "Private."},
            "media_url": {**NULLABLE_STRING, "description": "Private."},
            "kind": {"type": "string", "enum": KIND_KEYS, "description": (
                "An extra field: the kind of case (the values of the KIND attribute) it is "
                "handled as.")},
        },
    },
    "ServiceRequests": {
        "type": "array", "maxItems": MAX_ROWS,
        "items": {"$ref": "#/components/schemas/ServiceRequest"},
    },
    "Created": {
        "type": "array", "minItems": 1, "maxItems": 1,
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["service_request_id", "service_notice", "account_id"],
            "properties": {
                "service_request_id": {"type": "string"},
                "service_notice": NULLABLE_STRING,
                "account_id": NULLABLE_STRING,
            },
        },
    },
    "Token": {
        "type": "array", "minItems": 1, "maxItems": 1,
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["service_request_id", "token"],
            "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
        },
    },
    "NewRequest": {
        "type": "object",
        "required": ["service_code"],
        "description": (
            "A location is required: lat and long, address_string or address_id. Answers to "
            "the service definition go in attribute[CODE] (attribute[CODE][] for several)."
        ),
        "properties": {
            "api_key": {"type": "string", "deprecated": True, "description": (
                "Discouraged: send the key in the X-Api-Key header instead. Accepted here and "
                "in the query string because GeoReport v2 says so.")},
            "service_code": {"type": "string"},
            "jurisdiction_id": {"type": "string", "description": "Accepted and ignored."},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "address_string": {"type": "string", "maxLength": 255},
            "address_id": {"type": "string", "maxLength": 64},
            "email": {"type": "string", "format": "email"},
            "device_id": {"type": "string", "description": "Accepted and ignored."},
            "account_id": {"type": "string", "description": "Accepted and ignored."},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "phone": {"type": "string"},
            "description": {"type": "string", "maxLength": 4000},
            "media_url": {"type": "string", "format": "uri"},
            "public_consent": {"type": "string", "enum": ["true", "false"], "description": (
                "Not in GeoReport v2: true when the citizen agrees that the request be listed "
                "publicly (without name or contact details). Default false.")},
        },
        "additionalProperties": {"type": "string"},
    },
}

COMMON_PARAMETERS = [
    {"name": "jurisdiction_id", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "Accepted and ignored: this endpoint serves one jurisdiction."},
    {"name": "lang", "in": "query", "required": False,
     "schema": {"type": "string", "enum": ["vi", "en"]},
     "description": "Language of names and messages (Vietnamese by default; Accept-Language "
                    "is read too)."},
]
API_KEY_HEADER = {
    "name": "X-Api-Key", "in": "header", "required": False, "schema": {"type": "string"},
    "description": "Your key. Required to file a request; on GET, optional: the key that filed "
                   "a request sees its private fields.",
}
API_KEY_QUERY = {
    "name": "api_key", "in": "query", "required": False, "deprecated": True,
    "schema": {"type": "string"},
    "description": "Discouraged: URLs end up in logs. Send the X-Api-Key header instead.",
}
ERROR_TEXT = {
    400: "The request is invalid (the body says why).",
    403: "Missing, invalid or revoked key.",
    404: ("No such service, request or token; also a request that is not publicly listed, "
          "unless the key that filed it is sent."),
    429: "Too many requests for this key (or, without a key, from this address).",
}


def _path_parameter(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _responses(fmt: str, schema: str, errors: tuple[int, ...]) -> dict:
    def content(ref: str) -> dict:
        if fmt == "json":
            return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}
        return {"text/xml": {}}

    responses = {"200": {"description": "OK", "content": content(schema)}}
    for code in (*errors, 429):
        responses[str(code)] = {"description": ERROR_TEXT[code], "content": content("Errors")}
    return responses


def _get(fmt: str, summary: str, schema: str, errors: tuple[int, ...], parameters=()) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": f"{summary.title().replace(' ', '')}{fmt.upper()}".replace("-", ""),
            "parameters": [*parameters, *COMMON_PARAMETERS],
            "responses": _responses(fmt, schema, errors),
        }
    }


def _paths(fmt: str) -> dict:
    request_filters = [
        {"name": "service_request_id", "in": "query", "required": False,
         "schema": {"type": "string"},
         "description": (
             "Comma-separated references (at most 1000); overrides every other filter. Only "
             "publicly listed cases, and those filed with the api_key sent, are answered; "
             "other references are left out of the list.")},
        {"name": "service_code", "in": "query", "required": False,
         "schema": {"type": "string"}, "description": "Comma-separated service codes."},
        {"name": "start_date", "in": "query", "required": False, "schema": W3C_DATETIME},
        {"name": "end_date", "in": "query", "required": False, "schema": W3C_DATETIME,
         "description": "With start_date: at most 90 days apart. Default: the last 90 days."},
        {"name": "status", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "open, closed, or both comma-separated."},
        API_KEY_HEADER,
        API_KEY_QUERY,
    ]
    requests_path = _get(fmt, "get requests", "ServiceRequests", (400, 403),
                         request_filters)
    requests_path["post"] = {
        "summary": "file a request",
        "operationId": f"PostRequest{fmt.upper()}",
        "parameters": [API_KEY_HEADER, *COMMON_PARAMETERS],
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {
                "schema": {"$ref": "#/components/schemas/NewRequest"}}},
        },
        "responses": _responses(fmt, "Created", (400, 403, 404)),
    }
    return {
        f"/discovery.{fmt}": _get(fmt, "discovery", "Discovery", ()),
        f"/services.{fmt}": _get(fmt, "get services", "Services", ()),
        f"/services/{{service_code}}.{fmt}": _get(
            fmt, "get service definition", "ServiceDefinition", (404,),
            [_path_parameter("service_code")]),
        f"/requests.{fmt}": requests_path,
        f"/requests/{{service_request_id}}.{fmt}": _get(
            fmt, "get request", "ServiceRequests", (403, 404),
            [_path_parameter("service_request_id"), API_KEY_HEADER, API_KEY_QUERY]),
        f"/tokens/{{token}}.{fmt}": _get(
            fmt, "get token", "Token", (404,), [_path_parameter("token")]),
    }


def openapi_document() -> dict:
    """The OpenAPI 3.0 document (a fresh copy each call)."""
    return deepcopy({
        "openapi": "3.0.3",
        "info": {
            "title": "Lắng Nghe Open311 GeoReport v2",
            "version": "2",
            "description": (
                "Open311 GeoReport v2 for citizens' feedback in Ho Chi Minh City. One "
                "jurisdiction. Services are the feedback categories; requests are cases, "
                "created at once (type realtime): POST answers the service_request_id, and "
                "tokens/{token} resolves the service_request_id of a request filed through this "
                "API to itself. Lists hold only publicly listed cases, newest first, at most "
                f"{MAX_ROWS}; by id, a case that is not listed is read only with the api_key "
                "that filed it (left out of lists, 404 alone); no contact details are ever "
                "returned."
            ),
        },
        "servers": [{"url": "/open311/v2"}],
        "paths": {**_paths("json"), **_paths("xml")},
        "components": {"schemas": SCHEMAS},
    })
