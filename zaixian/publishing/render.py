"""Render a URL in this process exactly as an anonymous visitor would get it from the app:
the request goes through Django's handler with the site's Host header and the project's
middleware, so the static file is byte for byte the page the app serves.

The one middleware left out is the portal page cache: publishing every page must not fill
the cache (Redis in production) with a copy of the whole site.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from wagtail.models import Site

from zaixian.portal import queries as portal_queries
from zaixian.publishing import rules

PAGE_CACHE_MIDDLEWARE = "zaixian.portal.cache.PageCacheMiddleware"
HTTPS_PORT = 443
HTTP_PORT = 80


@dataclass(frozen=True)
class Rendered:
    status: int
    content: bytes
    publishable: bool


class Renderer:
    """Renders URLs of one or more sites. Keep one for a whole run: the middleware chain is
    built once."""

    def __init__(self) -> None:
        # A Client without cookies of its own and without raising the views' exceptions: a
        # page that fails is reported as a 500 and stays on the application.
        self.client = Client(raise_request_exception=False)
        middleware = [m for m in settings.MIDDLEWARE if m != PAGE_CACHE_MIDDLEWARE]
        with override_settings(MIDDLEWARE=middleware):
            self.client.handler.load_middleware()
        # The site of each host, the private sections and each site's menu and footer, read
        # from the database once for this renderer's run (see portal.queries.fresh_reads).
        self.reads: dict[str, object] = {}

    def render(self, *, site: Site, url: str) -> Rendered:
        port = site.port
        host = site.hostname if port in (HTTP_PORT, HTTPS_PORT) else f"{site.hostname}:{port}"
        self.client.cookies.clear()
        with portal_queries.fresh_reads(self.reads):
            response = self.client.get(
                url, headers={"host": host}, SERVER_PORT=str(port), secure=port == HTTPS_PORT
            )
        content = getattr(response, "content", b"")
        publishable = rules.is_publishable(
            status=response.status_code,
            sets_cookies=bool(response.cookies),
            cache_control=response.get("Cache-Control", ""),
            content=content,
        )
        return Rendered(status=response.status_code, content=content, publishable=publishable)
