"""Statistics of the service hall: every figure from real cases moved by the engine, scoped to
the departments the user sees."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from zaixian.cases import actions as case_actions
from zaixian.cases.tests.factories import make_officer
from zaixian.core.tests.factories import DepartmentFactory, UserFactory
from zaixian.core.workdays import is_working_day, working_days_between
from zaixian.services import actions, reports
from zaixian.services.models import (
    Application,
    MonthlyFigures,
    ServiceItem,
    ServiceRating,
    StatisticsMonth,
)
from zaixian.services.tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db

YEAR_2025 = reports.StatisticsFilters(period=reports.StatisticsPeriod.year(2025))


def _at(day):
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone.get_current_timezone())


def make_case(
    item,
    applicant,
    officer,
    *,
    submitted,
    accepted=None,
    stopped=None,
    decided=None,
    decision="approve",
):
    """An application case moved through the engine on the given days: ``stopped`` is a
    (request correction, corrected) pair of days."""
    case = case_actions.create_case(
        case_type="services.application",
        department=item.department,
        title=item.name,
        applicant=applicant,
        applicant_name="王小明",
        applicant_phone="13912345678",
        statutory_days=item.statutory_days,
        promised_days=item.promised_days,
        submitted_at=_at(submitted),
    )
    Application.objects.create(
        item=item, applicant=applicant, case=case, submitted_at=case.submitted_at
    )
    if accepted:
        case_actions.transition_case(case=case, transition="accept", actor=officer, today=accepted)
    if stopped:
        case_actions.transition_case(
            case=case,
            transition="request_correction",
            actor=officer,
            note="请补正营业执照",
            today=stopped[0],
        )
        case_actions.transition_case(
            case=case, transition="correct", actor=applicant, today=stopped[1]
        )
    if decided:
        case_actions.transition_case(
            case=case, transition=decision, actor=officer, note="不符合条件", today=decided
        )
    case.refresh_from_db()
    return case


@pytest.fixture
def city():
    return DepartmentFactory(name="晋城市人民政府", code="JCS", kind="government")


@pytest.fixture
def bureau(city):
    return DepartmentFactory(parent=city, name="晋城市市场监督管理局", code="SCJG")


@pytest.fixture
def transport(city, bureau):
    # Departments are kept in code order: a code after SCJG leaves the bureau's path alone.
    return DepartmentFactory(parent=city, name="晋城市交通运输局", code="YSJT")


@pytest.fixture
def licence(bureau):
    return ServiceItemFactory(department=bureau, code="SCJG-001", name="食品经营许可")


@pytest.fixture
def permit(transport):
    return ServiceItemFactory(department=transport, code="YSJT-001", name="道路运输经营许可")


@pytest.fixture
def payment(bureau):
    return ServiceItemFactory(
        department=bureau,
        code="SCJG-002",
        name="小微企业补贴",
        kind=ServiceItem.Kind.PAYMENT,
        statutory_days=20,
        promised_days=5,
    )


@pytest.fixture
def bureau_officer(bureau):
    return make_officer(bureau)


@pytest.fixture
def transport_officer(transport):
    return make_officer(transport)


@pytest.fixture
def city_leader(city):
    return make_officer(city, roles=("leader",))


@pytest.fixture
def applicant():
    return UserFactory()


@pytest.fixture
def hall(licence, permit, payment, bureau_officer, transport_officer, applicant):
    """A small year: two licences decided in March (one after a correction), a payment
    decided late in April, one refusal, one case still under examination, one of December
    2024 decided in January 2025, and a transport permit submitted in 2024 only."""
    cases = {
        "corrected": make_case(
            licence,
            applicant,
            bureau_officer,
            submitted=date(2025, 3, 3),
            accepted=date(2025, 3, 4),
            stopped=(date(2025, 3, 6), date(2025, 3, 12)),
            decided=date(2025, 3, 20),
        ),
        "quick": make_case(
            licence,
            applicant,
            bureau_officer,
            submitted=date(2025, 3, 10),
            accepted=date(2025, 3, 10),
            decided=date(2025, 3, 14),
            decision="deny",
        ),
        "late": make_case(
            payment,
            applicant,
            bureau_officer,
            submitted=date(2025, 4, 1),
            accepted=date(2025, 4, 1),
            decided=date(2025, 4, 30),
        ),
        "open": make_case(
            licence,
            applicant,
            bureau_officer,
            submitted=date(2025, 5, 6),
            accepted=date(2025, 5, 7),
        ),
        "carried": make_case(
            permit,
            applicant,
            transport_officer,
            submitted=date(2024, 12, 20),
            accepted=date(2024, 12, 23),
            decided=date(2025, 1, 8),
        ),
        "old": make_case(permit, applicant, transport_officer, submitted=date(2024, 11, 4)),
    }
    refused = make_case(licence, applicant, bureau_officer, submitted=date(2025, 5, 8))
    case_actions.transition_case(
        case=refused, transition="refuse", actor=bureau_officer, note="不属于本部门职责"
    )
    cases["refused"] = refused
    return cases


def _days(case):
    return working_days_between(case.clock_started_on, case.finished_on) - case.suspended_days


def test_totals_count_each_figure_by_its_own_event(hall, city_leader):
    stats = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    total = stats.total
    assert total.received == 5  # corrected, quick, late, open, refused
    assert total.accepted == 4  # corrected, quick, late, open
    assert total.concluded == 4  # corrected, quick, late, carried (decided 2025-01-08)
    assert total.on_time == sum(
        1 for key in ("corrected", "quick", "late", "carried") if hall[key].is_on_time
    )
    assert hall["late"].is_on_time is False


def test_average_working_days_follow_the_engine_clock(hall, city_leader):
    stats = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    decided = [hall[key] for key in ("corrected", "quick", "late", "carried")]
    expected = sum(_days(case) for case in decided) / len(decided)
    assert stats.total.average_working_days == round(expected, 1)
    assert hall["corrected"].suspended_days > 0


def test_months_are_zero_filled_and_dated_by_event(hall, city_leader):
    stats = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    months = {row.key: row.figures for row in stats.months}
    assert len(months) == 12
    assert months[date(2025, 1, 1)].concluded == 1
    assert months[date(2025, 1, 1)].received == 0
    assert months[date(2025, 3, 1)].received == 2
    assert months[date(2025, 3, 1)].concluded == 2
    assert months[date(2025, 4, 1)].on_time == 0
    assert months[date(2025, 5, 1)].received == 2
    assert months[date(2025, 12, 1)].received == 0


def test_departments_and_items_are_rolled_up(hall, city_leader, licence, payment, permit):
    stats = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    departments = {row.code: row.figures for row in stats.departments}
    assert departments["SCJG"].received == 5
    assert departments["YSJT"].received == 0
    assert departments["YSJT"].concluded == 1
    items = {row.key: row for row in stats.items}
    assert items[licence.pk].figures.concluded == 2
    assert items[licence.pk].department == "晋城市市场监督管理局"
    assert items[payment.pk].figures.average_working_days == _days(hall["late"])
    assert items[permit.pk].figures.accepted == 0


def test_licences_completed_counts_decided_licence_cases_only(hall, city_leader):
    stats = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    # corrected, quick (a denial is a decision too) and the carried-over permit; not the
    # payment item, not the refusal, not the case still under examination
    assert stats.licences_completed == 3
    assert reports.licences_completed(year=2025) == 3
    assert reports.licences_completed(year=2024) == 0


def test_month_range_narrows_every_figure(hall, city_leader):
    period = reports.StatisticsPeriod.months_of(date(2025, 3, 1), date(2025, 4, 1))

    stats = reports.service_statistics(
        user=city_leader, filters=reports.StatisticsFilters(period=period)
    )

    assert [row.label for row in stats.months] == ["2025-03", "2025-04"]
    assert stats.total.received == 3
    assert stats.total.concluded == 3


def test_department_and_item_filters(hall, city_leader, transport, licence):
    by_department = reports.service_statistics(
        user=city_leader,
        filters=reports.StatisticsFilters(period=YEAR_2025.period, department_id=transport.pk),
    )
    by_item = reports.service_statistics(
        user=city_leader,
        filters=reports.StatisticsFilters(period=YEAR_2025.period, item_id=licence.pk),
    )

    assert by_department.total.concluded == 1
    assert [row.code for row in by_department.departments] == ["YSJT"]
    assert by_item.total.received == 4
    assert [row.key for row in by_item.items] == [licence.pk]


def test_officer_sees_only_their_department(hall, transport_officer):
    stats = reports.service_statistics(user=transport_officer, filters=YEAR_2025)

    assert [row.code for row in stats.departments] == ["YSJT"]
    assert stats.total.received == 0
    assert stats.total.concluded == 1


def test_filter_on_a_department_out_of_view_gives_nothing(hall, transport_officer, bureau):
    stats = reports.service_statistics(
        user=transport_officer,
        filters=reports.StatisticsFilters(period=YEAR_2025.period, department_id=bureau.pk),
    )

    assert stats.total == reports.Figures()
    assert stats.departments == []


@pytest.mark.parametrize("roles", [(), ("editor",)])
def test_users_without_a_statistics_role_see_nothing(hall, bureau, roles):
    user = make_officer(bureau, roles=roles)

    assert not reports.may_view_statistics(user)
    assert reports.service_statistics(user=user, filters=YEAR_2025).total == reports.Figures()


def test_case_accepted_long_before_the_period_counts_its_days(
    licence, applicant, bureau_officer, city_leader
):
    case = make_case(
        licence,
        applicant,
        bureau_officer,
        submitted=date(2023, 6, 1),
        accepted=date(2023, 6, 1),
        stopped=(date(2023, 6, 5), date(2023, 6, 9)),
        decided=date(2025, 2, 10),
    )

    stats = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    assert stats.total.concluded == 1
    assert stats.total.average_working_days == _days(case)
    assert _days(case) > 300


def test_ratings_are_summarised_per_department_and_item(hall, city_leader, licence):
    for key, grade in (("corrected", 5), ("quick", 1)):
        ServiceRating.objects.create(
            case=hall[key],
            item=licence,
            department=licence.department,
            grade=grade,
            created_at=_at(date(2025, 3, 25)),
        )

    stats = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    (department_row,) = stats.ratings_by_department
    assert (department_row.count, department_row.average, department_row.bad) == (2, 3.0, 1)
    assert department_row.bad_rate == 50.0
    assert [row.key for row in stats.ratings_by_item] == [licence.pk]


def _warm_calendar():
    """Read the calendar years the statistics look back into, so the counts below are the
    statistics' own queries."""
    for year in (2023, 2024, 2025):
        is_working_day(date(year, 1, 1))


