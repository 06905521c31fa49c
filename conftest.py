"""Project-wide pytest fixtures and the rules for tests that need a real service.

Tests marked ``postgres`` run only in the PostgreSQL run of the suite. Tests that need Redis
or Chromium skip with a clear reason when those are missing, except on CI (``CI=true``),
where a missing service is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import connection

ON_CI = os.environ.get("CI") == "true"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def missing_service(reason: str) -> None:
    """Skip locally, fail on CI."""
    if ON_CI:
        pytest.fail(f"{reason} (required on CI)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Every test starts with an empty cache: cached pages, calendar years and rate-limit
    counters must not leak from one test into the next."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _only_on_postgres(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only test; it runs in the PostgreSQL run of the suite")


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        missing_service(f"Redis is not reachable at {url}")
    return url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM:
        missing_service("Chromium is not installed (Debian package `chromium`)")
    assert CHROMIUM
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    """A headless Chromium driven by Playwright (Debian's browser, never a download)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()
