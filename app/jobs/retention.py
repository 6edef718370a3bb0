"""Periodic: erase the contact details and files of cases finished long ago."""
from __future__ import annotations

from flask import current_app

from app.cases import privacy
from app.core.timeutil import utcnow


def sweep() -> int:
    """Erase what the retention period no longer allows us to keep; returns how many cases."""
    return privacy.retention_sweep(utcnow(), current_app.config["RETENTION_MONTHS"])
