"""Fixtures for the end-to-end tests: a live server, Playwright pages in Debian's Chromium
(screenshots of failures in ``var/test-artifacts/``), and the small portal of
``tests.e2e.helpers.build_portal``.

Every test here is transactional: the browser talks to the live server thread, which must see
committed data (on SQLite the in-memory database is shared with the server thread). The flush
after a transactional test empties the tables the migrations filled; each test first puts
back the few rows it needs (``ensure_wagtail_roots``) rather than restoring a serialized copy,
which would clash with rows that ``post_migrate`` handlers recreate after other engineers'
transactional tests.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, Portal, build_portal, ensure_wagtail_roots

ARTIFACTS_DIR = Path(settings.VAR_DIR) / "test-artifacts"
# Generous enough for a loaded CI machine, short enough that a broken selector fails fast.
DEFAULT_TIMEOUT_MS = 10_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item so the page fixtures know when a test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db: None, live_server: Any) -> Iterator[None]:
    """Transactional database with Wagtail's roots in place, and an empty page cache.

    The cache lives in this process (the live server is a thread) and outlives the flush
    between tests, so pages cached by one test must not leak into the next.
    """
    ensure_wagtail_roots()
    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def open_page(
    browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """Open a page in a new browser context (its own cookies, like a separate person).

    Every context opened in a test is screenshotted into ``var/test-artifacts/`` when the test
    fails, and closed at the end.
    """
    contexts: list[Any] = []

    def _open(*, viewport: dict[str, int] | None = None, locale: str = "zh-CN") -> Any:
        context = browser.new_context(
            viewport=viewport or DESKTOP, locale=locale, base_url=live_server.url
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _open

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for index, context in enumerate(contexts):
            for page_index, failed_page in enumerate(context.pages):
                # A failing screenshot (a crashed page) must not hide the test's own failure.
                with contextlib.suppress(Exception):
                    failed_page.screenshot(
                        path=str(ARTIFACTS_DIR / f"{name}-{index}-{page_index}.png"),
                        full_page=True,
                    )
    for context in contexts:
        # Leaving an admin edit page sends a beacon that releases the editing session; if the
        # live server handled it while the database is flushed after the test, SQLite's shared
        # in-memory database reports "table is locked". Nothing needs it once the test is over.
        with contextlib.suppress(Exception):
            context.route("**/admin/editing-sessions/**", lambda route: route.abort())
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Any]) -> Any:
    """A desktop-sized page in a fresh context, Chinese locale."""
    return open_page()


@pytest.fixture
def portal() -> Portal:
    """The small portal of ``helpers.build_portal``: a default site with channels, articles,
    the three-step review workflow, an editor and three reviewers."""
    return build_portal()
