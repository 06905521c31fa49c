"""Finds the Wagtail site of a request from the cache, before anything asks for it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from zaixian.portal import queries


class SiteMiddleware:
    """Sets the request's Wagtail site (``Site.find_for_request`` then reuses it) from the
    cached host lookup, saving Wagtail's query on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        queries.site_for_request(request)
        return self.get_response(request)
