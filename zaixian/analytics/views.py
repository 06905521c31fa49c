"""The collector (``/analytics/collect``: JSON beacons from the script, GET for the no-script
pixel), the public summary page a site may choose to show, and the admin's report page with
its SVG charts (drawn on the server; the tables are their text alternative) and exports."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from zaixian.analytics import actions, exports, reports, rules
from zaixian.analytics.models import AnalyticsSettings, DailyCount, PageView
from zaixian.core import ratelimit
from zaixian.core.middleware import client_ip

MAX_BODY_BYTES = 4096
COLLECT_RATE = "120/m"
# A transparent 1×1 GIF.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)
_FIELDS = {"site": 253, "path": 2000, "title": 500, "referrer": 2000, "screen": 16, "language": 16}
# No page, title or address has these; PostgreSQL cannot even store NUL.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _page_view(payload: dict[str, Any]) -> actions.PageViewIn | str:
    """The fields of a beacon, or the reason it is refused."""
    for name, length in _FIELDS.items():
        value = payload.get(name, "")
        if not isinstance(value, str):
            return _("The field %(name)s must be text.") % {"name": name}
        if len(value) > length:
            return _("The field %(name)s is too long.") % {"name": name}
        if _CONTROL_CHARACTERS.search(value):
            return _("The field %(name)s contains control characters.") % {"name": name}
    path = payload.get("path", "")
    if not path.startswith("/"):
        return _("The path must start with a slash.")
    return actions.PageViewIn(
        path=path,
        title=payload.get("title", ""),
        referrer=payload.get("referrer", ""),
        screen=payload.get("screen", ""),
        language=payload.get("language", ""),
    )


@csrf_exempt
def collect(request: HttpRequest) -> HttpResponse:
    """Record one page view: POST JSON ``{site, path, title, referrer, screen, language}``
    (answered 204), or GET ``?site=…&path=…`` from the pixel (answered with a GIF)."""
    if request.method not in ("POST", "GET"):
        response = _error(405, _("Only POST (the script) and GET (the pixel) are accepted."))
        response["Allow"] = "GET, POST"
        return response
    usage = ratelimit.hit_for_request(request=request, scope="analytics:collect", rate=COLLECT_RATE)
    if usage.is_exceeded:
        response = _error(429, _("Too many page views from this address; try again later."))
        response["Retry-After"] = str(usage.retry_after)
        return response
    if request.method == "POST":
        declared = str(request.META.get("CONTENT_LENGTH") or "0")
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            return _error(413, _("The page view is too large."))
        body = request.body
        if len(body) > MAX_BODY_BYTES:
            return _error(413, _("The page view is too large."))
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _error(400, _("The page view is not valid JSON."))
        if not isinstance(payload, dict):
            return _error(400, _("The page view must be a JSON object."))
        source = PageView.Source.SCRIPT
    else:
        payload = {name: request.GET.get(name, "") for name in _FIELDS}
        payload["path"] = payload["path"] or "/"
        payload["referrer"] = payload["referrer"] or request.META.get("HTTP_REFERER", "")
        source = PageView.Source.PIXEL
    page = _page_view(payload)
    if isinstance(page, str):
        return _error(400, page)
    site = reports.site_by_host(payload.get("site") or request.get_host())
    if site is None:
        return _error(404, _("This site is not part of the site group."))
    actions.record_page_view(
        site=site,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        page=page,
        source=source,
        do_not_track=request.META.get("HTTP_DNT") == "1" or payload.get("dnt") in ("1", True),
    )
    if source == PageView.Source.PIXEL:
        response = HttpResponse(PIXEL, content_type="image/gif")
    else:
        response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def public_summary(request: HttpRequest) -> HttpResponse:
    """The visit figures of this site, when its administrators chose to show them."""
    site = reports.site_by_host(request.get_host())
    if site is None or not AnalyticsSettings.for_site(site).show_public_summary:
        raise Http404(_("This site does not publish its visit figures."))
    return render(
        request,
        "analytics/public_summary.html",
        {"site": site, "summary": reports.public_summary(site=site)},
    )


# --- Admin: the report pages, charts and exports ------------------------------------------


class ReportFilterForm(forms.Form):
    """A site (or every site the user sees) and a period of at most three years."""

    site = forms.TypedChoiceField(
        label=gettext_lazy("Site"), coerce=int, required=False, empty_value=None
    )
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {site.pk: site for site in sites}
        self.fields["site"].choices = [
            ("", _("Every site I see")),
            *[(site.pk, site.site_name or site.hostname) for site in sites],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=29)
        try:
            data["period"] = reports.Period(start, end)
        except ValueError as error:
            raise forms.ValidationError(
                _("Choose a period that ends after it starts and spans at most three years.")
            ) from error
        return data


def _report_request(request: HttpRequest) -> tuple[ReportFilterForm, reports.SiteReport]:
    sites = reports.sites_visible_to(request.user)
    if not sites:
        raise PermissionDenied
    form = ReportFilterForm(request.GET or None, sites=sites)
    period = reports.Period(timezone.localdate() - timedelta(days=29), timezone.localdate())
    site = None
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"]
        site = form.sites.get(form.cleaned_data["site"] or 0)
    try:
        report = reports.report_for_user(user=request.user, period=period, site=site)
    except reports.AnalyticsPermissionError as error:
        raise PermissionDenied from error
    return form, report


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bar_chart(
    values: list[tuple[str, int]], *, width: int = 760, height: int = 220
) -> list[ChartBar]:
    """Vertical bars scaled to the largest value (the page draws them as SVG rects)."""
    top, bottom, left = 10, 24, 8
    maximum = max([1, *(value for _label, value in values)])
    slot = (width - left * 2) / max(1, len(values))
    plot = height - top - bottom
    bars = []
    for n, (label, value) in enumerate(values):
        h = plot * value / maximum
        bars.append(
            ChartBar(left + n * slot, top + plot - h, max(1.0, slot * 0.8), h, label, value)
        )
    return bars


def ranked_chart(rows: list[reports.Ranked], *, width: int = 480) -> list[ChartBar]:
    """Horizontal bars (one per row, 20 px each) for a ranking: provinces, countries…"""
    maximum = max([1, *(row.count for row in rows)])
    return [
        ChartBar(120, n * 20 + 2, (width - 180) * row.count / maximum, 16, row.value, row.count)
        for n, row in enumerate(rows)
    ]


class AnalyticsReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "analytics/admin/report.html"
    page_title = gettext_lazy("Web analytics")
    header_icon = "view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, report = _report_request(self.request)
        labels = dict(DailyCount.Dimension.choices)
        context.update(
            filter_form=form,
            report=report,
            daily_chart=bar_chart(
                [(row.day.strftime("%m-%d"), row.totals.page_views) for row in report.days]
            ),
            province_tiles=rules.province_tiles(
                {row.value: row.count for row in report.dimensions["province"]}
            ),
            country_tiles=rules.country_tiles(
                {row.value: row.count for row in report.dimensions["country"]}
            ),
            country_chart=ranked_chart(report.dimensions["country"][:20]),
            tables=[
                (labels[name], report.dimensions[name])
                for name in (
                    "page",
                    "entry",
                    "exit",
                    "channel",
                    "search",
                    "referrer",
                    "campaign",
                    "device",
                    "browser",
                    "os",
                    "city",
                    "language",
                    "screen",
                )
            ],
            real_time=reports.real_time(sites=report.sites),
            years=reports.yearly_totals(sites=report.sites),
            export_query=self.request.GET.urlencode(),
        )
        return context


def export_report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report as CSV (daily figures) or XLSX (every table), for what the user sees."""
    _form, report = _report_request(request)
    name = f"analytics-{report.period.start}-{report.period.end}"
    if fmt == "csv":
        response = HttpResponse(exports.report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        exports.report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
