"""Reads of the web analytics: who may see which sites, and the figures of a site or the
whole group over any period, from the daily tables (real time from the raw page views).

Visitors are counted per day (the visitor hash changes every day by design), so the
visitors of a period are the sum of its daily unique visitors.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from wagtail.models import Site

from zaixian.analytics.models import DailyCount, DailySummary, PageView
from zaixian.core.queries import user_has_role
from zaixian.core.roles import Role

MAX_PERIOD_DAYS = 3 * 366 + 1
REAL_TIME_MINUTES = 30


class AnalyticsPermissionError(PermissionError):
    """The user may not see the figures of this site (or of the whole group)."""


def may_view_group(user: Any) -> bool:
    """Platform administrators and leaders see the whole group's figures."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_superuser
        or user_has_role(user, Role.PLATFORM_ADMIN)
        or user_has_role(user, Role.LEADER)
    )


def sites_visible_to(user: Any) -> list[Site]:
    """Every site for the group's viewers; for a site administrator the sites whose pages
    they may unlock (the per-site administrators' page permission); nothing for others."""
    if not getattr(user, "is_authenticated", False):
        return []
    sites = list(Site.objects.select_related("root_page").order_by("-is_default_site", "pk"))
    if may_view_group(user):
        return sites
    return [site for site in sites if site.root_page.permissions_for_user(user).can_unlock()]


def may_view_analytics(user: Any) -> bool:
    return bool(sites_visible_to(user))


def all_sites() -> list[Site]:
    return list(Site.objects.order_by("-is_default_site", "pk"))


SITE_CACHE_SECONDS = 60
_SITE_CACHE_SIZE = 1000
_sites_by_host: dict[str, tuple[float, Site | None]] = {}


def site_by_host(hostname: str) -> Site | None:
    """The site of the group with this host name (any port), or None. Remembered in the
    process for ``SITE_CACHE_SECONDS`` (the collect endpoint asks on every page view);
    ``forget_sites`` (on every save or deletion of a site) clears it."""
    host = hostname.split(":")[0].lower()
    now = time.monotonic()
    known = _sites_by_host.get(host)
    if known is not None and now - known[0] < SITE_CACHE_SECONDS:
        return known[1]
    site = Site.objects.filter(hostname__iexact=host).first()
    if len(_sites_by_host) >= _SITE_CACHE_SIZE:  # unknown host names cannot fill memory
        _sites_by_host.clear()
    _sites_by_host[host] = (now, site)
    return site


def forget_sites(**_kwargs: Any) -> None:
    """Drop the remembered host names (a site was saved or deleted)."""
    _sites_by_host.clear()


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("The period ends before it starts")
        if (self.end - self.start).days + 1 > MAX_PERIOD_DAYS:
            raise ValueError("The period is longer than three years")

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class Totals:
    page_views: int = 0
    visitors: int = 0
    visits: int = 0
    bounces: int = 0
    duration_seconds: int = 0
    bot_hits: int = 0
    static_hits: int = 0
    redirects: int = 0
    errors: int = 0

    @property
    def bounce_rate(self) -> float | None:
        """Share of visits with one page view, in per cent."""
        return round(100 * self.bounces / self.visits, 1) if self.visits else None

    @property
    def average_visit_seconds(self) -> int | None:
        return round(self.duration_seconds / self.visits) if self.visits else None

    @property
    def pages_per_visit(self) -> float | None:
        return round(self.page_views / self.visits, 2) if self.visits else None


_TOTAL_FIELDS = list(Totals.__dataclass_fields__)


@dataclass(frozen=True)
class DayRow:
    day: date
    totals: Totals


@dataclass(frozen=True)
class Ranked:
    value: str
    count: int
    share: float  # per cent of the dimension's total


@dataclass
class SiteReport:
    sites: list[Site]
    period: Period
    totals: Totals
    days: list[DayRow]
    dimensions: dict[str, list[Ranked]] = field(default_factory=dict)

    @property
    def is_group(self) -> bool:
        return len(self.sites) != 1


def _summaries(sites: list[Site], period: Period) -> QuerySet[DailySummary]:
    return DailySummary.objects.filter(
        site__in=[s.pk for s in sites], day__gte=period.start, day__lte=period.end
    )


def _totals(values: dict[str, Any]) -> Totals:
    return Totals(**{name: int(values.get(name) or 0) for name in _TOTAL_FIELDS})


