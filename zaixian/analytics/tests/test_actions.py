import gzip
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zaixian.analytics import actions
from zaixian.analytics.geo import locate_ip
from zaixian.analytics.models import (
    DailyCount,
    DailySummary,
    LogImport,
    PageView,
    VisitorDay,
    VisitorSalt,
)
from zaixian.analytics.tests.conftest import BAIDUSPIDER, CHROME, GOOGLEBOT, IPHONE, at, log_line

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)


def summary(site, day=DAY):
    return DailySummary.objects.get(site=site, day=day)


def counts(site, dimension, day=DAY):
    return {
        row.value: row.count
        for row in DailyCount.objects.filter(site=site, day=day, dimension=dimension)
        if row.count
    }


def write_log(tmp_path, lines, name="access.log", compress=False):
    path = tmp_path / name
    text = "".join(lines).encode()
    path.write_bytes(gzip.compress(text) if compress else text)
    return path


def sample_log():
    return [
        log_line("221.204.0.1", at(20, 9, 0), "/", referrer="https://www.baidu.com/s?wd=x"),
        log_line("221.204.0.1", at(20, 9, 2), "/news/"),
        log_line("221.204.0.1", at(20, 9, 2, 1), "/static/site.css"),
        log_line("202.96.128.86", at(20, 10, 0), "/", ua=IPHONE),
        log_line("8.8.8.8", at(20, 11, 0), "/missing", status=404),
        log_line("8.8.8.8", at(20, 11, 1), "/old", status=301),
        log_line("66.249.66.1", at(20, 12, 0), "/", ua=GOOGLEBOT),
        log_line("180.76.15.1", at(20, 12, 0), "/news/", ua=BAIDUSPIDER),
        log_line("221.204.0.1", at(21, 8, 0), "/"),
    ]


def test_import_counts_page_views_visitors_and_visits(portal, tmp_path):
    path = write_log(tmp_path, sample_log())

    result = actions.import_log_file(site=portal, path=path)

    assert (result.lines, result.page_views) == (9, 4)
    day = summary(portal)
    assert (day.page_views, day.visitors, day.visits, day.bounces) == (3, 2, 2, 1)
    assert day.duration_seconds == 120
    assert (day.static_hits, day.errors, day.redirects, day.bot_hits) == (1, 1, 1, 2)
    assert summary(portal, date(2026, 11, 21)).page_views == 1


def test_import_drops_bots_from_page_views(portal, tmp_path):
    path = write_log(tmp_path, [log_line("180.76.15.1", at(20, 12), "/", ua=BAIDUSPIDER)])

    actions.import_log_file(site=portal, path=path)

    day = summary(portal)
    assert (day.page_views, day.visitors, day.bot_hits) == (0, 0, 1)


def test_same_file_twice_counts_once(portal, tmp_path):
    path = write_log(tmp_path, sample_log())
    actions.import_log_file(site=portal, path=path)

    again = actions.import_log_file(site=portal, path=path)
    renamed = write_log(tmp_path, sample_log(), name="access.log.1.gz", compress=True)
    third = actions.import_log_file(site=portal, path=renamed)

    assert again.already_imported
    assert third.already_imported
    day = summary(portal)
    assert (day.page_views, day.visitors, day.visits, day.bot_hits) == (3, 2, 2, 2)
    assert counts(portal, "page") == {"/": 2, "/news/": 1}


def test_grown_file_imports_only_new_lines_and_continues_visits(portal, tmp_path):
    lines = sample_log()
    path = write_log(tmp_path, lines[:2])
    actions.import_log_file(site=portal, path=path)

    write_log(tmp_path, lines)
    result = actions.import_log_file(site=portal, path=path)

    assert result.lines == 7
    day = summary(portal)
    assert (day.page_views, day.visitors, day.visits, day.bounces) == (3, 2, 2, 1)
    assert LogImport.objects.get().lines == 9


def test_interrupted_import_resumes_without_double_counting(portal, tmp_path):
    path = write_log(tmp_path, sample_log() * 3)

    def fail_after_first_batch(read):
        if LogImport.objects.get().offset:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        actions.import_log_file(
            site=portal, path=path, batch_lines=4, progress=fail_after_first_batch
        )
    assert 0 < LogImport.objects.get().lines < 27
    actions.import_log_file(site=portal, path=path, batch_lines=4)

    day = summary(portal)
    assert day.page_views == 9
    assert LogImport.objects.get().lines == 27


