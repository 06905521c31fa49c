"""The crawler of the self-evaluation (no ORM): fetches a site breadth first, politely, hands
each page to a callback once and keeps only the link table.

``crawl`` follows the site's own links (``<a>``, ``<area>``, ``<iframe>``, ``<frame>``),
checks the status of everything else a page refers to (images, stylesheets, scripts,
attachments, other sites) without reading it, honours robots.txt and a per-host rate limit
through ``core.fetching.PoliteFetcher``, and turns every failure of a page (time-out, redirect
loop, refused connection, oversized or malformed body) into a page with an error in words: the
crawl itself never fails because of what a site serves. Page bodies and trees live only while
the callback runs, so a 20,000-page site crawls in bounded memory.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from posixpath import splitext
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zaixian.core.fetching import FetchError, FetchResult, HostLimiter, PoliteFetcher
from zaixian.evaluation.checks import LinkRecord, PageSnapshot
from zaixian.monitoring.parsing import canonical_url

CRAWLER_USER_AGENT = "ZaixianEvaluation/1.0 (+government website self-check crawler)"
DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024  # above the indicators' 3 MB page-weight line
EXTERNAL_TIMEOUT = 10.0  # seconds; another site's slowness should not hold the crawl long
EXTERNAL_REQUESTS_PER_SECOND = 1.0  # per external host

# Targets whose status is checked but which are never parsed, by the extension of their path.
ATTACHMENT_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".ofd"}
    | {".zip", ".rar", ".7z", ".txt", ".csv"}
)
_MEDIA_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".ico", ".css", ".js"}
    | {".mp3", ".mp4", ".avi", ".flv", ".swf", ".woff", ".woff2", ".ttf"}
)
_SKIPPED_SCHEMES = frozenset({"mailto", "tel", "javascript", "data", "sms", "ftp", "file"})
_FOLLOWED_TAGS = {"a": "href", "area": "href", "iframe": "src", "frame": "src"}
_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_REFRESH_URL_RE = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.IGNORECASE)
_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_Outcome = TypeVar("_Outcome")
OnPage = Callable[[PageSnapshot], None]
Progress = Callable[[int, int], None]


@dataclass
class CrawlResult:
    """What a crawl leaves once its pages have been handed to ``on_page``."""

    start_url: str  # the home page's canonical URL after its redirects
    links: list[LinkRecord]
    pages_fetched: int  # pages that answered (2xx/3xx)
    pages_failed: int  # pages with no answer or an error status
    elapsed: float  # seconds, wall clock
    stopped_by_limit: bool  # pages were left unfetched because max_pages was reached


def site_host(url: str) -> str:
    """The host (and port) that names a site: lower case, without a leading ``www.``, so
    ``www.jcgov.gov.cn`` and ``jcgov.gov.cn`` are one site."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = host.removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != {"http": 80, "https": 443}.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def is_checked_only(url: str) -> bool:
    """True for targets whose status is checked but which are never fetched as pages:
    attachments (PDF, DOC, XLS …), images, stylesheets, scripts, media."""
    extension = splitext(urlsplit(url).path)[1].lower()
    return extension in ATTACHMENT_EXTENSIONS or extension in _MEDIA_EXTENSIONS


@dataclass
class _PageOutcome:
    requested: str
    snapshot: PageSnapshot | None  # None when robots.txt disallowed the page
    followed: list[str] = field(default_factory=list)
    checked_only: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class _LinkOutcome:
    url: str
    status: int | None
    error: str
    checked: bool = True