def test_statistics_take_a_fixed_number_of_queries(hall, city_leader, django_assert_num_queries):
    _warm_calendar()

    # roles, departments, stored months (none), received, accepted, concluded, long-running,
    # ratings, items
    with django_assert_num_queries(9):
        reports.service_statistics(user=city_leader, filters=YEAR_2025)


def test_cached_months_are_not_read_again(hall, city_leader, django_assert_num_queries):
    reports.service_statistics(user=city_leader, filters=YEAR_2025)

    # departments, items (the user's roles are known by now): the months come from the cache
    with django_assert_num_queries(2):
        again = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    assert again.total.received == 5


def test_current_month_is_recomputed_after_invalidation(
    licence, applicant, bureau_officer, city_leader
):
    today = timezone.localdate()
    this_month = reports.StatisticsFilters(period=reports.StatisticsPeriod.months_of(today, today))
    before = reports.service_statistics(user=city_leader, filters=this_month)
    make_case(licence, applicant, bureau_officer, submitted=today)

    cached = reports.service_statistics(user=city_leader, filters=this_month)
    reports.invalidate_statistics_cache()
    fresh = reports.service_statistics(user=city_leader, filters=this_month)

    assert before.total.received == cached.total.received == 0
    assert fresh.total.received == 1


def test_two_runs_of_missing_months_are_computed_separately(
    hall, city_leader, django_assert_num_queries
):
    march = reports.StatisticsFilters(
        period=reports.StatisticsPeriod.months_of(date(2025, 3, 1), date(2025, 3, 1))
    )
    reports.service_statistics(user=city_leader, filters=march)
    _warm_calendar()

    # departments, stored months (none), 2 runs (Jan–Feb, Apr–Dec) × 5 figure queries, items
    with django_assert_num_queries(13):
        stats = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    assert stats.total.received == 5


