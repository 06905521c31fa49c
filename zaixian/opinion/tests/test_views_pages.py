"""The event page (timeline, sources, sentiment chart, related cases and articles, flash
reports) and the reprint tables with their exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zaixian.core.roles import Role
from zaixian.opinion import queries
from zaixian.opinion.models import Event, Report, Reprint
from zaixian.opinion.tests.factories import STORY, TopicFactory, ingest, user_in

pytestmark = pytest.mark.django_db


def staff(role):
    return user_in(role, is_staff=True)


@pytest.fixture
def event():
    queries.forget_cached_indexes()
    TopicFactory()
    now = timezone.now()
    for i in range(3):
        ingest(
            url=f"http://o{i}.example/{i}",
            title="城东小区停水三天无人管",
            body=STORY + str(i),
            at=now - timedelta(minutes=30 * i),
        )
    return Event.objects.get()


@pytest.fixture
def hotline_case(event):
    from zaixian.core.tests.factories import DepartmentFactory
    from zaixian.hotline import actions as hotline_actions
    from zaixian.hotline.models import HotlineSettings
    from zaixian.hotline.tests.factories import HotlineCategoryFactory

    settings = HotlineSettings.load()
    settings.centre = DepartmentFactory(name="热线中心", code="A0RX")
    settings.save()
    return hotline_actions.register_case(
        channel="web",
        kind="complaint",
        category=HotlineCategoryFactory(name="供水"),
        content="我家小区停水三天了，物业说不清楚什么时候来水。",
        caller_name="王先生",
        caller_phone="13800000000",
    )


def test_event_page_shows_timeline_sources_chart_and_hotline_cases(
    client, event, hotline_case, django_assert_max_num_queries
):
    client.force_login(staff(Role.OPINION_ANALYST))

    with django_assert_max_num_queries(45):
        response = client.get(reverse("opinion_admin:event", args=[event.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("http://o") >= 3  # the timeline's title links
    assert "<svg" in html
    assert hotline_case.case.tracking_number in html
    assert "13800000000" not in html  # no caller data
    assert reverse("opinion_admin:flash_report", args=[event.pk]) in html


def test_event_page_is_for_watchers_only(client, event):
    client.force_login(staff(Role.EDITOR))

    response = client.get(reverse("opinion_admin:event", args=[event.pk]))

    assert (response.status_code, response.url) == (302, "/admin/")


def test_unknown_event_is_not_found(client, event):
    client.force_login(staff(Role.OPINION_ANALYST))

    assert client.get(reverse("opinion_admin:event", args=[event.pk + 9])).status_code == 404


def test_flash_report_downloads_a_numbered_docx(client, event):
    client.force_login(staff(Role.OPINION_ANALYST))

    response = client.post(
        reverse("opinion_admin:flash_report", args=[event.pk]), {"format": "docx"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    assert response.content[:2] == b"PK"
    assert Report.objects.get().event == event


def test_flash_report_refuses_get_others_and_bad_formats(client, event):
    client.force_login(staff(Role.OPINION_ANALYST))
    url = reverse("opinion_admin:flash_report", args=[event.pk])

    get = client.get(url)
    bad = client.post(url, {"format": "exe"})
    client.force_login(staff(Role.EDITOR))
    other = client.post(url, {"format": "pdf"})

    assert get.status_code == 405
    assert bad.status_code == 400
    assert (other.status_code, other.url) == (302, "/admin/")
    assert not Report.objects.exists()


# Reprints --------------------------------------------------------------------------------


@pytest.fixture
def reprints():
    from zaixian.monitoring.tests.factories import SourceFactory

    rows = [("新华网", "2024-03-05"), ("新华网", "2024-04-01"), ("省政府门户", "2024-04-02")]
    for i, (outlet, day) in enumerate(rows):
        at = timezone.make_aware(timezone.datetime.fromisoformat(f"{day}T10:00"))
        item = ingest(
            source=SourceFactory(outlet=outlet),
            url=f"http://r.example/{i}",
            title=f"转载{i}",
            body=f"正文{i}",
            at=at,
        )
        Reprint.objects.create(
            item=item,
            article_title="我市召开优化营商环境大会",
            outlet=outlet,
            url=item.url,
            reprinted_at=at,
            containment=0.9,
        )


def test_reprint_table_counts_per_outlet_and_month(client, reprints):
    client.force_login(staff(Role.LEADER))

    response = client.get(
        reverse("opinion_admin:reprints"),
        {"by": "month", "start": "2024-01-01", "end": "2024-12-31"},
    )

    table = response.context["table"]
    assert response.status_code == 200
    assert table.periods == ["2024-03", "2024-04"]
    assert [(r.outlet, r.counts, r.total) for r in table.rows] == [
        ("新华网", [1, 1], 2),
        ("省政府门户", [0, 1], 1),
    ]
    assert table.total == 3
    assert 'scope="row"' in response.content.decode()


def test_reprint_exports_csv_and_xlsx(client, reprints):
    client.force_login(staff(Role.OPINION_ANALYST))
    params = {"by": "year", "start": "2024-01-01", "end": "2024-12-31"}
    url = reverse("opinion_admin:reprints")

    counts = client.get(url, {**params, "export": "counts.csv"})
    listing = client.get(url, {**params, "export": "list.csv"})
    xlsx = client.get(url, {**params, "export": "xlsx"})

    rows = list(csv.reader(io.StringIO(counts.content.decode("utf-8-sig"))))
    assert rows[1] == ["新华网", "2", "2"]
    assert rows[-1][-1] == "3"
    assert len(list(csv.reader(io.StringIO(listing.content.decode("utf-8-sig"))))) == 4
    book = load_workbook(io.BytesIO(xlsx.content))
    assert [sheet.max_row for sheet in book.worksheets] == [4, 4]


def test_reprint_page_rejects_a_backwards_period(client, reprints):
    client.force_login(staff(Role.OPINION_ANALYST))

    response = client.get(
        reverse("opinion_admin:reprints"), {"start": "2024-12-31", "end": "2024-01-01"}
    )

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_reprint_page_is_for_watchers_only(client, reprints):
    client.force_login(staff(Role.CASE_OFFICER))

    response = client.get(reverse("opinion_admin:reprints"), {"export": "xlsx"})

    assert (response.status_code, response.url) == (302, "/admin/")
