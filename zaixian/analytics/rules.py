"""Pure rules of the web analytics: user agents (bots, devices, browsers, systems),
referrers (channels, search engines, social sites, campaigns), access-log lines, the visitor
hash, and the incremental roll-up of page views into daily figures. No ORM here.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from crawlerdetect import CrawlerDetect

# A visit ends after 30 minutes without a page view (the usual definition: Matomo, GoAccess's
# sessions, Google Analytics).
VISIT_TIMEOUT_SECONDS = 30 * 60

# --- User agents --------------------------------------------------------------------------

_crawler_detect = CrawlerDetect()
# Tools and libraries that CrawlerDetect leaves to the caller, and empty user agents.
_EXTRA_BOTS = re.compile(
    r"^$|^-$|bot|spider|crawl|slurp|curl/|wget/|python-|java/|go-http|okhttp|headless|"
    r"phantomjs|scrapy|httpclient|libwww|monitor|uptime|check_http",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def is_bot_user_agent(user_agent: str) -> bool:
    """CrawlerDetect's maintained list (Baiduspider, Sogou, 360Spider, Bingbot, Googlebot…)
    plus scripting tools and empty user agents."""
    return bool(_EXTRA_BOTS.search(user_agent)) or _crawler_detect.isCrawler(user_agent)


@dataclass(frozen=True)
class UserAgent:
    device: str
    browser: str
    os: str


_BROWSERS = [
    ("WeChat", re.compile(r"MicroMessenger", re.I)),
    ("QQ Browser", re.compile(r"MQQBrowser|QQBrowser", re.I)),
    ("UC Browser", re.compile(r"UCBrowser|UCWEB", re.I)),
    ("360 Browser", re.compile(r"360SE|360EE|QIHU", re.I)),
    ("Sogou Browser", re.compile(r"SogouMobileBrowser|SE 2\.X MetaSr", re.I)),
    ("Baidu", re.compile(r"baiduboxapp|BIDUBrowser", re.I)),
    ("Huawei Browser", re.compile(r"HuaweiBrowser", re.I)),
    ("Edge", re.compile(r"Edg(e|A|iOS)?/", re.I)),
    ("Opera", re.compile(r"OPR/|Opera", re.I)),
    ("Firefox", re.compile(r"Firefox/|FxiOS", re.I)),
    ("Chrome", re.compile(r"Chrome/|CriOS", re.I)),
    ("Safari", re.compile(r"Safari/", re.I)),
    ("Internet Explorer", re.compile(r"MSIE |Trident/", re.I)),
]
_SYSTEMS = [
    ("HarmonyOS", re.compile(r"HarmonyOS|OpenHarmony", re.I)),
    ("Android", re.compile(r"Android", re.I)),
    ("iOS", re.compile(r"iPhone|iPad|iPod", re.I)),
    ("Windows", re.compile(r"Windows", re.I)),
    ("macOS", re.compile(r"Mac OS X|Macintosh", re.I)),
    ("Linux", re.compile(r"Linux|X11", re.I)),
]
_TABLET = re.compile(r"iPad|Tablet|Tab\b|(Android(?!.*Mobile))", re.I)
_MOBILE = re.compile(r"Mobi|iPhone|iPod|Android|HarmonyOS|Windows Phone", re.I)

OTHER = "other"


@lru_cache(maxsize=65536)
def parse_user_agent(user_agent: str) -> UserAgent:
    """Device class, browser family and operating system of a user agent."""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), OTHER)
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), OTHER)
    if _TABLET.search(user_agent):
        device = "tablet"
    elif _MOBILE.search(user_agent):
        device = "mobile"
    else:
        device = "desktop"
    return UserAgent(device=device, browser=browser, os=system)


# --- Referrers and campaigns ---------------------------------------------------------------

SEARCH_ENGINES = {
    "baidu.com": "Baidu",
    "sogou.com": "Sogou",
    "so.com": "360 Search",
    "sm.cn": "Shenma",
    "bing.com": "Bing",
    "google.com": "Google",
    "google.com.hk": "Google",
    "yandex.ru": "Yandex",
    "yahoo.com": "Yahoo",
    "duckduckgo.com": "DuckDuckGo",
    "toutiao.com": "Toutiao Search",
}
SOCIAL_SITES = {
    "weibo.com": "Weibo",
    "weibo.cn": "Weibo",
    "weixin.qq.com": "WeChat",
    "qq.com": "QQ",
    "douyin.com": "Douyin",
    "zhihu.com": "Zhihu",
    "douban.com": "Douban",
    "xiaohongshu.com": "Xiaohongshu",
    "bilibili.com": "Bilibili",
    "facebook.com": "Facebook",
    "twitter.com": "X",
    "x.com": "X",
    "t.co": "X",
    "linkedin.com": "LinkedIn",
}


class Channel:
    DIRECT = "direct"
    SEARCH = "search"
    SOCIAL = "social"
    WEBSITE = "website"
    CAMPAIGN = "campaign"
    INTERNAL = "internal"


def _match_domain(host: str, table: dict[str, str]) -> str:
    parts = host.split(".")
    for start in range(len(parts) - 1):
        name = table.get(".".join(parts[start:]))
        if name:
            return name
    return ""


@dataclass(frozen=True)
class Referral:
    channel: str
    name: str  # search engine, social site or referring host; empty for direct
    campaign: str


@lru_cache(maxsize=65536)
def classify_referrer(referrer: str, page_query: str, site_host: str) -> Referral:
    """Where a visit came from: a campaign (``utm_campaign``/``utm_source`` in the page's
    query), a search engine, a social site, another website, the same site, or directly."""
    query = parse_qs(page_query) if "utm_" in page_query else {}
    campaign = (query.get("utm_campaign") or query.get("utm_source") or [""])[0][:100]
    host = ""
    if referrer and referrer != "-":
        try:
            host = (urlsplit(referrer).hostname or "").lower()
        except ValueError:
            host = ""
    if host.startswith("www."):
        host = host[4:]
    site = site_host.lower().removeprefix("www.")
    if campaign:
        return Referral(Channel.CAMPAIGN, host or campaign, campaign)
    if not host:
        return Referral(Channel.DIRECT, "", "")
    if host == site:
        return Referral(Channel.INTERNAL, host, "")
    engine = _match_domain(host, SEARCH_ENGINES)
    if engine:
        return Referral(Channel.SEARCH, engine, "")
    social = _match_domain(host, SOCIAL_SITES)
    if social:
        return Referral(Channel.SOCIAL, social, "")
    return Referral(Channel.WEBSITE, host[:200], "")


# --- Requests -----------------------------------------------------------------------------

STATIC_EXTENSIONS = frozenset(
    [
        "css",
        "js",
        "mjs",
        "map",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "avif",
        "svg",
        "ico",
        "bmp",
        "tif",
        "tiff",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "eot",
        "mp3",
        "mp4",
        "webm",
        "ogg",
        "wav",
        "flv",
        "swf",
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "zip",
        "rar",
        "7z",
        "gz",
        "tar",
        "txt",
        "xml",
        "json",
    ]
)


def is_static_path(path: str) -> bool:
    """Assets and downloads (by extension), counted apart from page views."""
    last = path.rsplit("/", 1)[-1]
    if "." not in last:
        return False
    return last.rsplit(".", 1)[-1].lower() in STATIC_EXTENSIONS


class HitKind:
    PAGE_VIEW = "page"
    STATIC = "static"
    REDIRECT = "redirect"
    ERROR = "error"
    BOT = "bot"
    OTHER = "other"


def classify_request(*, method: str, path: str, status: int, user_agent: str) -> str:
    """What a logged request counts as: bots first, then errors (4xx/5xx), redirects (3xx but
    304, a cached page view), static files, then page views (GET and HEAD of pages)."""
    if is_bot_user_agent(user_agent) or path == "/robots.txt":
        return HitKind.BOT
    if status >= 400:
        return HitKind.ERROR
    if 300 <= status < 400 and status != 304:
        return HitKind.REDIRECT
    if is_static_path(path):
        return HitKind.STATIC
    if method not in ("GET", "HEAD") or status < 200:
        return HitKind.OTHER
    return HitKind.PAGE_VIEW


def visitor_hash(*, salt: str, ip: str, user_agent: str) -> str:
    """The day's pseudonym of a visitor: nobody can recover the address once the salt of
    the day is deleted."""
    digest = hashlib.sha256(f"{salt}\0{ip}\0{user_agent}".encode("utf-8", "replace"))
    return digest.hexdigest()[:16]


def normalise_path(path: str) -> tuple[str, str]:
    """Split a request target into the path (at most 500 characters) and its query."""
    target, _, query = path.partition("?")
    target = target.split("#", 1)[0] or "/"
    return target[:500], query


# --- Access logs --------------------------------------------------------------------------

# nginx's and Apache's "combined" format (Apache's without %D or vhost).
COMBINED = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'  # noqa: E501
COMMON = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent'
LOG_FORMATS = {"combined": COMBINED, "common": COMMON}

_VARIABLE_PATTERNS = {
    "remote_addr": r"(?P<ip>\S+)",
    "remote_user": r"\S+",
    "time_local": r"(?P<time>[^\]]+)",
    "request": r"(?P<method>[A-Z]+) (?P<path>\S+)(?: [^\"]*)?",
    "status": r"(?P<status>\d{3})",
    "body_bytes_sent": r"\S+",
    "bytes_sent": r"\S+",
    "http_referer": r"(?P<referrer>[^\"]*)",
    "http_user_agent": r"(?P<ua>[^\"]*)",
    "host": r"(?P<host>\S+)",
    "request_time": r"\S+",
}


class LogFormatError(ValueError):
    """A log format naming a variable the importer does not know, or missing a needed one."""


def compile_log_format(log_format: str) -> re.Pattern[str]:
    """A regular expression for an nginx ``log_format`` string (``combined`` and ``common``
    by name); other ``$variables`` match one field."""
    spec = LOG_FORMATS.get(log_format, log_format)
    pattern = ""
    position = 0
    for match in re.finditer(r"\$(\w+)", spec):
        pattern += re.escape(spec[position : match.start()])
        pattern += _VARIABLE_PATTERNS.get(match.group(1), r"[^\"\s]*")
        position = match.end()
    pattern += re.escape(spec[position:])
    for needed in ("remote_addr", "time_local", "request", "status"):
        if f"${needed}" not in spec:
            raise LogFormatError(f"The log format needs ${needed}: {spec!r}")
    return re.compile(pattern)


_MONTHS = {
    m: n
    for n, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


@lru_cache(maxsize=4096)
def _day_and_base(day_month_year: str) -> date:
    day, month, year = day_month_year.split("/")
    return date(int(year), _MONTHS[month], int(day))


def parse_log_time(value: str) -> tuple[date, float]:
    """``27/Nov/2026:07:30:00 +0800`` → (the day as written, seconds since the epoch)."""
    day = _day_and_base(value[:11])
    hours, minutes, seconds = int(value[12:14]), int(value[15:17]), int(value[18:20])
    sign = -1 if value[21] == "-" else 1
    offset = sign * (int(value[22:24]) * 3600 + int(value[24:26]) * 60)
    epoch_day = (day - date(1970, 1, 1)).days
    return day, epoch_day * 86400 + hours * 3600 + minutes * 60 + seconds - offset


# --- The roll-up -------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """A page view ready to be rolled up (from the raw table or straight from a log)."""

    site_id: int
    day: date
    timestamp: float
    visitor: str
    path: str
    channel: str = ""
    referrer_name: str = ""
    campaign: str = ""
    device: str = ""
    browser: str = ""
    os: str = ""
    country: str = ""
    province: str = ""
    city: str = ""
    language: str = ""
    screen: str = ""


@dataclass
class VisitorState:
    last_seen: float
    visit_pages: int
    exit_path: str


SUMMARY_FIELDS = (
    "page_views",
    "visitors",
    "visits",
    "bounces",
    "duration_seconds",
    "bot_hits",
    "static_hits",
    "redirects",
    "errors",
)
_PAGE_VIEWS, _VISITORS, _VISITS, _BOUNCES, _DURATION = range(5)
KIND_FIELDS = {
    HitKind.BOT: SUMMARY_FIELDS.index("bot_hits"),
    HitKind.STATIC: SUMMARY_FIELDS.index("static_hits"),
    HitKind.REDIRECT: SUMMARY_FIELDS.index("redirects"),
    HitKind.ERROR: SUMMARY_FIELDS.index("errors"),
}
VisitorKey = tuple[int, date, str]


@dataclass
class Rollup:
    """Deltas to add to the daily tables, from page views taken in time order per visitor.

    ``states`` holds each visitor-day's state; the caller loads the states of visitors seen
    before (``missing_keys``) so a visit continues across batches. A visit's dimensions
    (entry page, channel, device, country…) are counted at its first page view; when a visit
    goes on, its exit page moves, its bounce is taken back and its length grows."""

    summaries: dict[tuple[int, date], list[int]] = field(default_factory=dict)
    counts: Counter[tuple[int, date, str, str]] = field(default_factory=Counter)
    states: dict[VisitorKey, VisitorState] = field(default_factory=dict)
    touched: set[VisitorKey] = field(default_factory=set)

    def summary(self, site_id: int, day: date) -> list[int]:
        row = self.summaries.get((site_id, day))
        if row is None:
            row = self.summaries[(site_id, day)] = [0] * len(SUMMARY_FIELDS)
        return row

    def count_kind(self, site_id: int, day: date, kind: str) -> None:
        """A logged request that is not a page view (bot, static file, redirect, error)."""
        index = KIND_FIELDS.get(kind)
        if index is not None:
            self.summary(site_id, day)[index] += 1

    def missing_keys(self, hits: Iterable[Hit]) -> set[VisitorKey]:
        return {
            key for hit in hits if (key := (hit.site_id, hit.day, hit.visitor)) not in self.states
        }

    def add(self, hit: Hit) -> None:
        key = (hit.site_id, hit.day, hit.visitor)
        row = self.summary(hit.site_id, hit.day)
        counts = self.counts
        row[_PAGE_VIEWS] += 1
        counts[(hit.site_id, hit.day, "page", hit.path)] += 1
        state = self.states.get(key)
        self.touched.add(key)
        if state is None:
            row[_VISITORS] += 1
            self.states[key] = VisitorState(hit.timestamp, 1, hit.path)
            self._start_visit(hit, row)
            return
        if hit.timestamp - state.last_seen > VISIT_TIMEOUT_SECONDS:
            state.last_seen, state.visit_pages, state.exit_path = hit.timestamp, 1, hit.path
            self._start_visit(hit, row)
            return
        if state.visit_pages == 1:
            row[_BOUNCES] -= 1
        state.visit_pages += 1
        if hit.timestamp >= state.last_seen:
            row[_DURATION] += int(hit.timestamp - state.last_seen)
            state.last_seen = hit.timestamp
            if state.exit_path != hit.path:
                counts[(hit.site_id, hit.day, "exit", state.exit_path)] -= 1
                counts[(hit.site_id, hit.day, "exit", hit.path)] += 1
                state.exit_path = hit.path

    def _start_visit(self, hit: Hit, row: list[int]) -> None:
        row[_VISITS] += 1
        row[_BOUNCES] += 1
        site, day, counts = hit.site_id, hit.day, self.counts
        counts[(site, day, "entry", hit.path)] += 1
        counts[(site, day, "exit", hit.path)] += 1
        # Spelled out rather than a loop over getattr: this runs once per visit.
        for dimension, value in (
            ("channel", hit.channel),
            ("referrer", hit.referrer_name),
            ("campaign", hit.campaign),
            ("device", hit.device),
            ("browser", hit.browser),
            ("os", hit.os),
            ("country", hit.country),
            ("province", hit.province),
            ("city", hit.city),
            ("language", hit.language),
            ("screen", hit.screen),
        ):
            if value:
                counts[(site, day, dimension, value)] += 1
        if hit.channel == Channel.SEARCH:
            counts[(site, day, "search", hit.referrer_name)] += 1

    def clear_deltas(self) -> None:
        """After the deltas are written: keep the states, forget what was added."""
        self.summaries.clear()
        self.counts.clear()
        self.touched.clear()
