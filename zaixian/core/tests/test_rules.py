from datetime import date

import pytest

from zaixian.core import rules
from zaixian.core.rules import YearCalendar


def bundled_or_fallback(year):
    return rules.bundled_year_calendar(year) or rules.fallback_year_calendar(year)


@pytest.mark.parametrize(
    ("day", "is_working"),
    [
        (date(2024, 9, 29), True),  # Sunday, adjusted working day before National Day
        (date(2024, 9, 30), True),
        *[(date(2024, 10, d), False) for d in range(1, 8)],  # National Day week
        (date(2024, 10, 8), True),
        (date(2024, 10, 12), True),  # Saturday, adjusted working day
        (date(2024, 10, 13), False),
        (date(2025, 1, 26), True),  # Sunday worked before the Spring Festival
        *[(date(2025, 1, d), False) for d in range(28, 32)],
        *[(date(2025, 2, d), False) for d in range(1, 5)],
        (date(2025, 2, 5), True),
        (date(2025, 2, 8), True),  # Saturday worked after the Spring Festival
        (date(2025, 10, 8), False),  # National Day and Mid-Autumn together in 2025
        (date(2025, 10, 11), True),
    ],
)
def test_bundled_calendar_matches_official_schedule(day, is_working):
    assert rules.bundled_year_calendar(day.year).is_working_day(day) is is_working


def test_bundled_calendar_is_not_provisional_and_stops_at_its_last_year():
    assert rules.bundled_year_calendar(2026).is_provisional is False
    assert rules.bundled_year_calendar(rules.BUNDLED_LAST_YEAR + 1) is None


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2028, 1, 1), "元旦"),
        (date(2028, 1, 25), "春节"),  # New Year's Eve; lunar new year is 26 January 2028
        (date(2028, 1, 28), "春节"),
        (date(2028, 4, 4), "清明节"),
        (date(2028, 5, 1), "劳动节"),
        (date(2028, 5, 2), "劳动节"),
        (date(2028, 5, 28), "端午节"),
        (date(2028, 10, 1), "国庆节"),
        (date(2028, 10, 3), "国庆节"),  # Mid-Autumn falls on the same day in 2028
        (date(2030, 9, 12), "中秋节"),
    ],
)
def test_statutory_holidays_computed_from_lunar_and_solar_dates(day, name):
    assert rules.statutory_holidays(day.year)[day] == name


def test_statutory_holidays_match_the_known_2025_dates():
    holidays = rules.statutory_holidays(2025)

    assert date(2025, 1, 28) in holidays  # New Year's Eve
    assert date(2025, 5, 31) in holidays  # Dragon Boat
    assert date(2025, 10, 6) in holidays  # Mid-Autumn
    assert date(2025, 4, 4) in holidays  # Qingming
    assert len(holidays) == 1 + 4 + 1 + 2 + 1 + 1 + 3


@pytest.mark.parametrize(
    ("day", "is_working"),
    [
        (date(2028, 1, 1), False),  # Saturday holiday
        (date(2028, 1, 3), False),  # ... made up on Monday
        (date(2028, 1, 4), True),
        (date(2028, 1, 24), True),
        (date(2028, 1, 26), False),
        (date(2028, 5, 29), False),  # Dragon Boat on Sunday 28 May, made up on Monday
        (date(2028, 10, 4), False),  # National Day's Sunday made up after 3 October
        (date(2028, 10, 5), True),
        (date(2028, 7, 8), False),  # an ordinary Saturday
    ],
)
def test_fallback_calendar_uses_weekends_and_statutory_holidays(day, is_working):
    calendar = rules.fallback_year_calendar(day.year)

    assert calendar.is_working_day(day) is is_working
    assert calendar.is_provisional is True


def test_fallback_calendar_beyond_lunar_table_still_answers():
    calendar = rules.fallback_year_calendar(2150)

    assert calendar.is_working_day(date(2150, 10, 1)) is False
    assert calendar.is_provisional is True


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 9, 30), 0, date(2024, 9, 30)),
        (date(2024, 10, 3), 0, date(2024, 10, 3)),  # zero days: the start, even a holiday
        (date(2024, 9, 27), 1, date(2024, 9, 29)),  # Friday + 1 = the adjusted Sunday
        (date(2024, 9, 30), 1, date(2024, 10, 8)),  # across National Day
        (date(2024, 10, 3), 1, date(2024, 10, 8)),  # starting inside the holiday
        (date(2024, 10, 11), 1, date(2024, 10, 12)),  # the adjusted Saturday counts
        (date(2024, 9, 27), 7, date(2024, 10, 12)),
        (date(2025, 1, 24), 2, date(2025, 1, 27)),  # Fri → Sun 26 (worked) → Mon 27
        (date(2025, 1, 27), 1, date(2025, 2, 5)),  # across the Spring Festival
        (date(2024, 12, 30), 3, date(2025, 1, 3)),  # across the year boundary and New Year
    ],
)
def test_add_working_days_on_official_dates(start, n, expected):
    result = rules.add_working_days_with(bundled_or_fallback, start, n)

    assert result.date == expected
    assert result.is_provisional is False