def test_gzip_log_is_imported(portal, tmp_path):
    path = write_log(tmp_path, sample_log(), name="a.log.gz", compress=True)

    result = actions.import_log_file(site=portal, path=path)

    assert result.page_views == 4


def test_import_locates_visitors_by_province_and_country(portal, tmp_path):
    path = write_log(tmp_path, sample_log())

    actions.import_log_file(site=portal, path=path)

    assert counts(portal, "province") == {"山西": 1, "广东": 1}
    assert counts(portal, "country") == {"CN": 2}
    assert counts(portal, "city") == {"太原": 1, "广州": 1}
    assert counts(portal, "search") == {"Baidu": 1}
    assert counts(portal, "device") == {"desktop": 1, "mobile": 1}


@pytest.mark.parametrize(
    ("ip", "country", "province"),
    [
        ("221.204.0.1", "CN", "山西"),
        ("202.96.128.86", "CN", "广东"),
        ("61.135.169.121", "CN", "北京"),
        ("202.99.96.68", "CN", "天津"),
        ("203.198.7.66", "HK", "香港"),
        ("8.8.8.8", "US", ""),
        # IPv6 (DB-IP City Lite): Tsinghua University's own /32 and Peking University's
        # CERNET2 /48 in Beijing, China Mobile Guangdong's 2409:8c54::/32, Google Hong Kong.
        ("2402:f000:1:4417::900", "CN", "北京"),
        ("2001:da8:201::1", "CN", "北京"),
        ("2409:8c54:1000::1", "CN", "广东"),
        ("2404:6800:4005::1", "HK", "香港"),
        ("2001:4860:4860::8888", "US", ""),
        ("fe80::1", "", ""),
        ("192.168.1.1", "", ""),
        ("not an address", "", ""),
    ],
)
def test_known_addresses_resolve_to_country_and_province(ip, country, province):
    location = locate_ip(ip)

    assert (location.country, location.province) == (country, province)


def test_recorded_page_view_stores_no_address(portal):
    view = actions.record_page_view(
        site=portal,
        ip="221.204.0.1",
        user_agent=CHROME,
        page=actions.PageViewIn(path="/news/?utm_campaign=x", referrer="https://weibo.com/"),
    )

    assert view.province == "山西"
    assert view.campaign == "x"
    stored = " ".join(str(v) for v in PageView.objects.values_list().get())
    assert "221.204.0.1" not in stored


def test_do_not_track_and_bots_are_not_recorded(portal):
    page = actions.PageViewIn(path="/")

    assert (
        actions.record_page_view(
            site=portal, ip="1.2.3.4", user_agent=CHROME, page=page, do_not_track=True
        )
        is None
    )
    assert (
        actions.record_page_view(site=portal, ip="1.2.3.4", user_agent=BAIDUSPIDER, page=page)
        is None
    )
    assert not PageView.objects.exists()


def test_roll_up_is_incremental_and_never_counts_twice(portal):
    start = timezone.now().replace(microsecond=0)
    page = actions.PageViewIn(path="/")
    actions.record_page_view(site=portal, ip="1.2.3.4", user_agent=CHROME, page=page, when=start)
    assert actions.roll_up_page_views() == 1
    actions.record_page_view(
        site=portal,
        ip="1.2.3.4",
        user_agent=CHROME,
        page=actions.PageViewIn(path="/b/"),
        when=start + timedelta(seconds=30),
    )

    assert actions.roll_up_page_views() == 1
    assert actions.roll_up_page_views() == 0
    day = summary(portal, timezone.localtime(start).date())
    assert (day.page_views, day.visitors, day.visits, day.bounces, day.duration_seconds) == (
        2,
        1,
        1,
        0,
        30,
    )


def test_visitor_is_a_different_hash_each_day(portal):
    page = actions.PageViewIn(path="/")
    first = actions.record_page_view(
        site=portal, ip="1.2.3.4", user_agent=CHROME, page=page, when=timezone.now()
    )
    second = actions.record_page_view(
        site=portal,
        ip="1.2.3.4",
        user_agent=CHROME,
        page=page,
        when=timezone.now() + timedelta(days=1),
    )

    assert first.visitor != second.visitor


