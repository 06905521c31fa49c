"""View-like endpoints of the public portal that are not Wagtail pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Site


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