def test_add_working_days_rejects_negative_count():
    with pytest.raises(ValueError, match="positive"):
        rules.add_working_days_with(bundled_or_fallback, date(2024, 1, 1), -1)


def test_deadline_reaching_uncovered_year_is_provisional():
    result = rules.add_working_days_with(bundled_or_fallback, date(2026, 12, 28), 5)

    assert result.date.year == 2027
    assert result.is_provisional is True


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 9, 27), date(2024, 10, 12), 7),
        (date(2024, 10, 12), date(2024, 9, 27), -7),
        (date(2024, 10, 1), date(2024, 10, 7), 0),
        (date(2024, 10, 7), date(2024, 10, 8), 1),
        (date(2024, 10, 8), date(2024, 10, 8), 0),
    ],
)
def test_working_days_between(start, end, expected):
    assert rules.working_days_between_with(bundled_or_fallback, start, end) == expected


@pytest.mark.parametrize("n", [0, 1, 5, 20, 60])
def test_working_days_between_inverts_add_working_days(n):
    start = date(2024, 9, 20)
    end = rules.add_working_days_with(bundled_or_fallback, start, n).date

    assert rules.working_days_between_with(bundled_or_fallback, start, end) == n


def test_incomplete_admin_year_keeps_base_days_it_does_not_override():
    base = rules.fallback_year_calendar(2028)

    merged = rules.merge_year_calendar(
        base, holidays={date(2028, 6, 2)}, workdays={date(2028, 1, 3)}, is_complete=False
    )

    assert merged.is_working_day(date(2028, 6, 2)) is False
    assert merged.is_working_day(date(2028, 1, 3)) is True
    assert merged.is_working_day(date(2028, 1, 26)) is False
    assert merged.is_provisional is True


def test_complete_admin_year_replaces_base():
    base = rules.fallback_year_calendar(2028)

    merged = rules.merge_year_calendar(
        base, holidays={date(2028, 6, 2)}, workdays=set(), is_complete=True
    )

    assert merged.is_working_day(date(2028, 1, 26)) is True
    assert merged.is_provisional is False
    assert merged == YearCalendar(year=2028, holidays=frozenset({date(2028, 6, 2)}), source="admin")


# --- personal data -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002X", True),  # the example in GB 11643-1999
        ("11010519491231002x", True),
        ("440524188001010014", True),
        ("110105194912310021", False),  # wrong check character
        ("11010519491331002X", False),  # month 13
        ("11010519490230002X", False),  # 30 February
        ("1101051949123100", False),
        ("11010519491231002Y", False),
        ("", False),
        ("１１０１０５１９４９１２３１００２Ｘ", False),
    ],
)
def test_is_valid_id_number(value, expected):
    assert rules.is_valid_id_number(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        (" 13812345678 ", "138****5678"),
        ("03562345678", "035****5678"),
        ("12345", "***45"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_phone(value, expected):
    assert rules.mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002X", "110105********002X"),
        ("110105491231002", "110105*****1002"),  # old 15-digit number
        ("12345", "*****"),
    ],
)
def test_mask_id_number(value, expected):
    assert rules.mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("张三", "张*"), ("王小明", "王*明"), ("欧阳娜娜", "欧**娜"), ("李", "*"), ("", "")],
)
def test_mask_name(value, expected):
    assert rules.mask_name(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("山西省晋城市城区泽州路123号", "山西省晋城市城区****"),
        ("北京市朝阳区建国路88号院3号楼", "北京市朝阳区****"),
        ("晋城市泽州县南村镇东村5号", "晋城市泽州县****"),
        ("泽州路123号", "泽州****"),
        ("", ""),
    ],
)
def test_mask_address(value, expected):
    assert rules.mask_address(value) == expected
