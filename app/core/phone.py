"""Phone numbers written the one way the product stores them (E.164)."""
from __future__ import annotations

import phonenumbers


def normalise_phone(raw: str | None, region: str = "VN") -> str | None:
    """A phone number in E.164 form (+84...), or None when it is not a valid number."""
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(stored: str | None, region: str = "VN") -> str:
    """A stored (E.164) number as people write it: "028 3829 1234" or "0901 234 567" at
    home, "+1 202-555-0123" from abroad; what cannot be parsed is shown as stored."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, region)
    except phonenumbers.NumberParseException:
        return stored
    home = phonenumbers.region_code_for_number(number) == region
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else (
        phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)
