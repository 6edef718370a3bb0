"""Working-time arithmetic in Vietnamese office hours.

Pure Python (stdlib + ``holidays``); no Flask, no database. Everything the
rest of the application needs to turn "N working days/hours" into a due
instant, and to measure how much working time elapsed between two instants.

Rules
-----
* A working day is Monday to Friday, except Vietnamese public holidays as
  listed by ``holidays.country_holidays("VN")`` (Tết, observed days and the
  weekdays off of the government's swaps included). ``public_holidays`` loads
  them, lazily and cached per year and language; every other module asks it
  rather than the package (a test checks).
* The package also lists the Saturdays worked in exchange for those swapped
  weekdays off (``weekend_workdays``; e.g. Sat 4/5/2024 for Mon 29/4/2024).
  ``package_workdays`` reads them, so that a swap the package lists is whole:
  reading only its day off would lose a working day.
* Extra days off (``WorkingCalendar.days_off``) and make-up working days
  (``WorkingCalendar.makeup_days``), the CalendarDay rows recorded by admins
  from the government's letters, override the package. Precedence, highest
  first:
  1. an extra day off (CalendarDay ``day_off``) is never a working day;
  2. a make-up day (CalendarDay ``working_day``) is a working day with the
     normal shifts, even on a Saturday/Sunday or a date the package lists;
  3. a Saturday/Sunday the package lists as worked is a working day;
  4. a public holiday (package) is not a working day;
  5. otherwise Monday-Friday work, Saturday/Sunday do not.
  Swaps the package does not list (2/1/2026 for 10/1/2026, in release 0.109)
  must be recorded as CalendarDay rows.
* Office hours are the shifts (default 07:30-11:30 and 13:00-17:00), wall
  clock time in the calendar's time zone (default Asia/Ho_Chi_Minh).
* "N working days" means N * ``MINUTES_PER_WORKING_DAY`` (480) working
  minutes, independent of the configured shifts.

Time handling
-------------
All public methods take timezone-aware datetimes in any zone (naive ones
raise ``ValueError``) and return aware datetimes in UTC. Amounts are whole
minutes (``int``), but the arithmetic is exact: seconds and microseconds of
the start are kept, so 10:00:30 plus one working minute is 10:01:30.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "DEFAULT_SHIFTS",
    "HOLIDAY_LANGUAGES",
    "LOCAL_TZ",
    "MAX_SPAN_DAYS",
    "HOLIDAYS_RELEASE",
    "MINUTES_PER_WORKING_DAY",
    "WorkingCalendar",
    "holiday_name",
    "package_workdays",
    "public_holidays",
]

DEFAULT_SHIFTS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 0), time(17, 0)),
)
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MINUTES_PER_WORKING_DAY = 480
MAX_SPAN_DAYS = 20 * 366
"""Longest span, in calendar days, that any computation may walk through."""

_UTC = timezone.utc
_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)

Period = tuple[datetime, datetime]
# The reader's locale -> the language the `holidays` package names VN holidays in.
HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}
HOLIDAYS_RELEASE: str = holidays.__version__
"""The release of the `holidays` package the public holidays come from (shown to admins)."""


class _PackageYear(NamedTuple):
    """What the `holidays` package lists for one year in one language."""

    names: Mapping[date, str]
    workdays: frozenset[date]


def public_holidays(year: int, locale: str = "vi") -> Mapping[date, str]:
    """Vietnamese public holidays of one year: date -> name in the reader's language.

    Loaded once per year and language, then served from memory. An unknown
    locale gets the Vietnamese names.
    """
    return _load_holidays(year, HOLIDAY_LANGUAGES.get(locale, "vi")).names


def package_workdays(year: int) -> frozenset[date]:
    """Saturdays/Sundays of ``year`` the package lists as worked under a government swap.

    They are the other half of the swapped weekdays off that ``public_holidays``
    lists; read from the same cached load.
    """
    return _load_holidays(year, "vi").workdays


def holiday_name(day: date, locale: str = "vi") -> str | None:
    """The public holiday on ``day`` in the reader's language, or None."""
    _require_plain_date(day, "day")
    return public_holidays(day.year, locale).get(day)


@lru_cache(maxsize=None)
def _load_holidays(year: int, language: str) -> _PackageYear:
    loaded = holidays.country_holidays("VN", years=year, language=language)
    return _PackageYear(
        MappingProxyType({day: name for day, name in loaded.items() if day.year == year}),
        frozenset(day for day in getattr(loaded, "weekend_workdays", ()) if day.year == year),
    )


def _require_aware(value: datetime, name: str) -> None:
    """Raise unless ``value`` is a timezone-aware datetime."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")


def _require_count(value: int, name: str) -> None:
    """Raise unless ``value`` is a non-negative ``int`` (``bool`` rejected)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