# --- Stored months (the nightly job) ------------------------------------------------------


def _figures(stats):
    return (
        [(row.label, vars(row.figures)) for row in stats.months],
        [(row.code, vars(row.figures)) for row in stats.departments],
        [(row.code, vars(row.figures)) for row in stats.items],
        [(row.code, row.count, row.grade_total, row.bad) for row in stats.ratings_by_item],
        stats.licences_completed,
    )


def test_stored_months_give_the_figures_counted_from_the_cases(hall, city_leader):
    counted = reports.service_statistics(user=city_leader, filters=YEAR_2025)

    stored = actions.store_statistics_months(today=date(2026, 3, 15))
    reports.invalidate_statistics_cache()
    read = reports.service_statistics(user=city_leader, filters=YEAR_2025, today=date(2026, 3, 15))

    # from the first application's month (Nov 2024) to the month before "today" (Feb 2026),
    # and March up to yesterday
    assert stored == 17
    assert StatisticsMonth.objects.count() == 17
    assert StatisticsMonth.objects.get(month=date(2026, 3, 1)).through == date(2026, 3, 14)
    assert MonthlyFigures.objects.filter(summary__month__year=2025).exists()
    assert _figures(read) == _figures(counted)
    assert read.total.received == 5


def test_stored_months_are_read_instead_of_the_cases(
    hall, city_leader, licence, applicant, bureau_officer, django_assert_num_queries
):
    actions.store_statistics_months(today=date(2026, 3, 15))
    reports.invalidate_statistics_cache()
    _warm_calendar()
    # A case with a past date that the stored months do not know (an import, say)
    make_case(licence, applicant, bureau_officer, submitted=date(2025, 6, 2))

    # roles, departments, stored months, their figures, items: no query over the cases
    with django_assert_num_queries(5):
        before = reports.service_statistics(
            user=city_leader, filters=YEAR_2025, today=date(2026, 3, 15)
        )
    actions.rebuild_statistics_months(today=date(2026, 3, 15))
    after = reports.service_statistics(user=city_leader, filters=YEAR_2025, today=date(2026, 3, 15))

    assert before.total.received == 5
    assert after.total.received == 6


