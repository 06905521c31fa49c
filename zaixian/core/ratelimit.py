"""Rate limits for public forms and APIs: a fixed-window counter in the cache.

A limit is a scope (``"accounts:register"``), a key (the client address by default, or
anything else: a phone number) and a rate such as ``"10/m"``, ``"30/h"`` or ``"200/d"``. The
counter for the current window is created with ``cache.add`` and raised with ``cache.incr``,
both atomic on Redis, so several app servers sharing Redis count together; with the local
memory cache each process counts alone. ``ZAIXIAN_RATE_LIMITS_ENABLED = False`` turns every
limit off (e.g. for a load test).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from zaixian.core.middleware import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_PATTERN = re.compile(r"^(\d+)/(\d*)([smhd])$")


class InvalidRateError(ValueError):
    """A rate that is not ``<count>/<period>``: a programming error, raised at import."""


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(rate: str) -> Rate:
    """``"10/m"`` → 10 per 60 s; ``"5/15m"`` → 5 per 900 s."""
    match = _RATE_PATTERN.match(rate.strip())
    if not match or int(match.group(1)) < 1:
        raise InvalidRateError(f"A rate looks like '10/m', '30/h' or '200/d', not {rate!r}")
    multiplier = int(match.group(2) or 1)
    if multiplier < 1:
        raise InvalidRateError(f"The period of {rate!r} must be at least 1")
    return Rate(limit=int(match.group(1)), seconds=multiplier * PERIODS[match.group(3)])


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    retry_after: int

    @property
    def is_exceeded(self) -> bool:
        return self.count > self.limit


def _enabled() -> bool:
    return bool(getattr(settings, "ZAIXIAN_RATE_LIMITS_ENABLED", True))


def _cache_key(scope: str, key: str, window: int) -> str:
    # Hash the key: it may be a phone number (no personal data in Redis key listings) and
    # must stay within memcached-style key limits whatever its length.
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    return f"ratelimit:{digest}:{window}"


def hit(*, scope: str, key: str, rate: str) -> Usage:
    """Count one attempt of ``key`` in ``scope`` and return the window's count so far."""
    parsed = parse_rate(rate)
    now = time.time()
    window = int(now // parsed.seconds)
    retry_after = max(1, int((window + 1) * parsed.seconds - now + 0.999))
    if not _enabled():
        return Usage(count=0, limit=parsed.limit, retry_after=retry_after)
    cache_key = _cache_key(scope, key, window)
    # The counter outlives its window a little so a clock skew between servers cannot
    # resurrect it; the window number in the key starts a fresh one on time.
    timeout = parsed.seconds + 5
    if cache.add(cache_key, 1, timeout):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr: this is the window's first hit
            cache.add(cache_key, 1, timeout)
            count = 1
    return Usage(count=count, limit=parsed.limit, retry_after=retry_after)


def hit_for_request(*, request: HttpRequest, scope: str, rate: str, key: str = "") -> Usage:
    """Count this request under ``key``, by default the client address (behind a trusted
    proxy, its X-Real-IP, as the audit log sees it)."""
    return hit(scope=scope, key=key or client_ip(request), rate=rate)


def check_rate(*, request: HttpRequest, scope: str, rate: str, key: str = "") -> bool:
    """Count this request and tell whether it is within ``rate`` (True) or over it (False)."""
    return not hit_for_request(request=request, scope=scope, rate=rate, key=key).is_exceeded


def rate_limited_response(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """HTTP 429 with a short Chinese page and ``Retry-After`` in seconds."""
    minutes = max(1, (retry_after + 59) // 60)
    content = render_to_string(
        "core/rate_limited.html",
        {"retry_after": retry_after, "retry_minutes": minutes},
        request=request,
    )
    response = HttpResponse(content, status=429)
    response["Retry-After"] = str(retry_after)
    return response


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def rate_limited(
    *, scope: str, rate: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[[ViewFunc], ViewFunc]:
    """Limit a view to ``rate`` requests per client address for the given HTTP methods
    (POST by default: showing a form is free, submitting it is counted)."""
    parse_rate(rate)  # a typo in the rate fails at import, not on the first request
    counted = {method.upper() for method in methods}

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in counted:
                usage = hit_for_request(request=request, scope=scope, rate=rate)
                if usage.is_exceeded:
                    return rate_limited_response(request, retry_after=usage.retry_after)
            return view(request, *args, **kwargs)

        return cast(ViewFunc, wrapped)

    return decorator
