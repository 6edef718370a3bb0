"""Tracking codes: secret, random, easy to read out over the phone.

The alphabet leaves out 0/O, 1/I/L and U/V look-alikes, so a code spoken or
hand-written comes back unambiguous. Twelve symbols from 29 give about 58 bits.
"""
from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 12
GROUP = 4


def new_tracking_code() -> str:
    """A fresh random code, stored without separators."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_tracking_code(raw: str | None) -> str | None:
    """The stored form of a code a citizen typed, or None if it cannot be one.

    Spaces, dashes and case are ignored.
    """
    if not raw:
        return None
    code = "".join(ch for ch in raw.upper() if ch not in " -._")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def format_tracking_code(code: str) -> str:
    """The code in groups of four, as printed for the citizen: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