def test_storing_skips_stored_months_and_counts_the_current_one_to_yesterday(hall, city_leader):
    # Nov 2024–Jun 2025 whole, July to the 9th
    assert actions.store_statistics_months(today=date(2025, 7, 10)) == 9
    assert actions.store_statistics_months(today=date(2025, 7, 10)) == 0
    # July again (now whole) and August; on the 1st nothing of September is over yet
    assert actions.store_statistics_months(today=date(2025, 9, 1)) == 2

    stored = list(StatisticsMonth.objects.values_list("month", "through"))
    assert [month for month, _through in stored] == [date(2024, 11, 1), date(2024, 12, 1)] + [
        date(2025, m, 1) for m in range(1, 9)
    ]
    assert all(through == reports.month_end(month) for month, through in stored)


def test_the_current_month_is_stored_to_yesterday_and_today_is_counted_live(
    hall, city_leader, licence, applicant, bureau_officer, django_assert_num_queries
):
    today = date(2025, 5, 20)
    may = reports.StatisticsFilters(period=reports.StatisticsPeriod.months_of(today, today))
    actions.store_statistics_months(today=today)
    reports.invalidate_statistics_cache()
    _warm_calendar()
    make_case(licence, applicant, bureau_officer, submitted=date(2025, 5, 12))  # not stored
    make_case(licence, applicant, bureau_officer, submitted=today)

    # roles, departments, stored months, their figures, today's received, accepted,
    # concluded, long-running and ratings, items
    with django_assert_num_queries(10):
        stats = reports.service_statistics(user=city_leader, filters=may, today=today)

    # 6 and 8 May from the stored figures, today from the cases; the 12th was stored without it
    assert stats.total.received == 3


def test_the_nightly_job_is_scheduled():
    from zaixian.core.scheduler import PERIODIC_JOBS

    job = next(job for job in PERIODIC_JOBS if job.name == "service-statistics-months")

    assert job.load_task().name == "store_statistics_months_task"


