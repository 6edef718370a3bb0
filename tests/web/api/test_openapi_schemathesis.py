"""A bounded schemathesis run against /open311/v2/openapi.json: every operation, valid and
invalid input, no server error, and every answer as the description says."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 8


def _steer(case, data, api_data) -> None:
    """Point some generated values at real data so that the run goes past the first 404."""
    references = [api_data.public_open, api_data.public_closed, api_data.private_api,
                  api_data.private_web]
    path = case.path_parameters or {}
    if "service_code" in path:
        path["service_code"] = data.draw(st.sampled_from(["THUE", "BHXH", path["service_code"]]))
    for name in ("service_request_id", "token"):
        if name in path:
            path[name] = data.draw(st.sampled_from([*references, path[name]]))
    if case.headers is not None and "X-Api-Key" in case.headers:
        case.headers["X-Api-Key"] = data.draw(
            st.sampled_from([api_data.key, case.headers["X-Api-Key"]]))
    if case.method == "POST" and isinstance(case.body, dict):
        case.body.pop("api_key", None)
        case.headers = {**(case.headers or {}), "X-Api-Key": api_data.key}
        case.body["service_code"] = data.draw(
            st.sampled_from(["THUE", "BHXH", "KHAC", str(case.body.get("service_code", ""))]))
        if data.draw(st.booleans()):  # a request that can be filed, with generated extras
            for name in ("email", "phone", "media_url", "address_id", "address_string"):
                case.body.pop(name, None)
            case.body.update({"lat": 10.77, "long": 106.7, "attribute[LOAI]": "TNCN",
                              "description": case.body.get("description") or "Mô tả"})
    if case.method == "GET" and case.query is not None and "api_key" in case.query:
        case.query["api_key"] = data.draw(st.sampled_from([api_data.key, case.query["api_key"]]))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_conforms_to_the_description(app, api_data, mode):
    schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 14  # 7 operations, each as .json and .xml
    calls = []

    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
        def run(case, data):
            if mode == GenerationMode.POSITIVE:
                _steer(case, data, api_data)
            response = case.call_and_validate(checks=CHECKS)
            calls.append((operation.label, response.status_code))

        run()

    statuses = {status for _label, status in calls}
    assert len({label for label, _ in calls}) == 14
    assert max(statuses) < 500
    if mode == GenerationMode.POSITIVE:
        assert ("POST /requests.json", 200) in calls and ("POST /requests.xml", 200) in calls
        assert ("GET /requests/{service_request_id}.json", 200) in calls
    else:
        assert statuses & {400, 403, 404}
