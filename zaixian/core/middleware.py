"""Keeps the current request's user and client address for the audit log."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestInfo:
    user_id: int | None
    ip: str


current_request: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "zaixian_current_request", default=None
)


def client_ip(request: HttpRequest) -> str:
    """The client address: REMOTE_ADDR, or X-Real-IP when REMOTE_ADDR is one of the proxies
    in ``settings.TRUSTED_PROXY_IPS``. Anyone can send the header, so trusting it from any
    peer would let a client write a false address into the audit log."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = (request.META.get("HTTP_X_REAL_IP") or "").strip()
    trusted = getattr(settings, "TRUSTED_PROXY_IPS", ())
    if forwarded and remote in trusted:
        return forwarded[:45]  # the longest textual IPv6 address
    return remote


class RequestContextMiddleware:
    """Remembers the user and client address of the request for the audit log; must come
    after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        token = current_request.set(RequestInfo(user_id=user_id, ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