def _require_plain_date(value: date, name: str) -> None:
    """Raise unless ``value`` is a ``date`` (a ``datetime`` is ambiguous here)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")


@dataclass(frozen=True)
class WorkingCalendar:
    """Office-hours calendar: which instants count as working time.

    ``days_off`` and ``makeup_days`` are typically loaded from CalendarDay
    rows; any iterable of ``date`` is accepted and stored as a frozenset.
    Construction raises ``ValueError`` for an empty, unordered or overlapping
    list of shifts, so every computation is guaranteed to make progress.
    """

    days_off: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    shifts: tuple[tuple[time, time], ...] = DEFAULT_SHIFTS
    tz: ZoneInfo = LOCAL_TZ

    def __post_init__(self) -> None:
        """Normalise the collections and validate the shifts and time zone."""
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        object.__setattr__(self, "makeup_days", frozenset(self.makeup_days))
        object.__setattr__(self, "shifts", tuple((begin, end) for begin, end in self.shifts))
        for day in self.days_off | self.makeup_days:
            _require_plain_date(day, "calendar day")
        if not isinstance(self.tz, tzinfo):
            raise TypeError(f"tz must be a tzinfo, not {type(self.tz).__name__}")
        if not self.shifts:
            raise ValueError("a working calendar needs at least one shift")
        previous_end: time | None = None
        for begin, end in self.shifts:
            if not isinstance(begin, time) or not isinstance(end, time):
                raise TypeError("shift bounds must be datetime.time values")
            if begin.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("shift bounds are wall-clock times and must be naive")
            if begin >= end:
                raise ValueError(f"shift {begin}-{end} must end after it starts")
            if previous_end is not None and begin < previous_end:
                raise ValueError("shifts must be in order and must not overlap")
            previous_end = end

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` (a local calendar date) has office hours.

        Extra days off win over everything, then make-up days, then the
        package's swapped working Saturdays, then public holidays, then the
        Monday-Friday rule (see the module's docstring).
        """
        _require_plain_date(day, "day")
        if day in self.days_off:
            return False
        if day in self.makeup_days or day in package_workdays(day.year):
            return True
        if day in public_holidays(day.year):
            return False
        return day.weekday() < 5

    def holiday_name(self, day: date, locale: str = "vi") -> str | None:
        """Name of the public holiday on ``day`` per ``holidays``, else None.

        This is a plain lookup: it ignores ``days_off`` and ``makeup_days``,
        so use :meth:`is_working_day` to know whether the office is open.
        """
        return holiday_name(day, locale)

    def periods(self, start: datetime, end: datetime) -> list[Period]:
        """Working periods (UTC, aware) inside [start, end), in order.

        Each period lies within a single shift of a single working day;
        periods are clipped to ``start`` and ``end``. Returns an empty list
        when ``end <= start``. Spans longer than ``MAX_SPAN_DAYS`` calendar
        days raise ``ValueError``.
        """
        _require_aware(start, "start")
        _require_aware(end, "end")
        return list(self._periods(start, end))

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Whole working minutes in [start, end) (0 if end <= start).

        The working time is measured exactly and floored to whole minutes: a
        subtraction of the two instants' places on the working-time line (see
        ``working_day_number``), whatever the span. Spans longer than
        ``MAX_SPAN_DAYS`` calendar days raise ``ValueError``.
        """
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end <= start:
            return 0
        first, last = start.astimezone(self.tz), end.astimezone(self.tz)
        if (last.date() - first.date()).days > MAX_SPAN_DAYS:
            raise ValueError(f"span of {(last.date() - first.date()).days} days exceeds "
                             f"the limit of {MAX_SPAN_DAYS} days")
        return (self._working_time_at(last) - self._working_time_at(first)) // _ONE_MINUTE

    def working_day_number(self, day: date) -> int:
        """The working days before ``day``, counted from a fixed origin.

        Two days' numbers differ by the working days between them, so "how many
        working days from A to B" is a subtraction, however far apart they are.
        The numbers are built a year at a time and kept per calendar (a calendar is
        a value: the same days off, make-up days and shifts share one table).
        """
        _require_plain_date(day, "day")
        return _day_numbers(self).number(day)

    def _working_time_at(self, local: datetime) -> timedelta:
        """Working time from the origin of ``working_day_number`` up to the local instant."""
        day = local.date()
        elapsed = timedelta()
        if self.is_working_day(day):
            moment = local.replace(tzinfo=None)
            for begin, end in self.shifts:
                start, finish = datetime.combine(day, begin), datetime.combine(day, end)
                if moment > start:
                    elapsed += min(moment, finish) - start
        return self.working_day_number(day) * self._day_length() + elapsed

    def _day_length(self) -> timedelta:
        """The wall-clock length of one working day's shifts."""
        return sum((datetime.combine(date.min, end) - datetime.combine(date.min, begin)
                    for begin, end in self.shifts), timedelta())

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        """The earliest instant at which ``minutes`` working minutes have elapsed since start.

        ``minutes == 0`` returns the start instant unchanged (converted to
        UTC), even outside office hours. ``minutes < 0`` raises ``ValueError``.
        A result landing exactly on the end of a shift stays there (11:30,
        17:00); it does not jump to the next shift. Seconds of the start are
        preserved. Raises ``ValueError`` if the working time cannot be found
        within ``MAX_SPAN_DAYS`` calendar days.
        """
        _require_aware(start, "start")
        _require_count(minutes, "minutes")
        origin = start.astimezone(_UTC)
        if minutes == 0:
            return origin
        remaining = timedelta(minutes=minutes)
        for begin, finish in self._windows_from(origin):
            available = finish - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise ValueError(
            f"{minutes} working minutes do not fit within {MAX_SPAN_DAYS} days of {origin.isoformat()}"
        )

    def add_working_hours(self, start: datetime, hours: int) -> datetime:
        """Due instant ``hours`` working hours after ``start`` (``hours * 60`` minutes)."""
        _require_count(hours, "hours")
        return self.add_working_minutes(start, hours * 60)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Due instant ``days`` working days after ``start``.

        One working day is ``MINUTES_PER_WORKING_DAY`` (480) working minutes,
        whatever the shifts are, so a case received at 15:00 is due at 15:00
        on the N-th following working day.
        """
        _require_count(days, "days")
        return self.add_working_minutes(start, days * MINUTES_PER_WORKING_DAY)

    def explain(self, start: datetime, minutes: int) -> tuple[datetime, list[Period]]:
        """Due instant and the working periods counted to reach it.

        The periods are exactly those of ``periods(start, due)``; their
        durations add up to ``minutes``. For ``minutes == 0`` the list is empty.
        """
        due = self.add_working_minutes(start, minutes)
        return due, self.periods(start, due)

    def _day_windows(self, day: date) -> list[Period]:
        """The shifts of ``day`` as UTC intervals, or [] if it is not a working day."""
        if not self.is_working_day(day):
            return []
        return [
            (
                datetime.combine(day, begin, tzinfo=self.tz).astimezone(_UTC),
                datetime.combine(day, end, tzinfo=self.tz).astimezone(_UTC),
            )
            for begin, end in self.shifts
        ]

    def _windows_from(self, origin: datetime) -> Iterator[Period]:
        """Working windows from ``origin`` on, clipped to it, for at most MAX_SPAN_DAYS days."""
        day = origin.astimezone(self.tz).date()
        for _ in range(MAX_SPAN_DAYS + 1):
            for begin, finish in self._day_windows(day):
                if finish > origin:
                    yield max(begin, origin), finish
            day += _ONE_DAY

    def _periods(self, start: datetime, end: datetime) -> Iterator[Period]:
        """Working periods inside [start, end) (both already validated as aware)."""
        origin = start.astimezone(_UTC)
        limit = end.astimezone(_UTC)
        if limit <= origin:
            return
        span = (limit.astimezone(self.tz).date() - origin.astimezone(self.tz).date()).days
        if span > MAX_SPAN_DAYS:
            raise ValueError(f"span of {span} days exceeds the limit of {MAX_SPAN_DAYS} days")
        for begin, finish in self._windows_from(origin):
            if begin >= limit:
                return
            yield begin, min(finish, limit)


class _DayNumbers:
    """Working-day numbers of one calendar, built a year at a time around the first year asked."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self._calendar = calendar
        # year -> (working days before 1 January, working days before each day of the year;
        # one entry more than the year has days, the last being the year's total).
        self._years: dict[int, tuple[int, list[int]]] = {}

    def number(self, day: date) -> int:
        entry = self._years.get(day.year) or self._build(day.year)
        base, before = entry
        return base + before[day.timetuple().tm_yday - 1]

    def _count(self, year: int) -> list[int]:
        counts, total, day = [0], 0, date(year, 1, 1)
        while day.year == year:
            total += self._calendar.is_working_day(day)
            counts.append(total)
            day += _ONE_DAY
        return counts

    def _build(self, year: int) -> tuple[int, list[int]]:
        if not self._years:
            self._years[year] = (0, self._count(year))
        while year > max(self._years):
            last = max(self._years)
            base, before = self._years[last]
            self._years[last + 1] = (base + before[-1], self._count(last + 1))
        while year < min(self._years):
            first = min(self._years)
            counts = self._count(first - 1)
            self._years[first - 1] = (self._years[first][0] - counts[-1], counts)
        return self._years[year]


# The numbers of the calendars in use (a few: the office's, and one per change of its days).
_NUMBERS: dict[WorkingCalendar, _DayNumbers] = {}
_NUMBERS_KEPT = 8


def _day_numbers(calendar: WorkingCalendar) -> _DayNumbers:
    numbers = _NUMBERS.get(calendar)
    if numbers is None:
        if len(_NUMBERS) >= _NUMBERS_KEPT:
            _NUMBERS.pop(next(iter(_NUMBERS)))
        numbers = _NUMBERS[calendar] = _DayNumbers(calendar)
    return numbers
