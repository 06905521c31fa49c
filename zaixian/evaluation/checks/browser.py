"""The checks that need a real browser: accessibility with axe-core (WCAG 2.1 AA, which covers
GB/T 37668-2019 level 2), mobile friendliness, load time and page weight, and screenshots as
evidence (no ORM).

One headless Chromium (Debian's ``chromium``, driven by Playwright's sync API, never a browser
download) serves a whole sample of pages in two tabs, each in its own browser context: a
desktop tab for axe-core, load time and weight (HTTP cache disabled, so every page is measured
as on a first visit) and a phone tab for the layout. The tabs go from page to page (a fresh
context and page cost several times the navigation itself) and are replaced after any failure.
The simplest call opens and closes the browser in a thread of its own::

    result = run_browser_audit(urls)  # AuditResult; save result.all_findings

``BrowserAudit`` is the browser itself, for several calls (``audit``, ``screenshot``) in one
session. Django's ORM must not be used inside its ``with`` block: Playwright's sync API runs an
event loop in the calling thread, and Django refuses database calls from a thread with a
running loop (``SynchronousOnlyOperation``); for the same reason only one ``BrowserAudit`` can
be open per thread, and none inside an asyncio loop.

Without Chromium or Playwright, ``BrowserAudit`` raises ``BrowserUnavailableError`` on entry;
the run records the message as a notice and scores the rest.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from zaixian.evaluation import rules
from zaixian.evaluation.checks import FindingData

_T = TypeVar("_T")
logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, Playwright

# Lines of the checks -----------------------------------------------------------------------
# The indicators' 15-second limit for a page to open.
PAGE_TIMEOUT_MS = rules.PROBE_TIMEOUT_SECONDS * 1000
# A page whose load event ends later than this after navigation starts is slow.
LOAD_TIME_LIMIT_MS = 3_000
# The page and every resource loaded until its load event, as transferred (compressed).
PAGE_WEIGHT_LIMIT_BYTES = 5 * 1024 * 1024
# How long the phone pass waits for a load event that never came on the desktop pass (the
# document and its styles are there by then).
MOBILE_LOAD_WAIT_MS = 1_000
# A common small phone (iPhone SE / 8) in CSS pixels.
MOBILE_VIEWPORT = {"width": 375, "height": 667}
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
# A page that sends the visitor on (script, meta refresh) is followed this many times.
NAVIGATION_RETRIES = 3
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Scrollbars and sub-pixel rounding make a few pixels of overflow harmless.
OVERFLOW_TOLERANCE_PX = 8
# Text under 12 CSS px is hard to read on a phone, Chinese characters most of all (their
# strokes merge); 12 px was long the minimum font size of Chinese-locale browsers.
SMALL_TEXT_PX = 12.0
SMALL_TEXT_SHARE = 0.5  # "most" of the page's text
SMALL_TEXT_MIN_CHARACTERS = 20  # too little text to judge below this
# WCAG 2.2's minimum target size (success criterion 2.5.8, level AA), with its spacing
# exception; a few crowded targets (two icons side by side) are left alone.
TAP_TARGET_PX = 24
CROWDED_TARGETS_AT_LEAST = 5
# A screenshot is the first screens of the page (or the screens around the offending element),
# never a 30,000-pixel strip.
SCREENSHOT_MAX_HEIGHT_PX = 2_400
SCREENSHOT_MAX_WIDTH_PX = 1_920
# axe-core's tags for WCAG 2.0 and 2.1, levels A and AA; GB/T 37668-2019 level 2 follows
# WCAG 2.0 AA.
WCAG_21_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": list(WCAG_21_AA_TAGS)},
    "resultTypes": ["violations"],
}
TARGETS_IN_EVIDENCE = 3
_UA_SUFFIX = "ZaixianEvaluation/1.0"
_LAUNCH_ARGS = (
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

# Checks and the indicators they count under (rules.INDICATORS).
A11Y_VIOLATION = "a11y.violation"
A11Y_CLEAN = "a11y.clean"
MOBILE_OVERFLOW = "mobile.overflow"
MOBILE_SMALL_TEXT = "mobile.small_text"
MOBILE_TAP_TARGETS = "mobile.tap_targets"
PERFORMANCE_LOAD_TIME = "performance.load_time"
PERFORMANCE_PAGE_WEIGHT = "performance.page_weight"
INDICATOR_ACCESSIBILITY = "usability.accessibility"
INDICATOR_MOBILE = "usability.mobile"
INDICATOR_PERFORMANCE = "usability.performance"
INDICATOR_ACCESSIBILITY_BONUS = "bonus.accessibility"


class BrowserUnavailableError(Exception):
    """Chromium or Playwright is missing, or the browser would not start; ``str()`` says which
    in words, for the run's notices."""