def test_purge_deletes_old_raw_hits_states_and_salts_but_keeps_aggregates(portal, settings):
    settings.ANALYTICS_RAW_RETENTION_DAYS = 7
    old = timezone.now() - timedelta(days=10)
    page = actions.PageViewIn(path="/")
    actions.record_page_view(site=portal, ip="1.2.3.4", user_agent=CHROME, page=page, when=old)
    actions.record_page_view(site=portal, ip="1.2.3.4", user_agent=CHROME, page=page)

    result = actions.purge_analytics()

    assert result.page_views == 1
    assert PageView.objects.count() == 1
    assert not VisitorDay.objects.filter(day__lt=timezone.localdate() - timedelta(days=7)).exists()
    assert list(VisitorSalt.objects.values_list("day", flat=True)) == [timezone.localdate()]
    assert DailySummary.objects.get(day=timezone.localtime(old).date()).page_views == 1


def test_salt_of_the_day_is_stable_and_rotates():
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        first = actions.salt_for_day(day=timezone.localdate())
        assert actions.salt_for_day(day=timezone.localdate()) == first

    assert actions.salt_for_day(day=date(2026, 11, 21)) != first


def test_parsing_in_processes_counts_the_same(portal, farm, tmp_path):
    from zaixian.analytics.tests.loggen import generate_log

    path = tmp_path / "big.log"
    path.write_text("".join(generate_log(lines=25_000, addresses=3000, seed=5)))

    one = actions.import_log_file(site=portal, path=path)
    two = actions.import_log_file(site=farm, path=path, workers=2, batch_lines=12_000)

    assert (one.lines, one.page_views) == (two.lines, two.page_views)
    fields = ["day", "page_views", "visitors", "visits", "bounces", "duration_seconds", "errors"]
    assert list(DailySummary.objects.filter(site=portal).order_by("day").values_list(*fields)) == (
        list(DailySummary.objects.filter(site=farm).order_by("day").values_list(*fields))
    )
    assert counts(portal, "province", day=date(2026, 11, 21)) == counts(
        farm, "province", day=date(2026, 11, 21)
    )


def test_a_remembered_block_locates_like_a_lookup():
    from zaixian.analytics.geo import geolocator

    remembering = geolocator()
    for ip in [
        "221.204.0.1",
        "221.204.0.77",
        "202.96.128.86",
        "202.96.128.1",
        "8.8.8.8",
        "2409:8c54:1000::1",
        "2409:8c54:1000::2",
        "2402:f000:1:4417::900",
    ]:
        first, again = remembering.locate(ip), remembering.locate(ip)
        remembering._blocks.clear()
        remembering._blocks_v6.clear()
        assert first == again == remembering.locate(ip) == locate_ip(ip)


@pytest.mark.parametrize("as_text", [False, True], ids=["rows", "copy-text"])
def test_states_believed_new_but_stored_meanwhile_are_updated(portal, as_text):
    if as_text and connection.vendor != "postgresql":
        pytest.skip("COPY text is PostgreSQL's")
    day = date(2026, 11, 20)
    VisitorDay.objects.create(
        site=portal, day=day, visitor="a" * 16, last_seen=1.0, visit_pages=1, exit_path="/a/"
    )
    new_states = [
        (portal.pk, day.isoformat(), "a" * 16, 2.0, 3, "/b/"),
        (portal.pk, day.isoformat(), "b" * 16, 5.0, 1, "/c/"),
    ]

    with transaction.atomic():
        actions.write_deltas(
            summaries={},
            counts={},
            states=actions._copy_text([]) if as_text else [],
            new_states=actions._copy_text(new_states) if as_text else new_states,
        )

    assert set(
        VisitorDay.objects.values_list("visitor", "last_seen", "visit_pages", "exit_path")
    ) == {("a" * 16, 2.0, 3, "/b/"), ("b" * 16, 5.0, 1, "/c/")}


def test_deleting_a_site_deletes_its_figures_in_bulk(portal, farm):
    for site in (portal, farm):
        VisitorDay.objects.bulk_create(
            VisitorDay(
                site=site,
                day=date(2026, 11, 20),
                visitor=f"{n:016x}",
                last_seen=1.0,
                visit_pages=1,
                exit_path="/a/",
            )
            for n in range(50)
        )

    with CaptureQueriesContext(connection) as queries:
        portal.delete()

    touching = [q["sql"] for q in queries if "analytics_visitorday" in q["sql"]]
    assert len(touching) == 1  # one DELETE, not the cascade's row by row
    assert not VisitorDay.objects.filter(site_id=portal.pk).exists()
    assert VisitorDay.objects.filter(site=farm).count() == 50
