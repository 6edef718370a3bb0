"""Template filters, globals and context, for every page of every blueprint.

They are all installed here, so that turning one blueprint off breaks no other page.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import Flask, request, url_for
from flask_babel import format_date, format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.cases import access, labels
from app.core.links import external_url
from app.core.phone import display_phone
from app.core.text import mask_email
from app.core.timeutil import local_datetime
from app.deadlines.calendar import MINUTES_PER_WORKING_DAY
from app.deadlines.sla import Countdown, DeadlineState, due_text, format_due
from app.intake.attributes import answers_for
from app.intake.tracking import format_tracking_code
from app.models import CountUnit
from app.org.units import grouped_units
from app.scoring import labels as score_labels
from app.web.admin.labels import audit_changes, audit_label

# htmx settings: swap 422 (form errors) and 409 (conflicts) like 200, and show
# other errors in the message area; no eval, no inline styles (strict CSP).
HTMX_CONFIG = {
    "allowEval": False,
    "includeIndicatorStyles": False,
    "selfRequestsOnly": True,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "422", "swap": True},
        {"code": "409", "swap": True},
        {"code": "[45]..", "swap": True, "error": True},
    ],
}


def working_duration(minutes: int) -> str:
    """Working minutes as "3 h 20 min" (absolute value)."""
    minutes = abs(int(minutes))
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)d h %(m)d min", h=hours, m=rest)
    if hours:
        return _("%(h)d h", h=hours)
    return _("%(m)d min", m=rest)


def count_of(amount: int, unit: str) -> str:
    """A deadline's amount with how it is counted: "10 ngày", "7 ngày làm việc", "8 giờ làm việc"."""
    if unit == CountUnit.WORKING_HOURS:
        return ngettext("%(num)d working hour", "%(num)d working hours", amount)
    if unit == CountUnit.WORKING_DAYS:
        return ngettext("%(num)d working day", "%(num)d working days", amount)
    return ngettext("%(num)d day", "%(num)d days", amount)


def deadline_phrase(countdown: Countdown) -> str:
    """Where a running deadline stands, as officers say it.

    A date: "12/02/2027 · 2 working days left", "due today", "3 working days late". An
    hour count: the working time, in hours and minutes only under one working day.
    """
    if countdown.by_date:
        day = format_date(countdown.last_day, "dd/MM/yyyy")
        if countdown.days_left is None or countdown.state == DeadlineState.PAUSED:
            return _("due %(date)s", date=day)
        if countdown.days_left < 0:
            return _("due %(date)s · %(late)s late", date=day,
                     late=count_of(-countdown.days_left, CountUnit.WORKING_DAYS))
        if countdown.days_left == 0:
            return _("due today, %(date)s", date=day)
        return _("due %(date)s · %(left)s left", date=day,
                 left=count_of(countdown.days_left, CountUnit.WORKING_DAYS))
    minutes = abs(countdown.minutes_left)
    amount = (count_of(minutes // MINUTES_PER_WORKING_DAY, CountUnit.WORKING_DAYS)
              if minutes >= MINUTES_PER_WORKING_DAY else working_duration(minutes))
    if countdown.minutes_left < 0:
        return _("late by %(d)s", d=amount)
    return _("%(d)s left", d=amount)


def deadline_badge_text(countdown: Countdown) -> str:
    """The deadline badge's words: the state, then where the deadline stands; when the
    phrase already says how late the case is, the state is not said a second time."""
    phrase = deadline_phrase(countdown)
    says_late = (countdown.days_left is not None and countdown.days_left < 0
                 if countdown.by_date else countdown.minutes_left < 0)
    if countdown.state == DeadlineState.OVERDUE and says_late:
        return phrase[:1].upper() + phrase[1:]
    return f"{labels.DEADLINE[countdown.state]}: {phrase}"


def mask_phone(phone: str | None) -> str:
    """A phone number with all but the last three digits hidden."""
    if not phone:
        return ""
    return "•" * max(len(phone) - 3, 0) + phone[-3:]


def filesize(size: int) -> str:
    """A file size for people: "820 KB", "2.4 MB"."""
    if size < 1024 * 1024:
        return _("%(n)s KB", n=format_decimal(max(1, round(size / 1024))))
    return _("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1)))


NO_VALUE = "—"


def number(value, decimals: int = 1, fixed: bool = False) -> str:
    """A number in the reader's language: "84,4" in Vietnamese, "84.4" in English.

    Up to ``decimals`` decimals, trailing zeros dropped ("3", not "3.00") unless ``fixed``
    (a column of scores keeps one decimal each); None (no data) is a dash.
    """
    if value is None:
        return NO_VALUE
    digits = ("0" if fixed else "#") * decimals
    return format_decimal(value, "#,##0" + ("." + digits if decimals else ""))


def percent(rate, decimals: int = 1) -> str:
    """A rate of 0–1 as a percentage in the reader's language: "95,0 %" (vi), "95.0%" (en)."""
    if rate is None:
        return NO_VALUE
    digits = "." + "0" * decimals if decimals else ""
    space = "\u00a0" if str(get_locale() or "vi").startswith("vi") else ""
    return format_percent(rate, "#,##0" + digits + space + "%")


def multiply_or_none(value, factor):
    """value × factor, keeping None (no data) as None, for charts."""
    return None if value is None else value * factor


def zip_with(first, second):
    """Pairs of two sequences, for chart items."""
    return zip(list(first), list(second))


def local_date(day, fmt: str = "dd/MM/yyyy") -> str:
    """A calendar date (already local: no time zone to convert) in the reader's language."""
    return format_date(day, fmt)


def machine_time(moment: datetime) -> str:
    """An instant as HTML's datetime attribute accepts it: to the second, with its offset
    (Python's isoformat would give microseconds, which the HTML standard does not allow)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def lang_url(lang: str) -> str:
    """The current page in another language."""
    view_args = request.view_args or {}
    # A query parameter named like a part of the address must not take its place.
    args = {key: value for key, value in request.args.items() if key not in view_args}
    args["lang"] = lang
    if request.endpoint and request.method == "GET":
        return url_for(request.endpoint, **view_args, **args)
    return url_for("public.home", lang=lang)


def register(app: Flask) -> None:
    """Install the filters and globals on the Jinja environment."""
    app.jinja_env.filters.update(
        local_datetime=local_datetime,
        local_date=local_date,
        machine_time=machine_time,
        working_duration=working_duration,
        tracking=format_tracking_code,
        mask_phone=mask_phone,
        phone=display_phone,
        filesize=filesize,
        mask_email=mask_email,
        multiply_or_none=multiply_or_none,
        deadline_phrase=deadline_phrase,
        deadline_badge_text=deadline_badge_text,
        due_text=due_text,
        format_due=format_due,
        zip_with=zip_with,
        number=number,
        percent=percent,
    )
    app.jinja_env.globals.update(
        labels=labels,
        score_labels=score_labels,
        access=access,
        count_of=count_of,
        case_answers=answers_for,
        audit_label=audit_label,
        audit_changes=audit_changes,
        lang_url=lang_url,
        unit_groups=grouped_units,
        external_url=external_url,
        htmx_config=json.dumps(HTMX_CONFIG),
        current_locale=lambda: str(get_locale() or "vi"),
        current_user=current_user,
    )