def crawl(
    start_url: str,
    *,
    max_pages: int,
    requests_per_second: float,
    on_page: OnPage,
    check_external: bool = True,
    workers: int = 4,
    timeout: float = 15.0,
    fetcher: PoliteFetcher | None = None,
    progress: Progress | None = None,
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES,
    external_requests_per_second: float = EXTERNAL_REQUESTS_PER_SECOND,
    external_timeout: float = EXTERNAL_TIMEOUT,
) -> CrawlResult:
    """Crawl the site of ``start_url`` breadth first, fetching at most ``max_pages`` pages with
    ``workers`` threads at ``requests_per_second`` (0: no limit, for local sites).

    ``on_page(snapshot)`` is called once for every page fetched or failed, always from the
    thread that called ``crawl``, one page at a time (it need not be thread-safe); the snapshot's
    body and tree must not be kept after it returns. ``progress(done, queued)`` is called from
    the same thread after each page. ``fetcher`` replaces the site's fetcher (its own limiter
    and robots.txt); external links get their own fetcher with ``external_timeout`` and
    ``external_requests_per_second`` per host."""
    crawler = _Crawler(
        max_pages=max_pages,
        on_page=on_page,
        progress=progress,
        check_external=check_external,
        workers=max(1, workers),
        fetcher=fetcher
        or PoliteFetcher(
            timeout=timeout,
            max_bytes=max_page_bytes,
            retries=1,
            retry_timeouts=False,
            limiter=HostLimiter(interval=_interval(requests_per_second)),
            user_agent=CRAWLER_USER_AGENT,
        ),
        language=translation.get_language(),
        external_fetcher=PoliteFetcher(
            timeout=min(timeout, external_timeout),
            retries=0,
            limiter=HostLimiter(interval=_interval(external_requests_per_second)),
            user_agent=CRAWLER_USER_AGENT,
        ),
    )
    return crawler.run(canonical_url(start_url))


def _interval(requests_per_second: float) -> float:
    return 1.0 / requests_per_second if requests_per_second > 0 else 0.0


