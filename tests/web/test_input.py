"""Input no route can use: NUL characters (400), ids beyond the database's range (404),
numbers and dates out of range (a field error), query parameters named like address parts."""
from __future__ import annotations

import pytest

from tests.factories import EMAILS


def test_a_nul_character_anywhere_is_a_bad_request_in_the_users_language(client, world, auth):
    auth.login(EMAILS["officer_thue"])
    for url in ("/cases?q=a%00b", "/cases/AB%00CD", "/track/AB%00CD"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "Không thể xử lý yêu cầu" in response.get_data(as_text=True), url


def test_a_nul_character_in_a_form_is_a_bad_request(client, world):
    response = client.post("/feedback/new", data={"title": "a\x00b"})
    assert response.status_code == 400


@pytest.mark.parametrize("number", [2**31, 2**63])
def test_an_id_beyond_the_database_range_is_not_found(client, world, auth, number):
    assert client.get(f"/track/ABCD2345EFGH/files/{number}").status_code == 404
    auth.login(EMAILS["admin"])
    assert client.get(f"/admin/units/{number}/edit").status_code == 404


@pytest.mark.parametrize("query", [
    "received_from=0001-01-01", "received_to=9999-12-31", "category=2147483648",
])
def test_queue_filters_out_of_range_are_field_errors(client, world, auth, query):
    auth.login(EMAILS["officer_thue"])
    response = client.get(f"/cases?{query}")
    assert response.status_code in (200, 422)


def test_arrivals_since_a_moment_out_of_range_counts_from_now(client, world, auth):
    auth.login(EMAILS["officer_thue"])
    response = client.get("/cases/arrivals?since=0001-01-01T00:00:00%2B23:59")
    assert response.status_code == 200


def test_an_audit_filter_beyond_the_database_range_is_a_field_error(client, world, auth):
    auth.login(EMAILS["admin"])
    response = client.get("/admin/audit?actor=9223372036854775808&date_from=0001-01-01")
    assert response.status_code == 422
    assert "1900" in response.get_data(as_text=True)


def test_a_query_parameter_named_like_an_address_part_does_not_break_the_page(client, world):
    response = client.get("/track/ABCD2345EFGH?code=other")
    assert response.status_code == 404