class PageAuditError(Exception):
    """One page could not be audited (time-out, HTTP error, crash); ``str()`` is the reason."""


@dataclass
class PageAudit:
    """The outcome of auditing one URL: its findings, or the reason it could not be audited,
    with the figures measured."""

    url: str
    findings: list[FindingData] = field(default_factory=list)
    error: str = ""
    status: int | None = None
    load_ms: int | None = None  # None when the load event never came
    weight_bytes: int | None = None
    requests: int = 0
    violations: int = 0  # axe rules violated
    script_errors: list[str] = field(default_factory=list)  # uncaught errors of the page
    elapsed_ms: int = 0  # the audit's own time

    @property
    def is_audited(self) -> bool:
        return not self.error


@dataclass
class AuditResult:
    """A sample's findings, page by page; ``bonus`` is the ``a11y.clean`` finding when every
    page of the sample was audited and none had an accessibility violation."""

    pages: list[PageAudit] = field(default_factory=list)
    bonus: FindingData | None = None

    @property
    def findings(self) -> list[FindingData]:
        """The deduction findings of every page (the bonus apart)."""
        return [finding for page in self.pages for finding in page.findings]

    @property
    def all_findings(self) -> list[FindingData]:
        return self.findings + ([self.bonus] if self.bonus else [])

    @property
    def pages_audited(self) -> int:
        return sum(1 for page in self.pages if page.is_audited)

    @property
    def errors(self) -> dict[str, str]:
        """The reason, in words, for each URL that could not be audited."""
        return {page.url: page.error for page in self.pages if page.error}


