from datetime import date

from zaixian.core import workdays
from zaixian.core.models import CalendarDay
from zaixian.core.tests.factories import CalendarDayFactory, HolidayScheduleFactory


def test_2024_national_day_from_bundled_data(db):
    assert [workdays.is_working_day(date(2024, 10, d)) for d in range(1, 8)] == [False] * 7
    assert workdays.is_working_day(date(2024, 9, 29)) is True
    assert workdays.is_working_day(date(2024, 10, 12)) is True
    assert workdays.add_working_days(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert workdays.working_days_between(date(2024, 9, 27), date(2024, 10, 12)) == 7


def test_2025_spring_festival_from_bundled_data(db):
    assert workdays.is_working_day(date(2025, 1, 26)) is True
    assert workdays.is_working_day(date(2025, 1, 28)) is False
    assert workdays.is_working_day(date(2025, 2, 4)) is False
    assert workdays.is_working_day(date(2025, 2, 8)) is True
    assert workdays.deadline(date(2025, 1, 27), 1) == workdays.Deadline(date(2025, 2, 5), False)


def test_admin_entered_2027_overrides_fallback(db):
    schedule = HolidayScheduleFactory(year=2027, is_complete=True)
    for day in range(1, 8):
        CalendarDayFactory(schedule=schedule, date=date(2027, 10, day))
    CalendarDayFactory(schedule=schedule, date=date(2027, 9, 26), kind=CalendarDay.Kind.WORKDAY)

    assert workdays.is_working_day(date(2027, 9, 26)) is True  # a Sunday, entered as worked
    assert workdays.is_working_day(date(2027, 10, 6)) is False
    # The statutory fallback would take Monday 8 February 2027 (Spring Festival) off; a
    # complete admin schedule that does not list it is authoritative.
    assert workdays.is_working_day(date(2027, 2, 8)) is True
    assert workdays.deadline(date(2027, 9, 30), 1) == workdays.Deadline(date(2027, 10, 8), False)
    assert workdays.is_provisional(date(2027, 5, 1)) is False


def test_incomplete_admin_year_stays_provisional(db):
    schedule = HolidayScheduleFactory(year=2027, is_complete=False)
    CalendarDayFactory(schedule=schedule, date=date(2027, 2, 7), kind=CalendarDay.Kind.WORKDAY)

    assert workdays.is_working_day(date(2027, 2, 7)) is True
    assert workdays.is_working_day(date(2027, 2, 8)) is False  # from the statutory fallback
    assert workdays.is_provisional(date(2027, 2, 8)) is True


def test_year_nobody_entered_is_provisional_not_an_error(db):
    result = workdays.deadline(date(2028, 9, 29), 3)

    # 1-3 October 2028 off (Mid-Autumn is 3 October too); Sunday the 1st made up on the 4th.
    assert result == workdays.Deadline(date(2028, 10, 9), True)  # Thu 5, Fri 6, Mon 9
    assert workdays.is_provisional(date(2028, 1, 1)) is True


def test_saving_a_day_retires_the_cached_year(db):
    assert workdays.is_working_day(date(2027, 9, 26)) is False  # cached as a fallback Sunday

    CalendarDayFactory(date=date(2027, 9, 26), kind=CalendarDay.Kind.WORKDAY)

    assert workdays.is_working_day(date(2027, 9, 26)) is True


def test_deleting_a_schedule_retires_the_cached_year(db):
    day = CalendarDayFactory(date=date(2027, 9, 26), kind=CalendarDay.Kind.WORKDAY)
    assert workdays.is_working_day(date(2027, 9, 26)) is True

    day.schedule.delete()

    assert workdays.is_working_day(date(2027, 9, 26)) is False


def test_year_calendar_is_read_from_the_database_once(db, django_assert_num_queries):
    HolidayScheduleFactory(year=2027)
    with django_assert_num_queries(2):
        workdays.add_working_days(date(2027, 1, 4), 30)

    with django_assert_num_queries(0):
        workdays.add_working_days(date(2027, 1, 4), 30)