def daily_figures(*, sites: list[Site], period: Period) -> list[DayRow]:
    """One row per day of the period (zeros where nothing was counted)."""
    rows = {
        row["day"]: _totals(row)
        for row in _summaries(sites, period)
        .values("day")
        .annotate(**{name: Sum(name) for name in _TOTAL_FIELDS})
    }
    return [DayRow(day, rows.get(day, Totals())) for day in period.days]


def top_values(
    *, sites: list[Site], period: Period, dimension: str, limit: int | None = 20
) -> list[Ranked]:
    """The values of one dimension, most counted first (``limit=None``: all)."""
    rows = (
        DailyCount.objects.filter(
            site__in=[s.pk for s in sites],
            day__gte=period.start,
            day__lte=period.end,
            dimension=dimension,
        )
        .values("value")
        .annotate(total=Sum("count"))
        .filter(total__gt=0)
        .order_by("-total", "value")
    )
    everything = list(rows)
    grand = sum(row["total"] for row in everything) or 1
    chosen = everything if limit is None else everything[:limit]
    return [
        Ranked(row["value"], row["total"], round(100 * row["total"] / grand, 1)) for row in chosen
    ]


REPORT_DIMENSIONS = [choice.value for choice in DailyCount.Dimension]


def site_report(*, sites: list[Site], period: Period, limit: int | None = 20) -> SiteReport:
    """Everything the report pages, exports and API show for some sites and a period."""
    days = daily_figures(sites=sites, period=period)
    totals = _totals(
        {name: sum(getattr(row.totals, name) for row in days) for name in _TOTAL_FIELDS}
    )
    dimensions = {
        dimension: top_values(sites=sites, period=period, dimension=dimension, limit=limit)
        for dimension in REPORT_DIMENSIONS
    }
    return SiteReport(sites=sites, period=period, totals=totals, days=days, dimensions=dimensions)


def report_for_user(
    *, user: Any, period: Period, site: Site | None = None, limit: int | None = 20
) -> SiteReport:
    """The report of one site, or of every site the user sees (the group for platform
    administrators and leaders); denied when the user may not see the site."""
    visible = sites_visible_to(user)
    if site is None:
        if not visible:
            raise AnalyticsPermissionError("No site")
        return site_report(sites=visible, period=period, limit=limit)
    if site.pk not in {s.pk for s in visible}:
        raise AnalyticsPermissionError(site.hostname)
    return site_report(sites=[site], period=period, limit=limit)


@dataclass(frozen=True)
class YearRow:
    year: int
    totals: Totals


def yearly_totals(*, sites: list[Site]) -> list[YearRow]:
    """Page views, visitors, visits… per calendar year (the seed's yearly figures)."""
    rows = (
        DailySummary.objects.filter(site__in=[s.pk for s in sites])
        .annotate(year=ExtractYear("day"))
        .values("year")
        .annotate(**{name: Sum(name) for name in _TOTAL_FIELDS})
        .order_by("year")
    )
    return [YearRow(row["year"], _totals(row)) for row in rows]


@dataclass(frozen=True)
class RealTime:
    visitors: int
    page_views: int
    pages: list[Ranked]


def real_time(*, sites: list[Site], minutes: int = REAL_TIME_MINUTES) -> RealTime:
    """Visitors and page views of the last 30 minutes, from the raw page views."""
    since = timezone.now() - timedelta(minutes=minutes)
    recent = PageView.objects.filter(site__in=[s.pk for s in sites], time__gte=since)
    page_views = recent.count()
    visitors = recent.values("site_id", "visitor").distinct().count()
    pages = [
        Ranked(row["path"], row["n"], round(100 * row["n"] / (page_views or 1), 1))
        for row in recent.values("path").annotate(n=Count("id")).order_by("-n", "path")[:10]
    ]
    return RealTime(visitors=visitors, page_views=page_views, pages=pages)


def public_summary(*, site: Site, today: date | None = None) -> dict[str, Any]:
    """What a site may show the public: today's, this year's and all-time page views and
    visitors (no other detail)."""
    today = today or timezone.localdate()
    base = DailySummary.objects.filter(site=site)

    def total(queryset: QuerySet[DailySummary]) -> dict[str, int]:
        values = queryset.aggregate(page_views=Sum("page_views"), visitors=Sum("visitors"))
        return {key: int(value or 0) for key, value in values.items()}

    return {
        "today": total(base.filter(day=today)),
        "year": total(base.filter(day__year=today.year)),
        "all_time": total(base),
        "since": base.order_by("day").values_list("day", flat=True).first(),
    }
