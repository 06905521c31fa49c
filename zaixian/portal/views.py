"""View-like endpoints of the public portal that are not Wagtail pages."""

from __future__ import annotations

from django.contrib.sitemaps.views import SitemapIndexItem
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Site

from zaixian.portal import queries


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """robots.txt of the requesting site: keep crawlers out of the admin, out of search result
    pages (endless query combinations), the analytics collector (a crawler's hits are no
    visits) and the language switch (every page again under another URL), and point them at
    this site's sitemap."""
    site = Site.find_for_request(request)
    base = site.root_url if site is not None else request.build_absolute_uri("/").rstrip("/")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/?",
        "Disallow: /analytics/",
        "Disallow: /lang/",
        f"Sitemap: {base}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def switch_language(request: HttpRequest, language: str) -> HttpResponse:
    """Switch the interface language with a plain link (no form, so pages stay cacheable):
    remember the choice in the language cookie and go back to where the visitor was."""
    from django.conf import settings
    from django.http import HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    if language not in dict(settings.LANGUAGES):
        return HttpResponse(
            _("Unknown language."), status=404, content_type="text/plain; charset=utf-8"
        )
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


class SiteSitemap(Sitemap):
    """The live, public pages of the requesting site, in tree order, ``SITEMAP_CHUNK`` to a
    file (the protocol allows 50,000; a smaller file is quick to rewrite after a change)."""

    limit = queries.SITEMAP_CHUNK


@require_GET
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """``/sitemap.xml``: the index of the site's sitemap files ``/sitemaps/<n>.xml``."""
    count = SiteSitemap(request).paginator.num_pages
    items = [
        SitemapIndexItem(request.build_absolute_uri(reverse("sitemap_chunk", args=[number])), None)
        for number in range(1, count + 1)
    ]
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": items},
        content_type="application/xml",
        headers={"X-Robots-Tag": "noindex, noodp, noarchive"},
    )


@require_GET
def sitemap_chunk(request: HttpRequest, number: int) -> HttpResponse:
    """``/sitemaps/<n>.xml``: the n-th file of the site's sitemap, by path rather than
    Django's ``?p=n`` so that it can be a file of the static tree."""
    request.GET = QueryDict(f"p={int(number)}")
    return wagtail_sitemap(request, sitemaps={"pages": SiteSitemap})
