"""The working-day calendar every deadline in every module uses.

Sources, in order of precedence:

1. the years an administrator entered in the admin (``HolidaySchedule`` + ``CalendarDay``),
   because the State Council publishes each next year's schedule in the autumn;
2. the ``chinesecalendar`` package (official schedules up to the last year it ships);
3. weekends plus the statutory holidays (``rules.fallback_year_calendar``), marked provisional:
   a deadline in a year nobody has entered yet is an estimate, never an error.

The admin-entered years are read once and kept in the cache; saving or deleting a schedule or
a day bumps a version number that retires every cached year (see ``signal_handlers``).
"""

from __future__ import annotations

from datetime import date

from django.core.cache import cache

from zaixian.core import rules
from zaixian.core.models import CalendarDay, HolidaySchedule
from zaixian.core.rules import Deadline, YearCalendar

__all__ = [
    "Deadline",
    "add_working_days",
    "deadline",
    "invalidate_calendar_cache",
    "is_provisional",
    "is_working_day",
    "working_days_between",
    "year_calendar",
]

_VERSION_KEY = "zaixian:core:workdays:version"
_CACHE_SECONDS = 24 * 60 * 60


def _version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(_VERSION_KEY, version, timeout=None)
    return int(version)


def invalidate_calendar_cache() -> None:
    """Retire every cached year (called when a schedule or calendar day changes)."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # the key was never set or was evicted: start a fresh version
        cache.set(_VERSION_KEY, _version() + 1, timeout=None)


def _load_year_calendar(year: int) -> YearCalendar:
    base = rules.bundled_year_calendar(year) or rules.fallback_year_calendar(year)
    schedule = HolidaySchedule.objects.filter(year=year).first()
    if schedule is None:
        return base
    holidays: set[date] = set()
    workdays: set[date] = set()
    # Days are filtered by date, not only by schedule, so a day entered under the wrong
    # year cannot leak into another year's calendar.
    for day, kind in CalendarDay.objects.filter(schedule=schedule, date__year=year).values_list(
        "date", "kind"
    ):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return rules.merge_year_calendar(
        base, holidays=holidays, workdays=workdays, is_complete=schedule.is_complete
    )


def year_calendar(year: int) -> YearCalendar:
    """The calendar of one year from the best source available (cached)."""
    key = f"zaixian:core:workdays:{_version()}:{year}"
    calendar = cache.get(key)
    if calendar is None:
        calendar = _load_year_calendar(year)
        cache.set(key, calendar, timeout=_CACHE_SECONDS)
    return calendar


class _RequestCalendars:
    """Looks each year up once per computation (a deadline spans one or two years)."""

    def __init__(self) -> None:
        self._years: dict[int, YearCalendar] = {}

    def __call__(self, year: int) -> YearCalendar:
        if year not in self._years:
            self._years[year] = year_calendar(year)
        return self._years[year]


def is_working_day(day: date) -> bool:
    """True when government offices work on ``day`` (adjusted working days included)."""
    return year_calendar(day.year).is_working_day(day)


def is_provisional(day: date) -> bool:
    """True when ``day``'s year is only estimated from the statutory rules."""
    return year_calendar(day.year).is_provisional


def deadline(start: date, n: int) -> Deadline:
    """The ``n``-th working day after ``start`` with a flag telling whether it is provisional.
    ``n=0`` returns ``start``; a negative ``n`` is a programming error (ValueError)."""
    return rules.add_working_days_with(_RequestCalendars(), start, n)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start``, which itself is not counted."""
    return deadline(start, n).date


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: after ``start``, up to and including ``end``.
    Negative when ``end`` is before ``start``."""
    return rules.working_days_between_with(_RequestCalendars(), start, end)
