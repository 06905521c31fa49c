import time
from datetime import timedelta

import pytest
from django.utils import timezone

from zaixian.analytics import reports
from zaixian.analytics.demo import load_analytics_demo
from zaixian.analytics.models import DailySummary, PageView

pytestmark = pytest.mark.django_db


def test_demo_fills_two_years_and_real_time_once(portal, farm):
    started = time.monotonic()

    assert load_analytics_demo() is True
    elapsed = time.monotonic() - started
    assert load_analytics_demo() is False

    today = timezone.localdate()
    report = reports.site_report(
        sites=[portal, farm], period=reports.Period(today - timedelta(days=729), today)
    )
    assert report.totals.page_views > 10_000_000
    assert len(report.dimensions["province"]) == 20  # the top 20 of 34
    assert reports.real_time(sites=[portal]).visitors > 0
    assert (
        DailySummary.objects.get(site=portal, day=today).page_views
        == PageView.objects.filter(site=portal, day=today).count()
    )
    assert len(reports.yearly_totals(sites=[portal])) >= 2
    assert elapsed < 30