class _Crawler:
    """One crawl's state. Only the calling thread touches it; the pools run the fetches."""

    def __init__(
        self,
        *,
        max_pages: int,
        on_page: OnPage,
        progress: Progress | None,
        check_external: bool,
        workers: int,
        fetcher: PoliteFetcher,
        external_fetcher: PoliteFetcher,
        language: str | None,
    ) -> None:
        self.language = language  # the pools' threads write their errors in the caller's
        self.max_pages = max_pages
        self.on_page = on_page
        self.progress = progress
        self.check_external = check_external
        self.workers = workers
        self.fetcher = fetcher
        self.external_fetcher = external_fetcher
        self.site = ""
        self.start_url = ""
        self.links: dict[str, LinkRecord] = {}
        self.outcomes: dict[str, tuple[int | None, str]] = {}  # every URL fetched or checked
        self.pages: deque[tuple[str, int]] = deque()
        self.resources: deque[str] = deque()
        self.pages_submitted = 0
        self.pages_done = 0
        self.pages_fetched = 0
        self.pages_failed = 0

    def _in_language(self, work: Callable[..., _Outcome], *args: object) -> _Outcome:
        """Runs ``work`` in a pool thread with the calling thread's language active."""
        if self.language is None:
            return work(*args)
        with translation.override(self.language):
            return work(*args)

    def is_internal(self, url: str) -> bool:
        return site_host(url) == self.site

    # the loop ------------------------------------------------------------------------------
    def run(self, start_url: str) -> CrawlResult:
        started = time.monotonic()
        self.site = site_host(start_url)
        self.start_url = start_url
        self.pages.append((start_url, 0))
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="crawl")
        external_pool = ThreadPoolExecutor(min(self.workers, 4), thread_name_prefix="crawl-ext")
        self.external: dict[Future[_LinkOutcome], str] = {}
        self.external_pool = external_pool
        in_flight: dict[Future[_PageOutcome] | Future[_LinkOutcome], str] = {}
        try:
            while True:
                while len(in_flight) < self.workers and self._submit_next(pool, in_flight):
                    pass
                if not in_flight:
                    break
                done, _pending = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    del in_flight[future]
                    outcome = future.result()
                    if isinstance(outcome, _PageOutcome):
                        self._handle_page(outcome)
                    else:
                        self._record(outcome)
                del done
            for future in self.external:
                self._record(future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            external_pool.shutdown(wait=True, cancel_futures=True)
        stopped_by_limit = self._mark_unfetched()
        return CrawlResult(
            start_url=self.start_url,
            links=list(self.links.values()),
            pages_fetched=self.pages_fetched,
            pages_failed=self.pages_failed,
            elapsed=time.monotonic() - started,
            stopped_by_limit=stopped_by_limit,
        )

    def _submit_next(
        self,
        pool: ThreadPoolExecutor,
        in_flight: dict[Future[_PageOutcome] | Future[_LinkOutcome], str],
    ) -> bool:
        """Submits one job (a link check first, they are quick); False when there is none."""
        while self.resources:
            url = self.resources.popleft()
            if url not in self.outcomes:
                in_flight[pool.submit(self._in_language, _check_link, self.fetcher, url)] = url
                return True
        while self.pages and self.pages_submitted < self.max_pages:
            url, depth = self.pages.popleft()
            if url in self.outcomes:  # reached meanwhile through a redirect
                self._record(_LinkOutcome(url, *self.outcomes[url]))
                continue
            self.outcomes[url] = (None, "")  # claimed: not submitted twice
            self.pages_submitted += 1
            is_home = depth == 0
            future = pool.submit(self._in_language, _fetch_page, self.fetcher, url, depth, is_home)
            in_flight[future] = url
            return True
        return False

    # pages ---------------------------------------------------------------------------------
    def _handle_page(self, outcome: _PageOutcome) -> None:
        snapshot = outcome.snapshot
        if snapshot is None:  # disallowed by robots.txt: not a page of the crawl
            self._record(_LinkOutcome(outcome.requested, None, outcome.error, checked=False))
            if outcome.requested == self.start_url:
                snapshot = _failed_snapshot(outcome.requested, 0, outcome.error, is_home=True)
            else:
                self._report_progress()
                return
        if snapshot.is_home:
            self.start_url = snapshot.url
            self.site = site_host(snapshot.url)  # the site is where the home page lands
        self._record(_LinkOutcome(outcome.requested, snapshot.status, snapshot.error))
        is_new_page = snapshot.url == outcome.requested or (
            snapshot.url not in self.outcomes and self.is_internal(snapshot.url)
        )
        if snapshot.url != outcome.requested and is_new_page:
            self._record(_LinkOutcome(snapshot.url, snapshot.status, snapshot.error))
        if is_new_page:
            if snapshot.status is None or snapshot.status >= 400:
                self.pages_failed += 1
            else:
                self.pages_fetched += 1
            try:
                self.on_page(snapshot)
            finally:
                snapshot.body = b""
                snapshot.text = ""
                snapshot.tree = None
            self._note_links(snapshot, outcome)
        self._report_progress()

    def _report_progress(self) -> None:
        self.pages_done += 1
        if self.progress is not None:
            self.progress(self.pages_done, len(self.pages) + self.pages_submitted - self.pages_done)

    def _note_links(self, snapshot: PageSnapshot, outcome: _PageOutcome) -> None:
        checked_only = set(outcome.checked_only)
        for target in snapshot.links:
            record = self.links.get(target)
            if record is not None:
                record.occurrences += 1
                record.on_home_page = record.on_home_page or snapshot.is_home
                continue
            record = LinkRecord(
                url=target,
                found_on=snapshot.url,
                occurrences=1,
                is_internal=self.is_internal(target),
                on_home_page=snapshot.is_home,
            )
            self.links[target] = record
            if target in self.outcomes and self.outcomes[target] != (None, ""):
                record.status, record.error = self.outcomes[target]
            elif not record.is_internal:
                if self.check_external:
                    future = self.external_pool.submit(
                        self._in_language, _check_link, self.external_fetcher, target
                    )
                    self.external[future] = target
                else:
                    record.checked = False
                    record.error = _("External links were not checked in this crawl.")
            elif target in checked_only or is_checked_only(target):
                self.resources.append(target)
            elif target not in self.outcomes:
                self.pages.append((target, snapshot.depth + 1))

    def _record(self, outcome: _LinkOutcome) -> None:
        if outcome.checked:
            self.outcomes[outcome.url] = (outcome.status, outcome.error)
        record = self.links.get(outcome.url)
        if record is not None:
            record.status, record.error, record.checked = (
                outcome.status,
                outcome.error,
                outcome.checked,
            )

    def _mark_unfetched(self) -> bool:
        """Marks the site's pages left in the queue as unchecked; True if there were any."""
        left = [url for url, _depth in self.pages if url not in self.outcomes]
        reason = _("Not checked: the crawl stopped at its limit of %(n)d pages.") % {
            "n": self.max_pages
        }
        for url in left:
            record = self.links.get(url)
            if record is not None:
                record.checked, record.error = False, reason
        return bool(left)


# work done in the pools (never raises) ---------------------------------------------------------
def _check_link(fetcher: PoliteFetcher, url: str) -> _LinkOutcome:
    try:
        if not fetcher.is_allowed(url):
            return _LinkOutcome(url, None, _robots_message(url), checked=False)
        result = fetcher.check_link(url)
    except FetchError as exc:
        return _LinkOutcome(url, None, str(exc))
    except Exception as exc:  # a link the crawler cannot check is reported, not fatal
        return _LinkOutcome(url, None, _unexpected(url, exc))
    return _LinkOutcome(url, result.status, _status_error(result))


def _fetch_page(fetcher: PoliteFetcher, url: str, depth: int, is_home: bool) -> _PageOutcome:
    try:
        if not fetcher.is_allowed(url):
            return _PageOutcome(url, None, error=_robots_message(url))
    except Exception as exc:  # robots.txt trouble must not stop the crawl
        return _PageOutcome(url, _failed_snapshot(url, depth, _unexpected(url, exc), is_home))
    fetched_at = timezone.now()
    started = time.monotonic()
    try:
        result = fetcher.fetch(url, accept_error_status=True)
    except FetchError as exc:
        snapshot = _failed_snapshot(url, depth, str(exc), is_home)
        snapshot.elapsed_ms = round((time.monotonic() - started) * 1000)
        return _PageOutcome(url, snapshot)
    except Exception as exc:  # whatever a site serves, the crawl goes on
        return _PageOutcome(url, _failed_snapshot(url, depth, _unexpected(url, exc), is_home))
    elapsed_ms = round((time.monotonic() - started) * 1000)
    try:
        return _page_outcome(url, result, depth, is_home, fetched_at, elapsed_ms)
    except Exception as exc:  # a page the parser chokes on is one bad page
        snapshot = _failed_snapshot(url, depth, _unexpected(url, exc), is_home)
        snapshot.status = result.status
        return _PageOutcome(url, snapshot)


def _page_outcome(
    url: str,
    result: FetchResult,
    depth: int,
    is_home: bool,
    fetched_at: datetime,
    elapsed_ms: int,
) -> _PageOutcome:
    snapshot = PageSnapshot(
        url=_canonical_or(result.url, url),
        status=result.status,
        content_type=result.content_type,
        body=result.content,
        elapsed_ms=elapsed_ms,
        depth=depth,
        fetched_at=fetched_at,
        error=_status_error(result),
        is_home=is_home,
    )
    outcome = _PageOutcome(url, snapshot)
    if result.status >= 400 or not is_html(result.content_type, result.content):
        return outcome  # error pages and non-HTML are recorded, never parsed or followed
    snapshot.text = decode_html(result.content, result.content_type)
    snapshot.tree = parse_html(snapshot.text)
    if snapshot.tree is None:
        snapshot.error = _("The page could not be parsed as HTML.")
        return outcome
    outcome.followed, outcome.checked_only = extract_links(snapshot.tree, base_url=snapshot.url)
    snapshot.links = list(dict.fromkeys(outcome.followed + outcome.checked_only))
    return outcome


def _failed_snapshot(url: str, depth: int, error: str, is_home: bool) -> PageSnapshot:
    return PageSnapshot(
        url=url,
        status=None,
        content_type="",
        body=b"",
        elapsed_ms=0,
        depth=depth,
        fetched_at=timezone.now(),
        error=error,
        is_home=is_home,
    )


def _status_error(result: FetchResult) -> str:
    if result.status >= 400:
        return _("The server answered HTTP %(status)d.") % {"status": result.status}
    return ""


def _robots_message(url: str) -> str:
    return _("The site's robots.txt does not allow fetching %(url)s.") % {"url": url}


def _unexpected(url: str, exc: Exception) -> str:
    return _("The crawler could not process %(url)s: %(error)s") % {"url": url, "error": exc}


def _canonical_or(url: str, fallback: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:
        return fallback


# HTML ------------------------------------------------------------------------------------------
def is_html(content_type: str, body: bytes) -> bool:
    """By the Content-Type, or by sniffing the body when the server did not say."""
    kind = content_type.split(";")[0].strip().lower()
    if "html" in kind:
        return True
    if kind not in ("", "text/plain", "application/octet-stream"):
        return False
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def decode_html(body: bytes, content_type: str) -> str:
    """The page's text by its declared charset (header, then ``<meta>``), else UTF-8, else
    GB 18030 (which also reads GB 2312 and GBK, still common on government sites)."""
    declared = _CHARSET_RE.search(content_type.encode("ascii", "ignore")) or _CHARSET_RE.search(
        body[:4096]
    )
    if declared:
        charset = declared.group(1).decode("ascii").lower()
        if charset in ("gb2312", "gbk", "gb_2312-80", "x-gbk"):
            charset = "gb18030"
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030", errors="replace")


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """A lenient lxml tree of the page, or None when there is nothing to parse."""
    cleaned = _CONTROL_CHARS_RE.sub("", _XML_DECLARATION_RE.sub("", text, count=1))
    if not cleaned.strip():
        return None
    try:
        return lxml.html.document_fromstring(cleaned)
    except (ValueError, lxml.etree.ParserError):
        return None


def extract_links(tree: lxml.html.HtmlElement, *, base_url: str) -> tuple[list[str], list[str]]:
    """The page's links as canonical absolute URLs in page order: those to follow (``<a>``,
    ``<area>``, frames, a refresh ``<meta>``) and those only to check (images, stylesheets,
    scripts)."""
    base = base_url
    for element in tree.iter("base"):
        href = (element.get("href") or "").strip()
        if href:
            base = urljoin(base_url, href)
        break
    followed: list[str] = []
    checked_only: list[str] = []
    for element in tree.iter("a", "area", "iframe", "frame", "img", "script", "link", "meta"):
        tag = element.tag
        if tag != "a" and any(parent.tag == "noscript" for parent in element.iterancestors()):
            # A browser with scripts never loads these: typically a tracking pixel, which a
            # check would count as a visit (or be refused by its rate limit).
            continue
        if tag == "meta":  # many portals' "/" is a <meta http-equiv="refresh"> to index.html
            if (element.get("http-equiv") or "").lower() != "refresh":
                continue
            match = _REFRESH_URL_RE.search(element.get("content") or "")
            target, bucket = (match.group(1) if match else ""), followed
        elif tag in _FOLLOWED_TAGS:
            target, bucket = element.get(_FOLLOWED_TAGS[tag]), followed
        elif tag == "link":
            rel = (element.get("rel") or "").lower().split()
            if "stylesheet" not in rel and "icon" not in rel:
                continue
            target, bucket = element.get("href"), checked_only
        else:
            target, bucket = element.get("src"), checked_only
        url = absolute_url(target or "", base=base)
        if url:
            bucket.append(url)
    return followed, checked_only


def absolute_url(href: str, *, base: str) -> str:
    """The canonical absolute http(s) URL of ``href`` on a page at ``base``, or "" for
    fragments, mailto:, tel:, javascript:, data: and addresses that make no sense."""
    href = "".join(href.split())  # editors leave line breaks and spaces inside long URLs
    if not href or href.startswith("#"):
        return ""
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    if scheme in _SKIPPED_SCHEMES:
        return ""
    try:
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https"):
            return ""
        return canonical_url(url)
    except ValueError:
        return ""
