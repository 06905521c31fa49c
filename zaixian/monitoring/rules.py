"""Pure rules of the monitoring engine: URL canonicalisation, text clean-up, the fetch
schedule with back-off after errors. No ORM, no I/O."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track where a click came from; two URLs that differ only in
# them are the same article.
TRACKING_PARAMS = frozenset(
    {"spm", "from", "share", "share_token", "timestamp", "ref", "source", "fbclid", "gclid"}
)
_TRACKING_PREFIXES = ("utm_", "wx_", "scene")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# A source that keeps failing is fetched less often: the interval doubles with each
# consecutive error, up to a day, so a dead host is not hammered but is noticed coming back.
MAX_BACKOFF = timedelta(hours=24)


def canonical_url(url: str) -> str:
    """The URL with scheme and host in lower case, default port, fragment and tracking
    parameters removed, query parameters sorted, and an empty path as ``/``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


_TAG_RE = re.compile(r"<[^>]+>")
_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACE_RE = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")


def clean_text(text: str) -> str:
    """Plain text from text that may hold HTML: scripts and tags removed, entities decoded,
    runs of spaces (full-width included) collapsed, paragraphs kept as single blank lines."""
    if "<" in text:
        text = _SCRIPT_RE.sub(" ", text)
        text = re.sub(r"<\s*(br|/p|/div|/li|/h\d)\b[^>]*>", "\n", text, flags=re.IGNORECASE)
        text = _TAG_RE.sub(" ", text)
    text = html.unescape(text)
    text = _SPACE_RE.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def next_fetch_time(*, now: datetime, interval: timedelta, consecutive_errors: int) -> datetime:
    """When a source is due next: its interval, doubled for each consecutive error."""
    if consecutive_errors <= 0:
        return now + interval
    delay = interval * (2 ** min(consecutive_errors, 16))
    return now + min(delay, max(MAX_BACKOFF, interval))


def retry_delay(attempt: int, *, base: float = 0.5, cap: float = 8.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, …) within one fetch."""
    return float(min(cap, base * (2 ** (attempt - 1))))


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
