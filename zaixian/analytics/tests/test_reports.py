from datetime import date

import pytest

from zaixian.analytics import actions, reports
from zaixian.analytics.tests.conftest import at, log_line

pytestmark = pytest.mark.django_db

PERIOD = reports.Period(date(2026, 11, 20), date(2026, 11, 21))


@pytest.fixture
def figures(portal, farm, tmp_path):
    a = tmp_path / "a.log"
    a.write_text(
        log_line("221.204.0.1", at(20, 9), "/") + log_line("221.204.0.1", at(20, 9, 1), "/x/")
    )
    b = tmp_path / "b.log"
    b.write_text(log_line("202.96.128.86", at(21, 9), "/nyj/", referrer="https://weibo.com/"))
    actions.import_log_file(site=portal, path=a)
    actions.import_log_file(site=farm, path=b)


def test_group_report_adds_every_site(figures, portal, farm):
    report = reports.site_report(sites=[portal, farm], period=PERIOD)

    assert (report.totals.page_views, report.totals.visits, report.totals.visitors) == (3, 2, 2)
    assert report.totals.bounce_rate == 50.0
    assert report.totals.average_visit_seconds == 30
    assert [r.value for r in report.dimensions["channel"]] == ["direct", "social"]
    assert {r.value for r in report.dimensions["province"]} == {"山西", "广东"}


def test_leader_sees_the_group(figures, leader, portal, farm):
    report = reports.report_for_user(user=leader, period=PERIOD)

    assert {s.pk for s in report.sites} == {portal.pk, farm.pk}
    assert report.totals.page_views == 3


def test_site_administrator_sees_only_their_site(figures, farm_admin, portal, farm):
    assert [s.pk for s in reports.sites_visible_to(farm_admin)] == [farm.pk]
    assert reports.report_for_user(user=farm_admin, period=PERIOD).totals.page_views == 1

    with pytest.raises(reports.AnalyticsPermissionError):
        reports.report_for_user(user=farm_admin, period=PERIOD, site=portal)


def test_editor_sees_nothing(figures, editor, farm):
    assert reports.sites_visible_to(editor) == []
    with pytest.raises(reports.AnalyticsPermissionError):
        reports.report_for_user(user=editor, period=PERIOD, site=farm)


def test_yearly_totals(figures, portal, farm):
    rows = reports.yearly_totals(sites=[portal, farm])

    assert [(r.year, r.totals.page_views) for r in rows] == [(2026, 3)]


def test_real_time_counts_the_last_30_minutes(portal):
    for ip in ("1.2.3.4", "1.2.3.4", "5.6.7.8"):
        actions.record_page_view(
            site=portal, ip=ip, user_agent="Mozilla/5.0 Chrome/1", page=actions.PageViewIn(path="/")
        )

    now = reports.real_time(sites=[portal])

    assert (now.visitors, now.page_views) == (2, 3)


def test_period_longer_than_three_years_is_refused():
    with pytest.raises(ValueError, match="three years"):
        reports.Period(date(2020, 1, 1), date(2026, 1, 1))