def chromium_executable() -> str | None:
    """Chromium's path: the ``CHROMIUM_PATH`` setting when set, else ``chromium`` on PATH."""
    configured: str = getattr(settings, "CHROMIUM_PATH", "") or ""
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserAudit:
    """One headless Chromium for a sample of pages; use it as a context manager."""

    def __init__(
        self,
        *,
        executable_path: str | None = None,
        page_timeout_ms: int = PAGE_TIMEOUT_MS,
        load_time_limit_ms: int = LOAD_TIME_LIMIT_MS,
        page_weight_limit_bytes: int = PAGE_WEIGHT_LIMIT_BYTES,
    ) -> None:
        self.executable_path = executable_path or chromium_executable()
        self.page_timeout_ms = page_timeout_ms
        self.load_time_limit_ms = load_time_limit_ms
        self.page_weight_limit_bytes = page_weight_limit_bytes
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._desktop_agent = ""
        self._mobile_agent = ""
        self._tabs: dict[bool, _Tab] = {}  # by is_mobile

    # Lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Launch the browser; ``BrowserUnavailableError`` when it cannot be."""
        if self._browser is not None:
            return
        path = self.executable_path
        if not path or not os.path.exists(path):
            raise BrowserUnavailableError(
                _(
                    "Chromium is not installed (Debian package chromium), so accessibility, "
                    "mobile friendliness and load time were not checked."
                )
            )
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError as error:
            raise BrowserUnavailableError(
                _(
                    "Playwright is not installed, so accessibility, mobile friendliness and "
                    "load time were not checked."
                )
            ) from error
        args = list(_LAUNCH_ARGS)
        # Chromium's sandbox cannot run as root (containers, CI).
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")
        try:
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=path, headless=True, args=args
            )
        except PlaywrightError as error:
            self.close()
            raise BrowserUnavailableError(
                _(
                    "Chromium (%(path)s) would not start, so accessibility, mobile "
                    "friendliness and load time were not checked: %(reason)s"
                )
                % {"path": path, "reason": _first_line(str(error))}
            ) from error
        # Headless Chromium announces itself as "HeadlessChrome", which some firewalls of
        # government sites block; present an ordinary Chrome, and say who we are.
        version = self._browser.version.split(".")[0]
        self._desktop_agent = (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{version}.0.0.0 Safari/537.36 {_UA_SUFFIX}"
        )
        self._mobile_agent = (
            "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{version}.0.0.0 Mobile Safari/537.36 {_UA_SUFFIX}"
        )

    def close(self) -> None:
        """Close the browser and stop Playwright; safe to call twice."""
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        self._tabs.clear()  # closed with the browser
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()

    @property
    def is_open(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    # Public checks ------------------------------------------------------------------------

    def audit(self, url: str, *, screenshot: bool = True) -> list[FindingData]:
        """The findings of one page: axe-core's WCAG 2.1 AA violations, mobile layout, load
        time and weight; the page's first finding carries a screenshot. Raises
        ``PageAuditError`` when the page cannot be audited."""
        return self.audit_page(url, screenshot=screenshot).findings

    def audit_page(self, url: str, *, screenshot: bool = True) -> PageAudit:
        """As ``audit``, with the figures measured; raises ``PageAuditError``."""
        started = time.monotonic()
        record = PageAudit(url=url)
        with self._browsing(mobile=False) as tab:
            page = tab.page
            load_finished = self._open(page, url, record)
            violations = self._settled(page, lambda: self._axe(page))
            record.violations = len(violations)
            record.findings.extend(self._accessibility_findings(url, violations))
            if load_finished:
                record.load_ms = self._settled(page, lambda: _navigation_timing(page))
            if tab.meter is not None:  # the desktop tab has one
                record.requests, record.weight_bytes = tab.meter.totals()
            record.script_errors = list(tab.script_errors)
            record.findings.extend(self._performance_findings(url, record, load_finished))
            if screenshot and record.findings:
                target = _first_target(violations)
                shot = _evidence_screenshot(page, highlight=target)
                record.findings[0] = _with_screenshot(record.findings[0], shot)

        with self._browsing(mobile=True) as tab:
            page = tab.page
            # A page whose load never ended on the desktop is not waited for twice.
            self._open(page, url, None, load_wait_ms=None if load_finished else MOBILE_LOAD_WAIT_MS)
            mobile_findings = self._settled(page, lambda: self._mobile_findings(url, page))
            if screenshot and mobile_findings and not record.findings:
                shot = _evidence_screenshot(page, highlight=f"[{_EVIDENCE_MARK}]")
                mobile_findings[0] = _with_screenshot(mobile_findings[0], shot)
            record.findings.extend(mobile_findings)
        record.elapsed_ms = round((time.monotonic() - started) * 1000)
        return record

    def audit_sample(self, urls: Iterable[str], *, screenshot: bool = True) -> AuditResult:
        """Audit every URL of a sample; a page that cannot be audited records its ``error``
        and never stops the others. Adds the ``a11y.clean`` bonus when every page was audited
        and none had a violation."""
        result = AuditResult()
        for url in dict.fromkeys(urls):  # each page once, in order
            started = time.monotonic()
            try:
                if not self.is_open:  # a page crashed the browser: start another
                    self.close()
                    self.start()
                result.pages.append(self.audit_page(url, screenshot=screenshot))
                continue
            except (PageAuditError, BrowserUnavailableError) as error:
                reason = str(error)
            except Exception as error:
                # A page must never stop the sample; the trace goes to the log for us.
                logger.exception("Browser audit of %s failed", url)
                reason = _("The page could not be checked: %(reason)s") % {
                    "reason": _first_line(f"{type(error).__name__}: {error}")
                }
            elapsed = round((time.monotonic() - started) * 1000)
            result.pages.append(PageAudit(url=url, error=reason, elapsed_ms=elapsed))
        audited = [page for page in result.pages if page.is_audited]
        if (
            audited
            and len(audited) == len(result.pages)
            and not any(page.violations for page in audited)
        ):
            result.bonus = FindingData(
                check=A11Y_CLEAN,
                indicator=INDICATOR_ACCESSIBILITY_BONUS,
                evidence=_(
                    "No accessibility violation (WCAG 2.1 AA) on any of the %(pages)d sampled "
                    "pages."
                )
                % {"pages": len(audited)},
                page_url=audited[0].url,
                detail={"pages": [page.url for page in audited], "tags": list(WCAG_21_AA_TAGS)},
            )
        return result

    def screenshot(self, url: str, *, full_page: bool = False) -> bytes:
        """A PNG of the page at a desktop size, as evidence for another check's finding (a
        stale home page); ``full_page`` takes up to ``SCREENSHOT_MAX_HEIGHT_PX``. Raises
        ``PageAuditError`` when the page does not open."""
        with self._browsing(mobile=False) as tab:
            self._open(tab.page, url, None)
            if full_page:
                return _evidence_screenshot(tab.page, highlight=None)
            shot: bytes = tab.page.screenshot(type="png", animations="disabled")
            return shot

    # Steps ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _browsing(self, *, mobile: bool) -> Iterator[_Tab]:
        """The desktop or the phone tab, reused from page to page: a new browser context and
        page cost far more than the navigation itself. After any failure the tab is closed
        and the next page gets a fresh one; Playwright's errors (a crashed page, a lost
        browser) become ``PageAuditError``."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            tab = self._tabs.get(mobile)
            if tab is None or tab.page.is_closed():
                tab = self._tabs[mobile] = self._new_tab(mobile=mobile)
            tab.reset()
            yield tab
        except BaseException as error:
            self._discard_tab(mobile=mobile)
            if not isinstance(error, PlaywrightError):
                raise
            if mobile:
                message = _("The page could not be checked on a phone screen: %(reason)s")
            else:
                message = _("The page could not be checked: %(reason)s")
            raise PageAuditError(message % {"reason": _first_line(str(error))}) from error

    def _new_tab(self, *, mobile: bool) -> _Tab:
        context = self._new_context(mobile=mobile)
        page = context.new_page()
        tab = _Tab(context=context, page=page)
        page.on("pageerror", lambda error: tab.script_errors.append(str(error)[:300]))
        if not mobile:
            session = context.new_cdp_session(page)
            tab.meter = _NetworkMeter(session)
            # Every page is loaded, and weighed, as a first-time visitor would load it.
            session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        return tab

    def _discard_tab(self, *, mobile: bool) -> None:
        from playwright.sync_api import Error as PlaywrightError

        tab = self._tabs.pop(mobile, None)
        if tab is not None:
            with contextlib.suppress(PlaywrightError):
                tab.context.close()

    def _new_context(self, *, mobile: bool) -> BrowserContext:
        if self._browser is None:
            raise RuntimeError("BrowserAudit is not started; use it as a context manager")
        # A phone-sized layout viewport with a phone's user agent, but not Chromium's mobile
        # emulation: without a viewport meta tag the latter lays the page out 980 px wide,
        # and a missing viewport meta is the page checks' finding, not an overflow.
        context = self._browser.new_context(
            viewport=MOBILE_VIEWPORT if mobile else DESKTOP_VIEWPORT,
            user_agent=self._mobile_agent if mobile else self._desktop_agent,
            has_touch=mobile,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=False,
            ignore_https_errors=True,  # certificates are not this check's business
            service_workers="block",
        )
        context.set_default_timeout(self.page_timeout_ms)
        context.set_default_navigation_timeout(self.page_timeout_ms)
        return context

    def _open(
        self, page: Page, url: str, record: PageAudit | None, *, load_wait_ms: int | None = None
    ) -> bool:
        """Open the page; True when its load event came within the time limit (or within
        ``load_wait_ms``). Raises ``PageAuditError`` when not even the document arrived, or on
        an HTTP error."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        started = time.monotonic()
        try:
            response = page.goto(url, wait_until="domcontentloaded", timeout=self.page_timeout_ms)
        except PlaywrightTimeoutError as error:
            raise PageAuditError(
                _("The page did not open within %(seconds)s seconds.")
                % {"seconds": _seconds(self.page_timeout_ms)}
            ) from error
        except PlaywrightError as error:
            raise PageAuditError(
                _("The page could not be opened: %(reason)s") % {"reason": _first_line(str(error))}
            ) from error
        if response is not None:
            if record is not None:
                record.status = response.status
            if response.status >= 400:
                raise PageAuditError(
                    _("The page answered with HTTP status %(status)d.")
                    % {"status": response.status}
                )
            content_type = response.headers.get("content-type", "").split(";")[0].strip()
            if content_type and content_type not in HTML_CONTENT_TYPES:
                raise PageAuditError(
                    _("Not an HTML page (%(content_type)s); it is not checked in the browser.")
                    % {"content_type": content_type}
                )
        remaining = self.page_timeout_ms - round((time.monotonic() - started) * 1000)
        if load_wait_ms is not None:
            remaining = min(remaining, load_wait_ms)
        try:
            page.wait_for_load_state("load", timeout=max(remaining, 1))
        except PlaywrightTimeoutError:
            # A resource that never finishes holds the load event back; the document is
            # there, so it is audited and reported as slow.
            return False
        return True

    def _settled(self, page: Page, action: Callable[[], _T]) -> _T:
        """Run ``action`` on the page; when the page navigates meanwhile (a script or a meta
        refresh sending the visitor on, common on the home pages of government sites), wait
        for the next document and run it again."""
        from playwright.sync_api import Error as PlaywrightError

        for attempt in range(1, NAVIGATION_RETRIES + 1):
            try:
                return action()
            except PlaywrightError as error:
                if attempt == NAVIGATION_RETRIES or "context was destroyed" not in str(error):
                    raise
                with contextlib.suppress(PlaywrightError):
                    page.wait_for_load_state("load", timeout=self.page_timeout_ms)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _axe(self, page: Page) -> list[dict[str, Any]]:
        """axe-core's violations of the WCAG 2.1 A and AA rules on the page as it is now."""
        # The axe.min.js bundled with axe_playwright_python, injected and run in one
        # evaluation, so a navigation cannot come between the two.
        from axe_playwright_python.base import AXE_SCRIPT

        results: dict[str, Any] = page.evaluate(
            f"{AXE_SCRIPT}\n;axe.run(document, {json.dumps(AXE_OPTIONS)})"
        )
        violations: list[dict[str, Any]] = results["violations"]
        return violations

    def _accessibility_findings(
        self, url: str, violations: Sequence[dict[str, Any]]
    ) -> list[FindingData]:
        findings = []
        for violation in violations:
            nodes = violation.get("nodes", [])
            targets = [_target_text(node.get("target", [])) for node in nodes]
            impact = violation.get("impact") or "moderate"
            findings.append(
                FindingData(
                    check=A11Y_VIOLATION,
                    indicator=INDICATOR_ACCESSIBILITY,
                    evidence=_(
                        "Accessibility issue (%(rule)s, %(impact)s): %(help)s; elements "
                        "affected: %(nodes)d, e.g. %(target)s"
                    )
                    % {
                        "rule": violation["id"],
                        "impact": _impact_words(impact),
                        "help": violation.get("help", ""),
                        "nodes": len(nodes),
                        "target": ", ".join(targets[:TARGETS_IN_EVIDENCE]),
                    },
                    page_url=url,
                    detail={
                        "rule": violation["id"],
                        "impact": impact,
                        "help": violation.get("help", ""),
                        "help_url": violation.get("helpUrl", ""),
                        "tags": violation.get("tags", []),
                        "nodes": len(nodes),
                        "targets": targets[:10],
                        "html": [node.get("html", "")[:300] for node in nodes[:3]],
                    },
                )
            )
        return findings

    def _performance_findings(
        self, url: str, record: PageAudit, load_finished: bool
    ) -> list[FindingData]:
        findings = []
        figures = {
            "load_ms": record.load_ms,
            "load_time_limit_ms": self.load_time_limit_ms,
            "weight_bytes": record.weight_bytes,
            "page_weight_limit_bytes": self.page_weight_limit_bytes,
            "requests": record.requests,
        }
        if not load_finished:
            findings.append(
                FindingData(
                    check=PERFORMANCE_LOAD_TIME,
                    indicator=INDICATOR_PERFORMANCE,
                    evidence=_(
                        "The page had not finished loading after %(seconds)s seconds "
                        "(limit %(limit)s seconds)."
                    )
                    % {
                        "seconds": _seconds(self.page_timeout_ms),
                        "limit": _seconds(self.load_time_limit_ms),
                    },
                    page_url=url,
                    detail={**figures, "load_finished": False},
                )
            )
        elif record.load_ms is not None and record.load_ms > self.load_time_limit_ms:
            findings.append(
                FindingData(
                    check=PERFORMANCE_LOAD_TIME,
                    indicator=INDICATOR_PERFORMANCE,
                    evidence=_(
                        "The page took %(seconds)s seconds to load (limit %(limit)s seconds)."
                    )
                    % {
                        "seconds": _seconds(record.load_ms),
                        "limit": _seconds(self.load_time_limit_ms),
                    },
                    page_url=url,
                    detail={**figures, "load_finished": True},
                )
            )
        if record.weight_bytes is not None and record.weight_bytes > self.page_weight_limit_bytes:
            findings.append(
                FindingData(
                    check=PERFORMANCE_PAGE_WEIGHT,
                    indicator=INDICATOR_PERFORMANCE,
                    evidence=_(
                        "The page and its resources weigh %(size)s MB in %(requests)d "
                        "requests (limit %(limit)s MB)."
                    )
                    % {
                        "size": _megabytes(record.weight_bytes),
                        "requests": record.requests,
                        "limit": _megabytes(self.page_weight_limit_bytes),
                    },
                    page_url=url,
                    detail={**figures, "load_finished": load_finished},
                )
            )
        return findings

    def _mobile_findings(self, url: str, page: Page) -> list[FindingData]:
        layout: dict[str, Any] = page.evaluate(
            _MOBILE_LAYOUT_SCRIPT,
            {
                "tolerance": OVERFLOW_TOLERANCE_PX,
                "smallText": SMALL_TEXT_PX,
                "minTarget": TAP_TARGET_PX,
                "mark": _EVIDENCE_MARK,
            },
        )
        findings = []
        viewport_width = int(layout["viewportWidth"])
        page_width = int(layout["pageWidth"])
        if page_width > viewport_width + OVERFLOW_TOLERANCE_PX:
            element = layout.get("element") or ""
            values = {"width": viewport_width, "page_width": page_width, "element": element}
            if element:
                evidence = (
                    _(
                        "On a phone screen %(width)d px wide the page is %(page_width)d px "
                        "wide and must be scrolled sideways; the first element too wide: "
                        "%(element)s."
                    )
                    % values
                )
            else:
                evidence = (
                    _(
                        "On a phone screen %(width)d px wide the page is %(page_width)d px "
                        "wide and must be scrolled sideways."
                    )
                    % values
                )
            findings.append(
                FindingData(
                    check=MOBILE_OVERFLOW,
                    indicator=INDICATOR_MOBILE,
                    evidence=evidence,
                    page_url=url,
                    detail={
                        "viewport_width": viewport_width,
                        "page_width": page_width,
                        "tolerance_px": OVERFLOW_TOLERANCE_PX,
                        "element": element,
                        "element_width": layout.get("elementWidth"),
                    },
                )
            )
        characters = int(layout["characters"])
        small = int(layout["smallCharacters"])
        if characters >= SMALL_TEXT_MIN_CHARACTERS and small / characters > SMALL_TEXT_SHARE:
            sizes = [(float(size), int(count)) for size, count in layout["sizes"]]
            median = _weighted_median(sizes)
            findings.append(
                FindingData(
                    check=MOBILE_SMALL_TEXT,
                    indicator=INDICATOR_MOBILE,
                    evidence=_(
                        "On a phone screen %(share)d%% of the text is smaller than %(min)d px "
                        "(typical size %(median)s px)."
                    )
                    % {
                        "share": round(100 * small / characters),
                        "min": round(SMALL_TEXT_PX),
                        "median": f"{median:g}",
                    },
                    page_url=url,
                    detail={
                        "characters": characters,
                        "small_characters": small,
                        "small_text_px": SMALL_TEXT_PX,
                        "median_px": median,
                    },
                )
            )
        crowded = int(layout["crowded"])
        if crowded >= CROWDED_TARGETS_AT_LEAST:
            examples = [str(example) for example in layout["crowdedExamples"]]
            findings.append(
                FindingData(
                    check=MOBILE_TAP_TARGETS,
                    indicator=INDICATOR_MOBILE,
                    evidence=_(
                        "On a phone screen %(crowded)d of %(targets)d links and controls are "
                        "smaller than %(size)d px and too close to each other to tap, "
                        "e.g. %(examples)s."
                    )
                    % {
                        "crowded": crowded,
                        "targets": int(layout["targets"]),
                        "size": TAP_TARGET_PX,
                        "examples": ", ".join(examples),
                    },
                    page_url=url,
                    detail={
                        "crowded_targets": crowded,
                        "targets": int(layout["targets"]),
                        "tap_target_px": TAP_TARGET_PX,
                        "examples": examples,
                    },
                )
            )
        return findings


def run_browser_audit(
    urls: Iterable[str],
    *,
    screenshot: bool = True,
    executable_path: str | None = None,
    page_timeout_ms: int = PAGE_TIMEOUT_MS,
    load_time_limit_ms: int = LOAD_TIME_LIMIT_MS,
    page_weight_limit_bytes: int = PAGE_WEIGHT_LIMIT_BYTES,
) -> AuditResult:
    """Audit a sample in a browser opened and closed here, in a thread of its own, so that
    the caller may use the ORM, run inside an event loop, or hold another ``BrowserAudit``;
    the evidence is written in the caller's active language. Raises
    ``BrowserUnavailableError``."""
    urls = list(urls)
    language = translation.get_language()

    def audit_in_thread() -> AuditResult:
        with (
            translation.override(language),
            BrowserAudit(
                executable_path=executable_path,
                page_timeout_ms=page_timeout_ms,
                load_time_limit_ms=load_time_limit_ms,
                page_weight_limit_bytes=page_weight_limit_bytes,
            ) as audit,
        ):
            return audit.audit_sample(urls, screenshot=screenshot)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser-audit") as executor:
        return executor.submit(audit_in_thread).result()


# Helpers ------------------------------------------------------------------------------------


@dataclass
class _Tab:
    """A browser context and its one page, reused for the pages of a sample."""

    context: BrowserContext
    page: Page
    meter: _NetworkMeter | None = None  # the desktop tab's
    script_errors: list[str] = field(default_factory=list)

    def reset(self) -> None:
        """Forget the previous page's figures before the next navigation."""
        self.script_errors.clear()
        if self.meter is not None:
            self.meter.reset()


class _NetworkMeter:
    """Bytes on the wire (headers and compressed bodies) of every request the page makes, from
    Chromium's DevTools protocol: the Resource Timing API reports 0 for cross-origin resources
    without ``Timing-Allow-Origin``, which a CDN of a government site seldom sends."""

    def __init__(self, session: CDPSession) -> None:
        self.requests: set[str] = set()
        self.bytes_by_request: dict[str, int] = {}
        session.on("Network.requestWillBeSent", self._on_request)
        session.on("Network.loadingFinished", self._on_finished)
        session.send("Network.enable")

    def _on_request(self, event: dict[str, Any]) -> None:
        self.requests.add(event["requestId"])

    def _on_finished(self, event: dict[str, Any]) -> None:
        self.bytes_by_request[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def reset(self) -> None:
        self.requests.clear()
        self.bytes_by_request.clear()

    def totals(self) -> tuple[int, int]:
        """(requests, bytes) so far."""
        return len(self.requests), sum(self.bytes_by_request.values())


def _navigation_timing(page: Page) -> int | None:
    """Milliseconds from the start of navigation to the end of the load event."""
    value = page.evaluate(
        """async () => {
            const entry = () => performance.getEntriesByType("navigation")[0];
            // The load event's handlers may still be running when Playwright reports it.
            for (let i = 0; i < 20 && entry() && !entry().loadEventEnd; i++) {
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            const nav = entry();
            return nav && nav.loadEventEnd ? nav.loadEventEnd - nav.startTime : null;
        }"""
    )
    return None if value is None else round(float(value))


# The element the phone pass's screenshot outlines: the one too wide, or the first crowded
# tap target.
_EVIDENCE_MARK = "data-evaluation-evidence"
_MOBILE_LAYOUT_SCRIPT = """({tolerance, smallText, minTarget, mark}) => {
    const viewportWidth = document.documentElement.clientWidth || window.innerWidth;
    const pageWidth = Math.max(
        document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0);
    const describe = (el) => {
        let text = el.tagName.toLowerCase();
        if (el.id) text += "#" + el.id;
        const classes = [...el.classList].slice(0, 2);
        if (classes.length) text += "." + classes.join(".");
        return text;
    };
    // Inside a scrolling or clipping box (a wide table in its scroller, a carousel's slides),
    // or fixed to the screen, an element does not widen the page.
    const contained = (el) => {
        if (getComputedStyle(el).position === "fixed") return true;
        for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
            if (getComputedStyle(box).overflowX !== "visible") return true;
        }
        return false;
    };
    let element = null, elementWidth = null;
    if (pageWidth > viewportWidth + tolerance && document.body) {
        for (const el of [document.body, ...document.body.querySelectorAll("*")]) {
            const rect = el.getBoundingClientRect();
            if (rect.width && rect.right + window.scrollX > viewportWidth + tolerance
                    && !contained(el)) {
                element = describe(el);
                el.setAttribute(mark, "");  // outlined in the screenshot
                elementWidth = Math.round(rect.width);
                break;
            }
        }
    }
    const sizes = new Map();
    let characters = 0, smallCharacters = 0;
    if (document.body) {
        const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "svg"]);
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const styles = new Map();
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent.replace(/\\s+/g, "");
            const parent = node.parentElement;
            if (!text || !parent || skip.has(parent.tagName)) continue;
            if (!styles.has(parent)) {
                const style = getComputedStyle(parent);
                const shown = parent.getClientRects().length > 0 && style.visibility !== "hidden"
                    && style.opacity !== "0";
                styles.set(parent, shown ? parseFloat(style.fontSize) : null);
            }
            const size = styles.get(parent);
            if (size === null || Number.isNaN(size)) continue;
            characters += text.length;
            if (size < smallText) smallCharacters += text.length;
            sizes.set(size, (sizes.get(size) || 0) + text.length);
        }
    }
    // Tap targets (WCAG 2.2 success criterion 2.5.8): a link or control under minTarget px
    // either way is crowded when a circle of minTarget px around its centre reaches another
    // target (or the circle of another small one); links in a sentence are exempt.
    const targets = [];
    const wordy = /[\\p{L}\\p{N}]/u;
    const inSentence = (el) => {
        const parent = el.parentElement;
        if (!parent || getComputedStyle(el).display !== "inline") return false;
        let text = "";
        for (const node of parent.childNodes) {
            if (node.nodeType === Node.TEXT_NODE) text += node.textContent;
        }
        return [...text].filter((c) => wordy.test(c)).length >= 2;
    };
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, '
        + '[role="button"], [role="link"], [role="tab"], [role="menuitem"]';
    for (const el of document.querySelectorAll(selector)) {
        const rect = el.getBoundingClientRect();
        if (!rect.width || !rect.height || getComputedStyle(el).visibility === "hidden") continue;
        const small = rect.width < minTarget || rect.height < minTarget;
        targets.push({el, rect, small: small && !inSentence(el),
                      x: rect.left + rect.width / 2, y: rect.top + rect.height / 2});
    }
    const reaches = (t, o) => {
        if (o.small) return Math.hypot(o.x - t.x, o.y - t.y) < minTarget;
        const dx = Math.max(o.rect.left - t.x, 0, t.x - o.rect.right);
        const dy = Math.max(o.rect.top - t.y, 0, t.y - o.rect.bottom);
        return Math.hypot(dx, dy) < minTarget / 2;
    };
    const crowded = targets.filter((t) => t.small && targets.some((o) => o !== t && reaches(t, o)));
    const crowdedExamples = crowded.slice(0, 3).map((t) => {
        const label = (t.el.innerText || t.el.value || t.el.getAttribute("aria-label") || "")
            .trim().slice(0, 12);
        return label ? `${describe(t.el)} "${label}"` : describe(t.el);
    });
    if (crowded.length && !element) crowded[0].el.setAttribute(mark, "");
    return {viewportWidth, pageWidth, element, elementWidth, characters, smallCharacters,
            sizes: [...sizes.entries()], targets: targets.length, crowded: crowded.length,
            crowdedExamples};
}"""


def _evidence_screenshot(page: Page, *, highlight: str | None) -> bytes:
    """A PNG of the page's first screens, or of the screens around the highlighted element
    (outlined in red), at most ``SCREENSHOT_MAX_HEIGHT_PX`` high, as wide as the page up to
    ``SCREENSHOT_MAX_WIDTH_PX``."""
    box: dict[str, float] = page.evaluate(
        """({selector, maxHeight, maxWidth}) => {
            const doc = document.documentElement;
            const body = document.body;
            const height = Math.max(
                doc.scrollHeight, body ? body.scrollHeight : 0, window.innerHeight);
            let top = 0;
            let el = null;
            try { el = selector ? document.querySelector(selector) : null; } catch (e) {}
            if (el) {
                el.style.outline = "4px solid #e60012";
                el.style.outlineOffset = "2px";
                top = Math.max(0, el.getBoundingClientRect().top + window.scrollY - 200);
                top = Math.min(top, Math.max(0, height - maxHeight));
            }
            // As wide as the page, so that what overflows the screen is in the picture.
            const width = Math.min(maxWidth, Math.max(doc.clientWidth || window.innerWidth,
                                                      doc.scrollWidth));
            return {x: 0, y: top, width, height: Math.min(maxHeight, height - top)};
        }""",
        {
            "selector": highlight,
            "maxHeight": SCREENSHOT_MAX_HEIGHT_PX,
            "maxWidth": SCREENSHOT_MAX_WIDTH_PX,
        },
    )
    shot: bytes = page.screenshot(type="png", full_page=True, clip=box, animations="disabled")
    return shot


def _with_screenshot(finding: FindingData, shot: bytes) -> FindingData:
    return FindingData(
        check=finding.check,
        indicator=finding.indicator,
        evidence=finding.evidence,
        page_url=finding.page_url,
        link_url=finding.link_url,
        detail=finding.detail,
        screenshot=shot,
    )


def _first_target(violations: Sequence[dict[str, Any]]) -> str | None:
    """The first offending element's selector, when it is in the page itself (not in a frame
    or a shadow root, where axe gives a list of selectors)."""
    for violation in violations:
        for node in violation.get("nodes", []):
            target = node.get("target") or []
            if len(target) == 1 and isinstance(target[0], str):
                return target[0]
    return None


def _target_text(target: Sequence[Any]) -> str:
    """axe's target (selectors through frames and shadow roots) as one line."""
    return (
        " > ".join(" ".join(part) if isinstance(part, list) else str(part) for part in target)
        or "?"
    )


def _impact_words(impact: str) -> str:
    words = {
        "minor": _("minor impact"),
        "moderate": _("moderate impact"),
        "serious": _("serious impact"),
        "critical": _("critical impact"),
    }
    return words.get(impact, impact)


def _weighted_median(sizes: Sequence[tuple[float, int]]) -> float:
    """The font size of the middle character of the page."""
    total = sum(count for _size, count in sizes)
    running = 0
    for size, count in sorted(sizes):
        running += count
        if running * 2 >= total:
            return size
    return 0.0


def _seconds(milliseconds: int) -> str:
    return f"{milliseconds / 1000:.1f}".rstrip("0").rstrip(".")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:300]


def run_screenshot(url: str, *, executable_path: str | None = None) -> bytes | None:
    """A screenshot of ``url`` for the evidence of another check (a stale home page), taken in
    a browser of its own thread like ``run_browser_audit``; None when the page cannot be shown.
    Raises ``BrowserUnavailableError``."""

    def shoot_in_thread() -> bytes | None:
        with BrowserAudit(executable_path=executable_path) as audit:
            try:
                return audit.screenshot(url)
            except PageAuditError:
                return None

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser-shot") as executor:
        return executor.submit(shoot_in_thread).result()