def test_period_rejects_a_backwards_range():
    with pytest.raises(ValueError, match="cannot end before"):
        reports.StatisticsPeriod(date(2025, 5, 1), date(2025, 4, 1))


# --- The admin page and its export ----------------------------------------------------------

STATISTICS_URL = "/admin/services/statistics/"


def test_page_shows_tables_and_charts_to_a_leader(hall, city_leader, client):
    client.force_login(city_leader)

    response = client.get(STATISTICS_URL, {"year": 2025})

    assert response.status_code == 200
    body = response.content.decode()
    assert "食品经营许可" in body
    assert 'id="monthly-title"' in body
    assert 'id="departments-title"' in body
    assert response.context["figures"].total.received == 5


def test_page_takes_a_fixed_number_of_queries(hall, city_leader, client, django_assert_num_queries):
    client.force_login(city_leader)
    client.get(STATISTICS_URL, {"year": 2025})  # fills the cache and Wagtail's own caches

    # session, user, permissions (2), Wagtail's profile, roles, the user's department, the
    # departments seen, the item choices, the items of the figures, and Wagtail's menu with
    # the other modules' items (9)
    with django_assert_num_queries(19):
        response = client.get(STATISTICS_URL, {"year": 2025})

    assert response.status_code == 200


def test_page_filters_by_month_range_and_item(hall, city_leader, client, licence):
    client.force_login(city_leader)

    response = client.get(
        STATISTICS_URL, {"start": "2025-03", "end": "2025-04", "item": licence.pk}
    )

    figures = response.context["figures"]
    assert [row.label for row in figures.months] == ["2025-03", "2025-04"]
    assert figures.total.received == 2


@pytest.mark.parametrize(
    "params",
    [{"start": "2025-13"}, {"start": "2025-05", "end": "2025-02"}, {"start": "2020-01"}],
)
def test_page_explains_a_bad_period_and_shows_the_current_year(city_leader, client, params):
    client.force_login(city_leader)

    response = client.get(STATISTICS_URL, params)

    assert response.status_code == 200
    assert response.context["filter_form"].errors
    assert response.context["figures"].period.first_month.year == timezone.localdate().year


def test_officer_cannot_choose_another_departments_figures(hall, transport_officer, bureau, client):
    client.force_login(transport_officer)

    response = client.get(STATISTICS_URL, {"year": 2025, "department": bureau.pk})

    figures = response.context["figures"]
    assert "department" in response.context["filter_form"].errors  # not one of the choices
    assert figures.filters.department_id is None
    assert "SCJG" not in {row.code for row in figures.departments}


def test_page_is_refused_to_an_editor(hall, bureau, client):
    client.force_login(make_officer(bureau, roles=("editor",)))

    response = client.get(STATISTICS_URL)
    export = client.get(STATISTICS_URL + "export/")

    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert (export.status_code, export["Location"]) == (302, "/admin/")


def test_page_sends_the_public_to_the_login(client, applicant):
    client.force_login(applicant)

    response = client.get(STATISTICS_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_export_has_one_sheet_per_table_with_chinese_headers(hall, city_leader, client):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(city_leader)

    response = client.get(STATISTICS_URL + "export/", {"year": 2025})

    assert response.status_code == 200
    assert "service-statistics-202501-202512.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["汇总", "按月份", "按部门", "按事项", "各部门评价", "各事项评价"]
    by_month = workbook["按月份"]
    assert by_month["A1"].value == "月份"
    assert by_month["B1"].value == "收件"
    assert by_month.max_row == 13
    assert workbook["汇总"]["H2"].value == 3  # licences completed


def test_page_shows_the_busiest_items_and_the_export_all(hall, city_leader, client, monkeypatch):
    from zaixian.services import statistics_views

    monkeypatch.setattr(statistics_views, "ITEMS_ON_PAGE", 1)
    client.force_login(city_leader)

    response = client.get(STATISTICS_URL, {"year": 2025})

    assert [row.code for row in response.context["items"]] == ["SCJG-001"]
    assert len(response.context["figures"].items) == 3
