"""Finds the Wagtail site of a request from the cache, before anything asks for it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve

from zaixian.portal import queries

WAGTAIL_SERVE_URL_NAME = "wagtail_serve"


class SiteMiddleware:
    """Sets the request's Wagtail site (``Site.find_for_request`` then reuses it) from the
    cached host lookup, for the Wagtail pages, saving Wagtail's query on every page. Other
    views that show the site's layout find it through the portal's template tags."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_wagtail_page(request):
            queries.site_for_request(request)
        return self.get_response(request)


def is_wagtail_page(request: HttpRequest) -> bool:
    """Whether the request's path goes to Wagtail's page serving (not another app's view)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name == WAGTAIL_SERVE_URL_NAME
