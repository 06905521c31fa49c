"""The demo city's web analytics: two years of daily figures for every site (bulk-inserted
straight into the daily tables, as the roll-up would have written them) and the last two
days as raw page views that the roll-up counts, some in the last 30 minutes for the real-time
figure. Called by the demo loader; idempotent (a second call changes nothing).

The figures follow the seed's scale for the portal (several million hits a day, visitors
from 34 provincial regions and 100+ countries); department sites are smaller."""

from __future__ import annotations

import math
import random
import time
from datetime import date, datetime, timedelta
from typing import Protocol

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Site

from zaixian.analytics import actions, rules
from zaixian.analytics.geo import locate_ip
from zaixian.analytics.models import AnalyticsSettings, DailyCount, DailySummary, PageView

DEMO_SEED = 2012
DEMO_DAYS = 730
RAW_DAYS = 2

PROVINCES = [
    ("山西", 40),
    ("北京", 9),
    ("河南", 7),
    ("广东", 6),
    ("河北", 5),
    ("上海", 4),
    ("山东", 4),
    ("江苏", 3),
    ("浙江", 3),
    ("陕西", 3),
    ("四川", 2),
    ("湖北", 2),
    ("天津", 2),
    ("内蒙古", 1),
    ("辽宁", 1),
    ("湖南", 1),
    ("安徽", 1),
    ("福建", 1),
    ("重庆", 1),
    ("黑龙江", 0.6),
    ("吉林", 0.5),
    ("江西", 0.5),
    ("广西", 0.5),
    ("云南", 0.5),
    ("贵州", 0.4),
    ("甘肃", 0.4),
    ("新疆", 0.3),
    ("海南", 0.2),
    ("宁夏", 0.2),
    ("青海", 0.1),
    ("西藏", 0.05),
    ("香港", 0.2),
    ("澳门", 0.05),
    ("台湾", 0.1),
]
COUNTRIES = [
    ("CN", 97),
    ("US", 0.8),
    ("JP", 0.3),
    ("KR", 0.2),
    ("SG", 0.2),
    ("DE", 0.15),
    ("GB", 0.1),
    ("CA", 0.1),
    ("AU", 0.1),
    ("RU", 0.08),
    ("FR", 0.06),
    ("HK", 0.2),
    ("TW", 0.1),
]
CHANNELS = [("direct", 45), ("search", 35), ("website", 10), ("social", 8), ("campaign", 2)]
SEARCH = [("Baidu", 70), ("Sogou", 9), ("360 Search", 8), ("Bing", 7), ("Shenma", 4), ("Google", 2)]
DEVICES = [("mobile", 58), ("desktop", 38), ("tablet", 4)]
BROWSERS = [
    ("Chrome", 34),
    ("WeChat", 20),
    ("Safari", 16),
    ("360 Browser", 10),
    ("Edge", 8),
    ("QQ Browser", 7),
    ("Huawei Browser", 5),
]
SYSTEMS = [("Android", 36), ("Windows", 34), ("iOS", 20), ("HarmonyOS", 6), ("macOS", 4)]
PAGES = [("/", 30), ("/zwgk/", 12), ("/bsfw/", 10), ("/hdjl/", 6), ("/search/", 5)]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0.0.0 Mobile Safari/537.36",
]
ADDRESSES = ["221.204.", "218.26.", "202.96.", "61.135.", "183.192.", "8.8."]


class Writer(Protocol):
    def write(self, message: str) -> None: ...


def _split(
    total: int, weights: list[tuple[str, float]], rng: random.Random
) -> list[tuple[str, int]]:
    grand = sum(weight for _name, weight in weights)
    return [
        (name, count)
        for name, weight in weights
        if (count := int(total * weight / grand * rng.uniform(0.85, 1.15)))
    ]


