"""app/core/phone.py: numbers stored one way (E.164), shown the way people write them."""
from __future__ import annotations

import pytest

from app.core.phone import display_phone, normalise_phone


@pytest.mark.parametrize(("typed", "stored"), [
    ("0901 234 567", "+84901234567"),
    ("028 3829 1234", "+842838291234"),
    ("+84 28 3829 1234", "+842838291234"),
    ("12", None),
    ("", None),
])
def test_numbers_are_stored_in_e164(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(("stored", "shown"), [
    ("+842838291234", "028 3829 1234"),   # a Ho Chi Minh City landline
    ("+84901234567", "0901 234 567"),     # a mobile
    ("+12025550123", "+1 202-555-0123"),  # from abroad: with its country code
    ("not a number", "not a number"),
    (None, ""),
])
def test_stored_numbers_are_shown_as_people_write_them(stored, shown):
    assert display_phone(stored) == shown
