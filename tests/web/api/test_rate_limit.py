"""Rate limits: one budget per api_key across endpoints, one per address without a key."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from app import create_app
from app.config import TestingConfig


def _limited_client(tmp_path, database_url):
    app = create_app(TestingConfig, instance_path=str(tmp_path / "limited"),
                     SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                     RATELIMIT_STRATEGY="moving-window",
                     OPEN311_REQUESTS_PER_MINUTE=2, OPEN311_ANONYMOUS_REQUESTS_PER_MINUTE=3)
    return app.test_client()


def _post(client, key: str, fmt: str = "json"):
    return client.post(f"/open311/v2/requests.{fmt}?lang=en", data={
        "api_key": key, "service_code": "THUE", "address_string": "1 Lê Lợi",
        "description": "Thử giới hạn", "attribute[LOAI]": "TNCN"})


def test_a_key_gets_429_with_the_spec_body_past_its_limit(tmp_path, database_url, api_data):
    client = _limited_client(tmp_path, database_url)
    assert _post(client, api_data.key).status_code == 200
    # Reads with the key spend the same budget as posts.
    assert client.get(f"/open311/v2/services.json?api_key={api_data.key}").status_code == 200
    refused = _post(client, api_data.key)
    assert refused.status_code == 429
    assert refused.get_json() == [{"code": 429, "description":
                                   "Too many requests. Wait a minute and try again."}]
    xml = _post(client, api_data.key, "xml")
    assert xml.status_code == 429 and ET.fromstring(xml.data).findtext("error/code") == "429"
    # Another key has its own budget.
    assert _post(client, api_data.other_key).status_code == 200


def test_callers_without_a_key_share_a_budget_per_address(tmp_path, database_url, api_data):
    client = _limited_client(tmp_path, database_url)
    codes = [client.get("/open311/v2/services.xml").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Guessing keys counts against the address too.
    assert _post(client, "ln311_guess").status_code == 429
    # A valid key is not held back by the address's budget.
    assert _post(client, api_data.key).status_code == 200