def _scale(site: Site, index: int) -> int:
    """Average daily page views: the portal at the seed's scale, other sites smaller."""
    return 180_000 if site.is_default_site else max(3_000, 40_000 // (index + 1))


def _daily_rows(
    site: Site, index: int, day: date, rng: random.Random, *, with_counts: bool
) -> tuple[list[object], list[list[object]]]:
    weekday = 0.55 if day.weekday() >= 5 else 1.0
    season = 1 + 0.15 * math.sin(day.timetuple().tm_yday / 58)
    page_views = int(_scale(site, index) * weekday * season * rng.uniform(0.85, 1.15))
    visits = page_views // 4
    visitors = int(visits * 0.8)
    bounces = int(visits * rng.uniform(0.38, 0.5))
    summary: list[object] = [
        site.pk,
        day,
        page_views,
        visitors,
        visits,
        bounces,
        visits * rng.randrange(140, 260),
        page_views * 3,
        page_views * 6,
        page_views // 50,
        page_views // 80,
    ]
    counts: list[list[object]] = []
    if not with_counts:
        return summary, counts
    # A week's dimensions are stored on its Monday (seven times fewer rows, so the demo loads
    # in seconds); the daily summaries are exact per day.
    page_views, visits = page_views * 6, visits * 6

    def add(dimension: str, values: list[tuple[str, int]]) -> None:
        counts.extend([site.pk, day, dimension, value, count] for value, count in values)

    add("page", _split(page_views, PAGES, rng))
    add("entry", _split(visits, PAGES, rng))
    add("exit", _split(visits, PAGES, rng))
    add("channel", _split(visits, CHANNELS, rng))
    add("search", _split(visits * 35 // 100, SEARCH, rng))
    add("device", _split(visits, DEVICES, rng))
    add("browser", _split(visits, BROWSERS, rng))
    add("os", _split(visits, SYSTEMS, rng))
    add("country", _split(visits, COUNTRIES, rng))
    add("province", _split(visits * 97 // 100, PROVINCES, rng))
    return summary, counts


def _raw_page_views(sites: list[Site], rng: random.Random, now: datetime) -> list[PageView]:
    views = []
    today = timezone.localtime(now).date()
    for index, site in enumerate(sites):
        per_day = 400 if site.is_default_site else max(40, 120 // (index + 1))
        for back in range(RAW_DAYS - 1, -1, -1):
            day = today - timedelta(days=back)
            salt = actions.salt_for_day(day=day)
            start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
            span = (now - start).total_seconds() if back == 0 else 86400
            for _n in range(per_day if back else int(per_day * span / 86400) + 20):
                ip = rng.choice(ADDRESSES) + f"{rng.randrange(1, 255)}.{rng.randrange(1, 255)}"
                agent = rng.choice(AGENTS)
                # The last twenty of today fall in the last 30 minutes (real time).
                moment = start + timedelta(seconds=rng.uniform(0, max(1.0, span - 1800)))
                if back == 0 and _n < 20:
                    moment = now - timedelta(seconds=rng.uniform(0, 1700))
                location = locate_ip(ip)
                parsed = rules.parse_user_agent(agent)
                path = rng.choice(PAGES)[0]
                views.append(
                    PageView(
                        site=site,
                        time=moment,
                        day=day,
                        visitor=rules.visitor_hash(salt=salt, ip=ip, user_agent=agent),
                        path=path,
                        title="",
                        channel=rng.choice(CHANNELS)[0] if rng.random() < 0.5 else "direct",
                        device=parsed.device,
                        browser=parsed.browser,
                        os=parsed.os,
                        country=location.country,
                        province=location.province,
                        city=location.city,
                    )
                )
    views.sort(key=lambda view: view.time)
    return views


def _insert(table: str, columns: list[str], rows: list[list[object]]) -> None:
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 — our own table and columns
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def load_analytics_demo(*, stdout: Writer | None = None) -> bool:
    """Load the demo's figures once; False when they are already there."""
    started = time.monotonic()
    sites = list(Site.objects.order_by("-is_default_site", "pk"))
    if not sites or DailySummary.objects.exists() or PageView.objects.exists():
        return False
    rng = random.Random(DEMO_SEED)  # noqa: S311 — demo figures, not secrets
    now = timezone.now()
    first_raw_day = timezone.localtime(now).date() - timedelta(days=RAW_DAYS - 1)
    with transaction.atomic():
        summaries: list[list[object]] = []
        counts: list[list[object]] = []
        for index, site in enumerate(sites):
            for back in range(DEMO_DAYS, 0, -1):
                day = first_raw_day - timedelta(days=back)
                summary, day_counts = _daily_rows(
                    site, index, day, rng, with_counts=day.weekday() == 0 or back == 1
                )
                summaries.append(summary)
                counts.extend(day_counts)
        _insert(DailySummary._meta.db_table, ["site_id", "day", *rules.SUMMARY_FIELDS], summaries)
        _insert(
            DailyCount._meta.db_table, ["site_id", "day", "dimension", "value", "count"], counts
        )
        PageView.objects.bulk_create(_raw_page_views(sites, rng, now), batch_size=2000)
        settings = AnalyticsSettings.for_site(sites[0])
        settings.show_public_summary = True
        settings.save()
    rolled = actions.roll_up_page_views()
    if stdout:
        stdout.write(
            f"web analytics: {len(summaries)} site-days, {len(counts)} counts, {rolled} "
            f"recent page views ({time.monotonic() - started:.1f} s)\n"
        )
    return True
