"""Chinese first: the interface language is Simplified Chinese unless the visitor chose
another one with the language switch. The browser's Accept-Language is deliberately
ignored — a government portal reads the same for everyone until they ask otherwise."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_for_request(request: HttpRequest) -> str:
    """The visitor's chosen language (the language cookie), else the site default."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return str(settings.LANGUAGE_CODE)


class ChineseFirstLocaleMiddleware:
    """Replaces Django's LocaleMiddleware, which would follow Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]  # Django's own convention
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
