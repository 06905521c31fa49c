"""The collector (``/analytics/collect``: JSON beacons from the script, GET for the no-script
pixel) and the public summary page a site may choose to show."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from zaixian.analytics import actions, reports
from zaixian.analytics.models import AnalyticsSettings, PageView
from zaixian.core import ratelimit
from zaixian.core.middleware import client_ip

MAX_BODY_BYTES = 4096
COLLECT_RATE = "120/m"
# A transparent 1×1 GIF.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)
_FIELDS = {"site": 253, "path": 2000, "title": 500, "referrer": 2000, "screen": 16, "language": 16}


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
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
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
