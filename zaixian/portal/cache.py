"""The page cache for anonymous visitors.

Full responses of Wagtail pages are kept in Django's cache (local memory by default, Redis when
``REDIS_URL`` is set) for ``PORTAL_PAGE_CACHE_SECONDS``. Keys carry the site's cache
generation (``queries.page_cache_generation``); publishing, unpublishing, moving or deleting
any page of a site moves it on, so all of the site's pages go stale at once, in every process.

The middleware sits before the session, CSRF and locale middleware: a hit is answered before
any of them run, and on the way out it sees the cookies they set.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from zaixian.core.i18n import language_for_request
from zaixian.portal import queries
from zaixian.portal.middleware import is_wagtail_page

CACHE_HEADER = "X-Cache"
CACHEABLE_METHODS = frozenset({"GET", "HEAD"})
# The only query parameter a cached page may have: the channel's page number. Anything else
# (search terms, tracking parameters, previews) goes to the application.
PAGE_PARAMETER = "page"
PAGE_NUMBER = re.compile(r"^[1-9]\d{0,4}$")
# Headers not to replay from the cache: they belong to one response only.
NOT_REPLAYED = frozenset({"set-cookie", "x-cache", "date"})
CSRF_FORM_MARKER = b'name="csrfmiddlewaretoken"'


@dataclass(frozen=True)
class CachedPage:
    """What the cache keeps of a response: plain data, so any cache backend can store it."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes

    def to_response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def _is_anonymous(request: HttpRequest) -> bool:
    """No session and no credentials: the response cannot depend on who is asking."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _page_query(request: HttpRequest) -> str | None:
    """The part of the query string that goes into the key, or None if the request must not
    be served from the cache."""
    keys = set(request.GET.keys())
    if not keys:
        return ""
    if keys != {PAGE_PARAMETER}:
        return None
    values = request.GET.getlist(PAGE_PARAMETER)
    if len(values) != 1 or not PAGE_NUMBER.match(values[0]):
        return None
    return f"{PAGE_PARAMETER}={values[0]}"


def cache_key(*, request: HttpRequest, site_id: int, query: str) -> str | None:
    """The key of a request's page: site generation, host, path, query and language."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    # The same choice the locale middleware makes (the language cookie, else Chinese).
    language = language_for_request(request)
    generation = queries.page_cache_generation(site_id=site_id)
    digest = hashlib.sha256("\n".join([host, request.path, query, language]).encode()).hexdigest()
    return f"portal:page:{site_id}:{generation}:{digest}"


def _is_storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Only plain, public, successful page responses: no cookies (a CSRF or session cookie
    means the page is for one visitor), no CSRF token in the page, no private caching."""
    if not isinstance(response, HttpResponse):
        return False
    if response.status_code != 200 or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    return CSRF_FORM_MARKER not in response.content


class PageCacheMiddleware:
    """Serve anonymous GET and HEAD requests of Wagtail pages from the cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = self._key_for(request)
        if key is None:
            return self.get_response(request)

        cached = cache.get(key)
        if isinstance(cached, CachedPage):
            response = cached.to_response()
            response[CACHE_HEADER] = "HIT"
            return response

        response = self.get_response(request)
        if (
            request.method == "GET"
            and isinstance(response, HttpResponse)
            and _is_storable(request, response)
        ):
            headers = tuple(
                (name, value)
                for name, value in response.items()
                if name.lower() not in NOT_REPLAYED
            )
            cache.set(
                key,
                CachedPage(status=200, headers=headers, content=response.content),
                timeout=settings.PORTAL_PAGE_CACHE_SECONDS,
            )
        response[CACHE_HEADER] = "MISS"
        return response

    def _key_for(self, request: HttpRequest) -> str | None:
        if settings.PORTAL_PAGE_CACHE_SECONDS <= 0 or request.method not in CACHEABLE_METHODS:
            return None
        if not _is_anonymous(request):
            return None
        query = _page_query(request)
        if query is None or not is_wagtail_page(request):
            return None
        try:
            site = queries.site_for_request(request)
        except DisallowedHost:
            return None
        if site is None:
            return None
        return cache_key(request=request, site_id=site.pk, query=query)
