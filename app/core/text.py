"""Accent-folded text for search: "Ngập nước" and "ngap nuoc" match."""
from __future__ import annotations

import re

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case ASCII with Vietnamese accents removed and spaces collapsed.

    "Đường Nguyễn Huệ" becomes "duong nguyen hue".
    """
    if not text:
        return ""
    return _SPACES.sub(" ", unidecode(text).lower()).strip()


def search_text(*parts: str | None) -> str:
    """One folded string made of every searchable part of a case."""
    return " ".join(p for p in (fold(part) for part in parts) if p)


def mask_email(email: str | None) -> str:
    """An email with the name part hidden but its first letter: "c•••@example.vn"."""
    if not email or "@" not in email:
        return ""
    name, domain = email.rsplit("@", 1)
    return f"{name[:1]}{'•' * 3}@{domain}"
