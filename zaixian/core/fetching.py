"""Polite HTTP fetching, shared by the monitoring engine and the site self-evaluation crawler
(no ORM).

Every request of a ``PoliteFetcher`` honours the host's robots.txt (read once per host with
``urllib.robotparser``), waits for the per-host minimum interval, sends the validators of the
last response (``If-None-Match`` / ``If-Modified-Since``), times out, retries connection errors,
429 and 5xx answers with exponential back-off, follows at most a few redirects and stops
reading a body that exceeds the size limit. Every failure is a ``FetchError`` whose message
says in words what went wrong, for the source's health record.

The self-evaluation crawler also asks for error answers as results (``accept_error_status``:
a 404 page is a finding, not a failure of the crawl) and checks links without reading them
(``check_link``: HEAD, or a GET that stops at the headers when HEAD is not allowed).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
from django.utils.translation import gettext as _

USER_AGENT = "ZaixianMonitor/1.0 (+https://github.com/zaixian; municipal public-opinion watch)"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_RETRIES = 2
DEFAULT_HOST_INTERVAL = 1.0  # seconds between two requests to one host
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_delay(attempt: int, *, base: float = 0.5, cap: float = 8.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, …) within one fetch."""
    return float(min(cap, base * (2 ** (attempt - 1))))


class FetchError(Exception):
    """A fetch that produced no usable response; ``str()`` is the reason in words."""


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: str = ""
    last_modified: str = ""

    @property
    def is_not_modified(self) -> bool:
        return self.status == 304


@dataclass
class HostLimiter:
    """The earliest time of the next request to each host, shared by the threads of a process.
    Workers on several machines each keep their own, which is fine at one request a second."""

    interval: float = DEFAULT_HOST_INTERVAL
    _next: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, host: str, *, sleep: Callable[[float], None] = time.sleep) -> None:
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next.get(host, 0.0))
            self._next[host] = at + self.interval
        if at > now:
            sleep(at - now)


_shared_limiter = HostLimiter()


