"""Time helpers: everything is stored in UTC and shown in Asia/Ho_Chi_Minh."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import format_datetime

# The clock lives with the column type, under the models whose defaults read it.
from app.models.types import utcnow

__all__ = ["LOCAL_TZ", "local_datetime", "to_local", "utcnow"]

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def to_local(moment: datetime | None) -> datetime | None:
    """A stored UTC instant converted to Ho Chi Minh City time."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL_TZ)


def local_datetime(value: datetime | None, fmt: str = "dd/MM/yyyy HH:mm") -> str:
    """An instant in Ho Chi Minh City time, as Vietnamese offices write it."""
    if value is None:
        return ""
    return format_datetime(value, fmt)
