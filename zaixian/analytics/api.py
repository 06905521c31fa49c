"""The analytics JSON API for dashboards (``/api/v1/analytics/``): a site's or the group's
figures over a period, real-time visitors and yearly totals, for signed-in users who may
see them (site administrators their sites, platform administrators and leaders the group)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from zaixian.analytics import reports

router = Router(tags=["analytics"])


class ReportFilters(Schema):
    site: str | None = None
    start: date
    end: date
    limit: int = 20


class TotalsOut(Schema):
    page_views: int
    visitors: int
    visits: int
    bounces: int
    bounce_rate: float | None
    average_visit_seconds: int | None
    duration_seconds: int


class DayOut(Schema):
    day: date
    page_views: int
    visitors: int
    visits: int


class RankedOut(Schema):
    value: str
    count: int
    share: float


class ReportOut(Schema):
    sites: list[str]
    start: date
    end: date
    totals: TotalsOut
    days: list[DayOut]
    dimensions: dict[str, list[RankedOut]]


class RealTimeOut(Schema):
    visitors: int
    page_views: int
    pages: list[RankedOut]


class YearOut(Schema):
    year: int
    page_views: int
    visitors: int
    visits: int


def _totals(totals: reports.Totals) -> dict[str, Any]:
    return {
        "page_views": totals.page_views,
        "visitors": totals.visitors,
        "visits": totals.visits,
        "bounces": totals.bounces,
        "bounce_rate": totals.bounce_rate,
        "average_visit_seconds": totals.average_visit_seconds,
        "duration_seconds": totals.duration_seconds,
    }


def _sites(request: HttpRequest, host: str | None) -> list[Any]:
    visible = reports.sites_visible_to(request.user)
    if host is None:
        if not visible:
            raise HttpError(403, _("You may not see web analytics."))
        return visible
    site = reports.site_by_host(host)
    if site is None:
        raise HttpError(404, _("This site is not part of the site group."))
    if site.pk not in {s.pk for s in visible}:
        raise HttpError(403, _("You may not see the figures of this site."))
    return [site]


@router.get("/report", response=ReportOut, auth=django_auth, summary="Figures of a period")
def get_report(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    sites = _sites(request, filters.site)
    try:
        period = reports.Period(filters.start, filters.end)
    except ValueError as error:
        raise HttpError(
            400, _("Choose a period that ends after it starts and spans at most three years.")
        ) from error
    report = reports.site_report(sites=sites, period=period, limit=max(1, min(filters.limit, 500)))
    return {
        "sites": [site.hostname for site in sites],
        "start": period.start,
        "end": period.end,
        "totals": _totals(report.totals),
        "days": [
            {
                "day": row.day,
                "page_views": row.totals.page_views,
                "visitors": row.totals.visitors,
                "visits": row.totals.visits,
            }
            for row in report.days
        ],
        "dimensions": report.dimensions,
    }


@router.get("/realtime", response=RealTimeOut, auth=django_auth, summary="The last 30 minutes")
def get_real_time(request: HttpRequest, site: str | None = None) -> Any:
    return reports.real_time(sites=_sites(request, site))


@router.get("/years", response=list[YearOut], auth=django_auth, summary="Yearly totals")
def get_years(request: HttpRequest, site: str | None = None) -> Any:
    return [
        {
            "year": row.year,
            "page_views": row.totals.page_views,
            "visitors": row.totals.visitors,
            "visits": row.totals.visits,
        }
        for row in reports.yearly_totals(sites=_sites(request, site))
    ]
