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