class PoliteFetcher:
    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        retries: int = DEFAULT_RETRIES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        limiter: HostLimiter | None = None,
        retry_base: float = 0.5,
        respect_robots: bool = True,
        user_agent: str = USER_AGENT,
        retry_timeouts: bool = True,
    ) -> None:
        self.timeout = timeout
        self.user_agent = user_agent
        # A crawler does not wait twice for a page that timed out: the time-out is the finding.
        self.retry_timeouts = retry_timeouts
        self.max_bytes = max_bytes
        self.retries = retries
        self.retry_base = retry_base
        self.respect_robots = respect_robots
        self.limiter = limiter or _shared_limiter
        self.session = requests.Session()
        # A fetcher sees every page as a first visit: no cookie carries a choice (a language
        # switch, a session) from one page to the next.
        self.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.session.max_redirects = max_redirects
        self.session.headers["User-Agent"] = user_agent
        # requests follows redirects by itself; each hop is a request the host limit must pace.
        self.session.hooks["response"].append(self._pace_redirect)
        self._robots: dict[str, RobotFileParser | None] = {}

    def _pace_redirect(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        if response.is_redirect:
            target = urljoin(response.url, response.headers.get("Location", ""))
            self.limiter.wait(urlsplit(target).netloc)

    # robots.txt ----------------------------------------------------------------------------
    def _robots_for(self, url: str) -> RobotFileParser | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._robots:
            return self._robots[origin]
        parser: RobotFileParser | None = RobotFileParser(f"{origin}/robots.txt")
        try:
            self.limiter.wait(parts.netloc)
            response = self.session.get(f"{origin}/robots.txt", timeout=self.timeout)
            if response.status_code in (401, 403):
                parser.disallow_all = True  # as urllib.robotparser.read() does
            elif response.status_code >= 400:
                parser = None  # no robots.txt: everything is allowed
            else:
                parser.parse(response.text[: 512 * 1024].splitlines())
        except requests.RequestException:
            parser = None  # an unreachable robots.txt does not block; the fetch will report
        self._robots[origin] = parser
        return parser

    def is_allowed(self, url: str) -> bool:
        if not self.respect_robots:
            return True
        parser = self._robots_for(url)
        return parser is None or parser.can_fetch(self.user_agent, url)

    # fetching ------------------------------------------------------------------------------
    def fetch(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        accept_error_status: bool = False,
    ) -> FetchResult:
        """GET ``url`` politely; a FetchError says why nothing usable came back. With
        ``accept_error_status`` a 4xx or 5xx answer (5xx after the retries) is returned as a
        result with its status and body instead of raising."""
        self._check_allowed(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._with_retries(lambda: self._get_once(url, headers, accept_error_status))

    def check_link(self, url: str) -> FetchResult:
        """The status of ``url`` without reading its body: HEAD, then a GET that stops at the
        headers when HEAD fails (405, 501, or a server or firewall that mishandles HEAD), so a
        link is only broken when GET fails too. 4xx and 5xx answers are results; a FetchError
        says why no answer came back. ``content`` is always empty."""
        self._check_allowed(url)
        return self._with_retries(lambda: self._check_once(url))

    def _check_allowed(self, url: str) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(_("The address %(url)s is not an http or https URL.") % {"url": url})
        if not self.is_allowed(url):
            raise FetchError(
                _("The site's robots.txt does not allow fetching %(url)s.") % {"url": url}
            )

    def _with_retries(self, once: Callable[[], FetchResult]) -> FetchResult:
        attempt = 0
        while True:
            attempt += 1
            try:
                return once()
            except _RetryableError as exc:
                if attempt > self.retries or (exc.is_timeout and not self.retry_timeouts):
                    if exc.result is not None:
                        return exc.result
                    raise FetchError(str(exc)) from exc
                time.sleep(retry_delay(attempt, base=self.retry_base))

    def _check_once(self, url: str) -> FetchResult:
        self.limiter.wait(urlsplit(url).netloc)
        with self._request_errors(url):
            response = self.session.head(url, timeout=self.timeout, allow_redirects=True)
            response.close()
            if response.status_code >= 400:  # 405, 501, and servers whose HEAD is broken
                self.limiter.wait(urlsplit(url).netloc)
                response = self.session.get(url, timeout=self.timeout, stream=True)
                response.close()  # the headers are all a link check needs
        result = FetchResult(
            url=response.url,
            status=response.status_code,
            content=b"",
            content_type=response.headers.get("Content-Type", ""),
        )
        if response.status_code in _RETRY_STATUSES:
            raise _RetryableError(
                _("The server answered HTTP %(status)d.") % {"status": response.status_code},
                result=result,
            )
        return result

    @contextmanager
    def _request_errors(self, url: str) -> Iterator[None]:
        """Turns the requests library's exceptions into FetchError (final) or _RetryableError."""
        try:
            yield
        except requests.TooManyRedirects as exc:
            raise FetchError(
                _("Too many redirects (more than %(n)d) from %(url)s.")
                % {"n": self.session.max_redirects, "url": url}
            ) from exc
        except requests.Timeout as exc:
            raise _RetryableError(
                _("The host did not answer within %(s)g seconds.") % {"s": self.timeout},
                is_timeout=True,
            ) from exc
        except requests.ConnectionError as exc:
            raise _RetryableError(
                _("Could not connect to the host: %(error)s") % {"error": _connection_reason(exc)}
            ) from exc
        except requests.RequestException as exc:
            raise FetchError(_("The request failed: %(error)s") % {"error": exc}) from exc

    def _get_once(
        self, url: str, headers: dict[str, str], accept_error_status: bool = False
    ) -> FetchResult:
        self.limiter.wait(urlsplit(url).netloc)
        with self._request_errors(url):
            response = self.session.get(url, headers=headers, timeout=self.timeout, stream=True)
        with response:
            if response.status_code == 304:
                return FetchResult(
                    response.url, 304, b"", "", etag=headers.get("If-None-Match", "")
                )
            if accept_error_status and response.status_code >= 400:
                result = self._result(response, self._read_limited(response))
                if response.status_code in _RETRY_STATUSES:
                    raise _RetryableError(
                        _("The server answered HTTP %(status)d.")
                        % {"status": response.status_code},
                        result=result,
                    )
                return result
            if response.status_code in _RETRY_STATUSES:
                raise _RetryableError(
                    _("The server answered HTTP %(status)d.") % {"status": response.status_code}
                )
            if response.status_code >= 400:
                raise FetchError(
                    _("The server answered HTTP %(status)d for %(url)s.")
                    % {"status": response.status_code, "url": response.url}
                )
            return self._result(response, self._read_limited(response))

    @staticmethod
    def _result(response: requests.Response, content: bytes) -> FetchResult:
        return FetchResult(
            url=response.url,
            status=response.status_code,
            content=content,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
        )

    def _read_limited(self, response: requests.Response) -> bytes:
        declared = response.headers.get("Content-Length", "")
        too_big = _("The response is larger than the limit of %(n)d bytes.") % {"n": self.max_bytes}
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(too_big)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(too_big)
                chunks.append(chunk)
        except requests.Timeout as exc:
            raise _RetryableError(
                _("The host did not answer within %(s)g seconds.") % {"s": self.timeout},
                is_timeout=True,
            ) from exc
        except requests.RequestException as exc:
            raise FetchError(_("The response was cut off: %(error)s") % {"error": exc}) from exc
        return b"".join(chunks)


_ERRNO_RE = re.compile(r"\[Errno -?\d+\][^'\")]*")


def _connection_reason(exc: Exception) -> str:
    """The operating system's reason ("[Errno 111] Connection refused") rather than the
    requests library's nested repr of its connection pool, when there is one."""
    reasons = _ERRNO_RE.findall(str(exc))
    return reasons[-1].strip() if reasons else str(exc)


class _RetryableError(Exception):
    """A failure worth another attempt (time-out, connection error, 429, 5xx); ``result`` is
    the answer to return when the caller accepts error statuses and the retries are spent."""

    def __init__(
        self, message: str, *, result: FetchResult | None = None, is_timeout: bool = False
    ) -> None:
        super().__init__(message)
        self.result = result
        self.is_timeout = is_timeout
