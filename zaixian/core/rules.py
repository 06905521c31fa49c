"""Pure rules of the shared services: the working-day calendar and personal-data masking.

Nothing here touches the database; ``workdays`` feeds these functions with the admin-entered
schedule, and the masking helpers are used wherever personal data is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from lunardate import LunarDate

ONE_DAY = timedelta(days=1)


# --- The working-day calendar -------------------------------------------------------------


@dataclass(frozen=True)
class YearCalendar:
    """The exceptions to the ordinary Monday to Friday week for one year.

    ``holidays`` are days off (a weekend day may be listed too, it changes nothing);
    ``workdays`` are weekend days worked (调休上班). ``is_provisional`` is true when the year
    was computed from the statutory rules because no official schedule is known yet.
    """

    year: int
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    is_provisional: bool = False
    source: str = "official"

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5


def _bundled_years() -> tuple[int, int]:
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


BUNDLED_FIRST_YEAR, BUNDLED_LAST_YEAR = _bundled_years()


def bundled_year_calendar(year: int) -> YearCalendar | None:
    """The schedule shipped in the ``chinesecalendar`` package, or None outside its years."""
    if not BUNDLED_FIRST_YEAR <= year <= BUNDLED_LAST_YEAR:
        return None
    return YearCalendar(
        year=year,
        holidays=frozenset(day for day in chinese_calendar.holidays if day.year == year),
        workdays=frozenset(day for day in chinese_calendar.workdays if day.year == year),
        source="chinesecalendar",
    )


def _lunar(year: int, month: int, day: int) -> date | None:
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:  # outside the lunar table (1900-2099): no lunar festivals then
        return None


def _qingming(year: int) -> date | None:
    try:
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    except NotImplementedError:  # the solar-term formula covers 1900-2100
        return None
    return next((day for day, name in terms if name == "清明"), None)


def statutory_holidays(year: int) -> dict[date, str]:
    """The public holidays fixed by the 全国年节及纪念日放假办法 (as revised by State Council
    Decree No. 798, in force from 2025), article 2: New Year 1 day, Spring Festival 4 days
    (New Year's Eve to the 3rd day of the first lunar month), Qingming 1 day, Labour Day
    2 days, Dragon Boat 1 day, Mid-Autumn 1 day, National Day 3 days.

    The lunar dates are converted with ``lunardate``; Qingming is the solar term.
    """
    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    spring_festival = _lunar(year, 1, 1)
    if spring_festival is not None:
        for offset in range(-1, 3):
            days[spring_festival + timedelta(days=offset)] = "春节"
    qingming = _qingming(year)
    if qingming is not None:
        days[qingming] = "清明节"
    days[date(year, 5, 1)] = days[date(year, 5, 2)] = "劳动节"
    dragon_boat = _lunar(year, 5, 5)
    if dragon_boat is not None:
        days[dragon_boat] = "端午节"
    mid_autumn = _lunar(year, 8, 15)
    if mid_autumn is not None:
        days[mid_autumn] = "中秋节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    return {day: name for day, name in days.items() if day.year == year}


def fallback_year_calendar(year: int) -> YearCalendar:
    """A provisional year from weekends and the statutory holidays alone.

    Article 6 of the same measures: a holiday for all citizens that falls on a Saturday or
    Sunday is made up on a working day, so we move it to the next free weekday. The State
    Council's bridging days and adjusted working days cannot be predicted, hence provisional.
    """
    holidays = set(statutory_holidays(year))
    for day in sorted(holidays):
        if day.weekday() >= 5:
            make_up = day + ONE_DAY
            while make_up.weekday() >= 5 or make_up in holidays:
                make_up += ONE_DAY
            if make_up.year == year:
                holidays.add(make_up)
    return YearCalendar(
        year=year, holidays=frozenset(holidays), is_provisional=True, source="statutory"
    )


def merge_year_calendar(
    base: YearCalendar, *, holidays: set[date], workdays: set[date], is_complete: bool
) -> YearCalendar:
    """An administrator's entries for a year, on top of ``base`` unless they are complete."""
    if is_complete:
        return YearCalendar(
            year=base.year,
            holidays=frozenset(holidays),
            workdays=frozenset(workdays),
            source="admin",
        )
    return YearCalendar(
        year=base.year,
        holidays=frozenset((base.holidays - workdays) | holidays),
        workdays=frozenset((base.workdays - holidays) | workdays),
        is_provisional=base.is_provisional,
        source="admin+" + base.source,
    )


CalendarLookup = Callable[[int], YearCalendar]


@dataclass(frozen=True)
class Deadline:
    """A computed deadline; ``is_provisional`` when a day in the period came from the
    statutory fallback rather than an official schedule, so the UI can say "预计"."""

    date: date
    is_provisional: bool


def add_working_days_with(calendars: CalendarLookup, start: date, n: int) -> Deadline:
    """The ``n``-th working day after ``start`` (``start`` is not counted).

    ``n == 0`` returns ``start`` itself, even on a day off: zero working days means "today",
    and a caller that needs the next working day asks for ``n=1``.
    """
    if n < 0:
        raise ValueError("n must be zero or positive")
    day = start
    is_provisional = False
    remaining = n
    while remaining:
        day += ONE_DAY
        calendar = calendars(day.year)
        is_provisional = is_provisional or calendar.is_provisional
        if calendar.is_working_day(day):
            remaining -= 1
    return Deadline(date=day, is_provisional=is_provisional)


def working_days_between_with(calendars: CalendarLookup, start: date, end: date) -> int:
    """Working days in the half-open period (start, end]; negative when ``end`` is earlier.

    So ``working_days_between(start, add_working_days(start, n)) == n``, and a deadline that
    passed three working days ago gives -3 counted from the deadline.
    """
    if end < start:
        return -working_days_between_with(calendars, end, start)
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if calendars(day.year).is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


# --- Personal data: masking and resident ID numbers --------------------------------------

MASK = "*"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CODES = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


def id_number_check_code(first17: str) -> str:
    """The check character of a resident ID number, GB 11643-1999 §8.2 (ISO 7064 MOD 11-2)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CODES[total % 11]


def is_valid_id_number(value: str) -> bool:
    """True for an 18-character citizen identity number (GB 11643-1999) whose birth date
    exists and whose check character is right. A lower-case ``x`` is accepted."""
    value = value.strip().upper()
    if not _ID_PATTERN.match(value):
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return id_number_check_code(value[:17]) == value[17]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``: the operator prefix and the last four digits stay,
    which is what a caller needs to recognise a number."""
    value = value.strip()
    if len(value) >= 8:
        return value[:3] + MASK * (len(value) - 7) + value[-4:]
    if len(value) > 2:
        return MASK * (len(value) - 2) + value[-2:]
    return MASK * len(value)


def mask_id_number(value: str) -> str:
    """Keep the region code (6) and the last four characters; hide the birth date."""
    value = value.strip()
    if len(value) > 10:
        return value[:6] + MASK * (len(value) - 10) + value[-4:]
    return MASK * len(value)


def mask_name(value: str) -> str:
    """``张三`` → ``张*``, ``王小明`` → ``王*明``: the surname (and the last character of longer
    names) stay, as in published case replies."""
    value = value.strip()
    if len(value) <= 1:
        return MASK * len(value)
    if len(value) == 2:
        return value[0] + MASK
    return value[0] + MASK * (len(value) - 2) + value[-1]


_ADDRESS_PREFIX = re.compile(
    r"^(?:.{2,8}?(?:省|自治区|特别行政区))?"
    r"(?:.{1,9}?(?:自治州|地区|盟|市))?"
    r"(?:.{1,9}?(?:区|县|旗|市))?"
)


def mask_address(value: str) -> str:
    """Keep the administrative divisions (province, city, county or district) and hide the
    street, number and room, which identify the household."""
    value = value.strip()
    if not value:
        return ""
    match = _ADDRESS_PREFIX.match(value)
    kept = match.group(0) if match else ""
    if not kept or len(kept) > len(value) - 2:
        kept = value[: len(value) // 3]
    return kept + MASK * 4


# --- Unified social credit codes and mobile numbers --------------------------------------

# GB 32100-2015 §4: the code's 31 characters are the digits and the capital letters without
# I, O, Z, S and V (which are easily confused with 1, 0, 2, 5 and U).
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_PATTERN = re.compile(rf"^[{CREDIT_CODE_CHARS}]{{18}}$")
# GB 32100-2015 appendix A, table A.1: the registration departments (1 机构编制, 2 外交,
# 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商/市场监管, A 中央军委改革和编制办公室,
# N 农业, Y 其他). The organisation category (the 2nd character) is a digit 1-9 under each.
CREDIT_CODE_DEPARTMENTS = frozenset("123456789ANY")
# The first two digits of the administrative division code (GB/T 2260): the provinces, plus
# "10" for the central organs, which register under 100000.
_DIVISION_PROVINCES = frozenset(
    {"10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36"}
    | {"37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62"}
    | {"63", "64", "65", "71", "81", "82"}
)
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check_char(first8: str) -> str:
    """The check character of a 9-character organisation code, GB 11714-1997 §5: digits
    count as themselves and letters A-Z as 10-35; 11 - (weighted sum mod 11), with 10 written
    ``X`` and 11 written ``0``."""
    total = sum(
        (int(char) if char.isdigit() else ord(char) - ord("A") + 10) * weight
        for char, weight in zip(first8, _ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_check_char(first17: str) -> str:
    """The check character (18th) of a unified social credit code, GB 32100-2015 §5.3:
    31 - (weighted sum of the first 17 characters' values mod 31), 31 written ``0``."""
    total = sum(
        CREDIT_CODE_CHARS.index(char) * weight
        for char, weight in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    """True for an 18-character unified social credit code (GB 32100-2015 §4): registration
    department and organisation category, a six-digit administrative division code, a
    nine-character organisation code with its own check character (GB 11714), and the
    code's check character. Lower case is accepted."""
    value = value.strip().upper()
    if not _CREDIT_CODE_PATTERN.match(value):
        return False
    if value[0] not in CREDIT_CODE_DEPARTMENTS or not "1" <= value[1] <= "9":
        return False
    division = value[2:8]
    if not division.isdigit() or division[:2] not in _DIVISION_PROVINCES:
        return False
    if organisation_code_check_char(value[8:16]) != value[16]:
        return False
    return credit_code_check_char(value[:17]) == value[17]


_MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def is_valid_mobile_phone(value: str) -> bool:
    """True for an 11-digit mainland mobile number (1, then 3-9, then nine digits)."""
    return bool(_MOBILE_PATTERN.match(value.strip()))
