"""Pure rules of the web analytics: user agents (bots, devices, browsers, systems),
referrers (channels, search engines, social sites, campaigns), access-log lines, the visitor
hash, and the incremental roll-up of page views into daily figures. No ORM here.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any
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


def status_kind(status: int) -> str | None:
    """An error (4xx/5xx) or a redirect (3xx but 304, a cached page view), else None."""
    if status >= 400:
        return HitKind.ERROR
    if 300 <= status < 400 and status != 304:
        return HitKind.REDIRECT
    return None


def classify_request(*, method: str, path: str, status: int, user_agent: str) -> str:
    """What a logged request counts as: bots first, then errors and redirects
    (``status_kind``), static files, then page views (GET and HEAD of pages)."""
    if is_bot_user_agent(user_agent) or path == "/robots.txt":
        return HitKind.BOT
    kind = status_kind(status)
    if kind is not None:
        return kind
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


# Fields that run long (the time, a referrer, a user agent: most of a line's characters).
# With ``whole_text`` and ``loose``, their class is a single excluded character, which the
# regex engine scans several times faster than a class of two.
_LONG_FIELDS = ("time_local", "http_referer", "http_user_agent")


def compile_log_format(
    log_format: str, *, whole_text: bool = False, loose: bool = False
) -> re.Pattern[str]:
    """A regular expression for an nginx ``log_format`` string (``combined`` and ``common``
    by name); other ``$variables`` match one field.

    With ``whole_text``, the expression finds the lines of a whole text at once
    (``findall``): anchored at each line's start, no field crossing a newline, the rest of
    the line skipped, and an always empty last group (``_none``) for fields the format
    lacks. It matches a line exactly when the line's expression matches that line. With
    ``loose`` too, the time, a referrer or a user agent may run on across a newline (where
    a line lacks its closing bracket or quote): the caller checks those fields
    (``LogAggregator.feed``) and uses the strict expression when one holds a newline."""
    spec = LOG_FORMATS.get(log_format, log_format)
    pattern = ""
    position = 0
    for match in re.finditer(r"\$(\w+)", spec):
        pattern += re.escape(spec[position : match.start()])
        variable = _VARIABLE_PATTERNS.get(match.group(1), r"[^\"\s]*")
        if whole_text and not (loose and match.group(1) in _LONG_FIELDS):
            variable = variable.replace('[^\\"]', '[^\\"\\n]').replace("[^\\]]", "[^\\]\\n]")
        pattern += variable
        position = match.end()
    pattern += re.escape(spec[position:])
    for needed in ("remote_addr", "time_local", "request", "status"):
        if f"${needed}" not in spec:
            raise LogFormatError(f"The log format needs ${needed}: {spec!r}")
    if whole_text:
        return re.compile(f"^{pattern}(?P<_none>)[^\\n]*", re.MULTILINE)
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


# --- Fast access-log aggregation -----------------------------------------------------------

# A visitor of a log in memory: (day, address, user agent). The address lives only here, on
# its way to the hash; what leaves the process is hashed (``LogAggregator.touched_states``).
LogVisitorKey = tuple[date, str, str]
# (country, province, city) of an address.
Place = tuple[str, str, str]
# (channel, referrer name as counted, campaign) of a page view's referrer and query.
Source = tuple[str, str, str]
# (device, browser, system) of a user agent.
Agent = tuple[str, str, str]
# A page view waiting for the roll-up: (timestamp, visitor, path, source, agent, place).
LogHit = tuple[float, LogVisitorKey, str, Source, Agent, Place]

_CACHE_LIMIT = 200_000
# A status (three digits, as logged) → the summary field of its kind, for errors and
# redirects (``status_kind``); a status compares with another as text as in number.
_STATUS_FIELDS = {
    f"{code:03d}": KIND_FIELDS[kind] for code in range(1000) if (kind := status_kind(code))
}


def address_first(log_format: str) -> bool:
    """Whether a format's lines start with the client's address (``split_by_address``)."""
    return LOG_FORMATS.get(log_format, log_format).startswith("$remote_addr ")


def split_by_address(data: bytes, partitions: int) -> list[bytes]:
    """The whole lines of ``data`` (a format whose lines start with the address) in
    ``partitions`` parts by the last byte of the line's first field modulo ``partitions``, so
    all lines of an address (and so of a visitor) fall in one part; a line without a field
    before a space goes to part 0. Found with ``bytes`` methods only, no regex: one pass by
    the importing process instead of one per parser process."""
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()  # the empty string after the last newline
    parts: list[list[bytes]] = [[] for _ in range(partitions)]
    first = parts[0].append
    adders = [part.append for part in parts] * (256 // partitions + 1)
    for line in lines:
        at = line.find(b" ")
        if at > 0:
            adders[line[at - 1]](line)
        else:
            first(line)
    for part in parts:
        if part:
            part.append(b"")  # joined: a newline after the last line too
    return [b"\n".join(part) for part in parts]


@dataclass
class LogSegment:
    """What one partition of a log segment adds: the daily summary deltas, the dimension
    counts, the lines it found not in the format, and (partition 0) the segment's lines."""

    summaries: dict[date, list[int]]
    counts: dict[tuple[date, str, str], int]
    bad_lines: int
    page_views: int
    lines: int


# A visitor state to store: (site id, day as ISO text, visitor hash, last seen, pages of the
# visit, exit path), a row of ``VisitorDay``.
StateRow = tuple[int, str, str, float, int, str]


class LogAggregator:
    """Counts access-log lines straight into daily figures, the same figures as parsing
    each line with ``compile_log_format``/``classify_request`` and rolling the page views up
    with ``Rollup``, with the costly steps done once per distinct value: a user agent is
    classified once, an address located once, a referrer classified once, a time stamp
    parsed once per second of the log. A visit's dimensions are counted as a few tuples
    (its source, agent and place) and spread into dimensions once per segment.

    With ``partitions`` > 1, this instance counts only the lines whose address falls in
    ``partition`` (by ``hash`` of the address, which is the same in processes forked from
    one parent), so several processes can read the same segment and their deltas add up
    exactly (a visitor is counted by one process only). For formats
    that start with the address, splitting the segment first (``split_by_address``) and
    giving each process its own part is cheaper: each one parses only its lines.

    Use: ``feed`` the lines of a segment, ``load_states`` for the visitors it returns from
    ``new_visitors`` (those seen before this import), ``finish_segment`` for the deltas,
    ``touched_states`` for what to store."""

    def __init__(
        self,
        *,
        host: str,
        log_format: str,
        locate: Callable[[str], Place],
        partition: int = 0,
        partitions: int = 1,
    ) -> None:
        self.host = host
        self.lines_pattern = compile_log_format(log_format, whole_text=True)
        self.loose_pattern = compile_log_format(log_format, whole_text=True, loose=True)
        groups = self.lines_pattern.groupindex
        # The long fields of the loose pattern's matches, checked for a newline.
        self._long_groups = [
            groups[name] - 1 for name in ("time", "referrer", "ua") if name in groups
        ]
        # findall's tuples → (address, time, method, path, status, referrer, user agent, "");
        # a field the format lacks is the always empty last group. Formats with the fields
        # in that order (combined) need no rearranging.
        order = [
            groups.get(name, groups["_none"])
            for name in ("ip", "time", "method", "path", "status", "referrer", "ua", "_none")
        ]
        self._fields = None if order == list(range(1, 9)) else itemgetter(*(i - 1 for i in order))
        self.locate = locate
        self.partition = partition
        self.partitions = partitions
        # Visitor states of this import: [last seen, pages of the visit, exit path,
        # segment last touched, hash or ""].
        self.states: dict[LogVisitorKey, list[Any]] = {}
        self.segment = 0
        self._agents: dict[str, tuple[bool, Agent, str]] = {}
        self._places: dict[str, Place] = {}
        self._sources: dict[tuple[str, str], Source] = {}
        self._paths: dict[str, tuple[str, str, bool]] = {}
        self._times: dict[str, tuple[date, float]] = {}
        self._start_segment()

    def _start_segment(self) -> None:
        self.segment += 1
        self.hits: list[LogHit] = []
        self.ordered = True
        self._last_time = float("-inf")
        self.summaries: dict[date, list[int]] = {}
        self.bad_lines = 0
        self.lines = 0
        self.touched: list[LogVisitorKey] = []

    # Parsing ------------------------------------------------------------------------------

    def _agent(self, user_agent: str) -> tuple[bool, Agent, str]:
        known = self._agents.get(user_agent)
        if known is None:
            parsed = parse_user_agent(user_agent)
            known = (
                bool(_EXTRA_BOTS.search(user_agent)) or is_bot_user_agent(user_agent),
                (parsed.device, parsed.browser, parsed.os),
                user_agent,
            )
            if len(self._agents) > _CACHE_LIMIT:
                self._agents.clear()
            self._agents[user_agent] = known
        return known

    def _path(self, target: str) -> tuple[str, str, bool]:
        known = self._paths.get(target)
        if known is None:
            path, query = normalise_path(target)
            known = (path, query, is_static_path(path))
            if len(self._paths) > _CACHE_LIMIT:
                self._paths.clear()
            self._paths[target] = known
        return known

    def _place(self, address: str) -> Place:
        known = self._places.get(address)
        if known is None:
            known = self.locate(address)
            if len(self._places) > _CACHE_LIMIT:
                self._places.clear()
            self._places[address] = known
        return known

    def _source(self, referrer: str, query: str) -> Source:
        key = (referrer, query if "utm_" in query else "")
        known = self._sources.get(key)
        if known is None:
            referral = classify_referrer(referrer, key[1], self.host)
            name = referral.name if referral.channel != Channel.INTERNAL else ""
            known = (referral.channel, name, referral.campaign)
            if len(self._sources) > _CACHE_LIMIT:
                self._sources.clear()
            self._sources[key] = known
        return known

    def _time(self, stamp: str) -> tuple[date, float] | None:
        """``parse_log_time`` with the day, hour, minute and zone parsed once a minute."""
        key = stamp[:17] + stamp[20:]
        minute = self._times.get(key)
        try:
            if minute is None:
                day, start = parse_log_time(stamp[:18] + "00" + stamp[20:])
                minute = self._times[key] = (day, start)
                if len(self._times) > 4096:
                    self._times.clear()
            seconds = stamp[18:20]
            if len(stamp) < 26 or not (seconds.isascii() and seconds.isdigit()) or stamp[17] != ":":
                return None
        except (ValueError, KeyError, IndexError):
            return None
        return minute[0], minute[1] + int(seconds)

    def _find_lines(self, text: str, lines: int) -> list[tuple[str, ...]]:
        """The fields of ``text``'s ``lines`` lines in the format: the loose pattern's
        matches unless a long field of one ran across a newline (a line cut short), then
        the strict pattern's."""
        found = self.loose_pattern.findall(text)
        if len(found) == lines:
            # Every line starts a match (``^``), so none ran into the next line.
            return found  # type: ignore[no-any-return]
        long_fields = [map(itemgetter(index), found) for index in self._long_groups]
        if long_fields and "\n" in "".join(chain.from_iterable(long_fields)):
            return self.lines_pattern.findall(text)  # type: ignore[no-any-return]
        return found  # type: ignore[no-any-return]

    def feed(self, text: str) -> None:
        """Count the lines of ``text`` (whole lines) that fall in this partition. A NUL
        character counts as U+FFFD, as an undecodable byte does: no database stores NUL in
        text (PostgreSQL refuses it)."""
        if "\x00" in text:
            text = text.replace("\x00", "\ufffd")
        partitions, partition = self.partitions, self.partition
        lines = text.count("\n") + (bool(text) and not text.endswith("\n"))
        if partition == 0:
            self.lines += lines
        found = self._find_lines(text, lines)
        if partition == 0:  # lines not in the format belong to no partition: counted once
            self.bad_lines += lines - len(found)
        rows = found if self._fields is None else map(self._fields, found)
        summaries = self.summaries
        hits = self.hits
        agent_of, path_of, time_of = self._agent, self._path, self._time
        place_of, source_of = self._place, self._source
        agents, paths = self._agents, self._paths
        places, sources = self._places, self._sources
        status_fields = _STATUS_FIELDS
        last_stamp = ""
        day: date | None = None
        row: list[int] = []
        timestamp = 0.0
        last_time = self._last_time
        ordered = self.ordered
        bot_index = KIND_FIELDS[HitKind.BOT]
        static_index = KIND_FIELDS[HitKind.STATIC]
        for address, stamp, method, target, status, referrer, user_agent, _ in rows:
            if partitions > 1 and hash(address) % partitions != partition:
                continue
            if stamp != last_stamp:
                parsed_time = time_of(stamp)
                if parsed_time is None:
                    self.bad_lines += 1
                    continue
                if parsed_time[0] is not day:
                    day = parsed_time[0]
                    row = summaries.get(day)  # type: ignore[assignment]
                    if row is None:
                        row = summaries[day] = [0] * len(SUMMARY_FIELDS)
                timestamp = parsed_time[1]
                last_stamp = stamp
            agent = agents.get(user_agent) or agent_of(user_agent)
            known_path = paths.get(target) or path_of(target)
            path = known_path[0]
            if agent[0] or path == "/robots.txt":
                row[bot_index] += 1
                continue
            field = status_fields.get(status)  # errors and redirects
            if field is not None:
                row[field] += 1
                continue
            if known_path[2]:
                row[static_index] += 1
                continue
            if (method != "GET" and method != "HEAD") or status < "200":
                continue
            if timestamp < last_time:
                ordered = False
            last_time = timestamp
            query = known_path[1]
            source = (
                sources.get((referrer, "")) if not query or "utm_" not in query else None
            ) or source_of(referrer, query)
            hits.append(
                (
                    timestamp,
                    (day, address, agent[2]),  # type: ignore[arg-type]
                    path,
                    source,
                    agent[1],
                    places.get(address) or place_of(address),
                )
            )
        self._last_time = last_time
        self.ordered = ordered

    # Rolling up ---------------------------------------------------------------------------

    def new_visitors(self) -> set[LogVisitorKey]:
        """The visitors of this segment not seen before in this import (their state may be
        stored from an earlier import)."""
        states = self.states
        return {hit[1] for hit in self.hits if hit[1] not in states}

    def load_states(
        self, states: dict[LogVisitorKey, VisitorState], hashes: dict[Any, str]
    ) -> None:
        """Continue the visits of visitors stored before this import."""
        for key, state in states.items():
            self.states[key] = [state.last_seen, state.visit_pages, state.exit_path, 0, hashes[key]]

    def finish_segment(self) -> LogSegment:
        """Roll the segment's page views up (in time order per visitor, as ``Rollup``
        does) and return the deltas; the visitor states stay for the next segment."""
        hits = self.hits
        if not self.ordered:
            hits.sort(key=_hit_time)  # stable: per visitor, time order then file order
        states = self.states
        touched = self.touched
        segment = self.segment
        summaries = self.summaries
        # Page views by day and by day and page, counted at C speed.
        days_of_hits = list(map(_day_of_key, map(_key_of_hit, hits)))
        for day, n in Counter(days_of_hits).items():
            row = summaries.get(day)  # type: ignore[assignment]
            if row is None:
                row = summaries[day] = [0] * len(SUMMARY_FIELDS)
            row[_PAGE_VIEWS] += n
        pages = Counter(zip(days_of_hits, map(_path_of_hit, hits), strict=True))
        del days_of_hits
        entries: dict[tuple[date, str], int] = {}
        exits: dict[tuple[date, str], int] = {}
        sources: dict[tuple[date, Source], int] = {}
        agents: dict[tuple[date, Agent], int] = {}
        places: dict[tuple[date, Place], int] = {}
        timeout = VISIT_TIMEOUT_SECONDS
        visitors_field, visits_field = _VISITORS, _VISITS
        bounces_field, duration_field = _BOUNCES, _DURATION
        row = []
        row_day: date | None = None
        for timestamp, key, path, source, agent, place in hits:
            day = key[0]
            if day is not row_day:
                row_day = day
                row = summaries[day]
            state = states.get(key)
            if state is None:
                row[visitors_field] += 1
                states[key] = [timestamp, 1, path, segment, ""]
                touched.append(key)
            elif timestamp - state[0] > timeout:
                if state[3] != segment:
                    state[3] = segment
                    touched.append(key)
                state[0], state[1], state[2] = timestamp, 1, path
            else:
                if state[3] != segment:
                    state[3] = segment
                    touched.append(key)
                if state[1] == 1:
                    row[bounces_field] -= 1
                state[1] += 1
                if timestamp >= state[0]:
                    row[duration_field] += int(timestamp - state[0])
                    state[0] = timestamp
                    if state[2] != path:
                        exit_key = (day, state[2])
                        exits[exit_key] = exits.get(exit_key, 0) - 1
                        page = (day, path)
                        exits[page] = exits.get(page, 0) + 1
                        state[2] = path
                continue
            # A new visit.
            row[visits_field] += 1
            row[bounces_field] += 1
            page = (day, path)
            entries[page] = entries.get(page, 0) + 1
            exits[page] = exits.get(page, 0) + 1
            source_key = (day, source)
            sources[source_key] = sources.get(source_key, 0) + 1
            agent_key = (day, agent)
            agents[agent_key] = agents.get(agent_key, 0) + 1
            place_key = (day, place)
            places[place_key] = places.get(place_key, 0) + 1
        counts: Counter[tuple[date, str, str]] = Counter()
        for dimension, table in (("page", pages), ("entry", entries), ("exit", exits)):
            for (day, path), n in table.items():
                counts[(day, dimension, path)] += n
        for (day, (channel, name, campaign)), n in sources.items():
            counts[(day, "channel", channel)] += n
            if name:
                counts[(day, "referrer", name)] += n
            if campaign:
                counts[(day, "campaign", campaign)] += n
            if channel == Channel.SEARCH:
                counts[(day, "search", name)] += n
        for (day, (device, browser, system)), n in agents.items():
            for dimension, value in (("device", device), ("browser", browser), ("os", system)):
                if value:
                    counts[(day, dimension, value)] += n
        for (day, (country, province, city)), n in places.items():
            for dimension, value in (("country", country), ("province", province), ("city", city)):
                if value:
                    counts[(day, dimension, value)] += n
        result = LogSegment(
            summaries=self.summaries,
            counts={key: n for key, n in counts.items() if n},
            bad_lines=self.bad_lines,
            page_views=len(hits),
            lines=self.lines,
        )
        self.last_touched = self.touched
        self._start_segment()
        return result

    def touched_states(
        self, *, site_id: int, salts: dict[date, str]
    ) -> tuple[list[StateRow], list[StateRow]]:
        """The states of the visitors the last finished segment touched, to store: those
        stored for the first time, and those stored before (by an earlier segment, or
        loaded with ``load_states``: the only ones hashed already), each sorted by visitor
        hash (so the writer's merge of several partitions' rows is cheap, and it inserts
        in index order within each day)."""
        new: list[StateRow] = []
        stored: list[StateRow] = []
        states = self.states
        days: dict[date, str] = {}
        for key in self.last_touched:
            state = states[key]
            day = key[0]
            iso = days.get(day) or days.setdefault(day, day.isoformat())
            if state[4]:
                stored.append((site_id, iso, state[4], state[0], state[1], state[2]))
                continue
            state[4] = digest = visitor_hash(salt=salts[day], ip=key[1], user_agent=key[2])
            new.append((site_id, iso, digest, state[0], state[1], state[2]))
        new.sort(key=_visitor_of_row)
        stored.sort(key=_visitor_of_row)
        return new, stored


_visitor_of_row = itemgetter(2)


def _hit_time(hit: LogHit) -> float:
    return hit[0]


_key_of_hit = itemgetter(1)
_day_of_key = itemgetter(0)
_path_of_hit = itemgetter(2)


# The map of China by province --------------------------------------------------------------
# A tile-grid map: one equal square per provincial-level region, placed where it lies. It
# needs no outline data (a map with boundaries on a government site must carry the map
# authorities' approval number, 审图号, which no bundled open data has), and small regions
# (Beijing, Shanghai, Hong Kong) are as legible as large ones.
PROVINCE_TILES: dict[str, tuple[int, int]] = {
    "黑龙江": (8, 0),
    "新疆": (1, 1),
    "内蒙古": (5, 1),
    "北京": (6, 1),
    "吉林": (8, 1),
    "甘肃": (3, 2),
    "宁夏": (4, 2),
    "山西": (5, 2),
    "河北": (6, 2),
    "天津": (7, 2),
    "辽宁": (8, 2),
    "青海": (2, 3),
    "陕西": (4, 3),
    "河南": (5, 3),
    "山东": (6, 3),
    "西藏": (1, 4),
    "四川": (3, 4),
    "重庆": (4, 4),
    "湖北": (5, 4),
    "安徽": (6, 4),
    "江苏": (7, 4),
    "云南": (3, 5),
    "贵州": (4, 5),
    "湖南": (5, 5),
    "江西": (6, 5),
    "浙江": (7, 5),
    "上海": (8, 5),
    "广西": (4, 6),
    "广东": (5, 6),
    "福建": (6, 6),
    "台湾": (7, 6),
    "海南": (4, 7),
    "澳门": (5, 7),
    "香港": (6, 7),
}
_PROVINCE_SUFFIXES = (
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)
# Light to dark blue; every step keeps its label readable (dark text on the three lightest).
TILE_SHADES = ("#eef3fa", "#cfdff1", "#9fbfe3", "#5f95cf", "#2e6eb5", "#1d4f8a")


def province_key(name: str) -> str:
    """A region's short name as the tiles know it (山西省 → 山西, 广西壮族自治区 → 广西)."""
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class MapTile:
    """One square of a tile map (China by region, the world by country)."""

    name: str  # the region's short name, or the country's ISO 3166 alpha-2 code
    column: int
    row: int
    count: int
    share: float  # per cent of all the visits the map counts
    shade: str
    is_dark: bool  # white text on it

    @property
    def code(self) -> str:
        """A country tile's ISO code (its name)."""
        return self.name


def _shaded_tiles(
    grid: dict[str, tuple[int, int]], counts: dict[str, int], *, total: int
) -> list[MapTile]:
    """Every square of ``grid``, shaded by its count: six steps of the largest on the grid."""
    largest = max((counts.get(name, 0) for name in grid), default=0)
    tiles = []
    for name, (column, row) in grid.items():
        count = counts.get(name, 0)
        step = 0 if not count else 1 + min(4, int(5 * count / largest - 1e-9))
        tiles.append(
            MapTile(
                name=name,
                column=column,
                row=row,
                count=count,
                share=100 * count / total if total else 0.0,
                shade=TILE_SHADES[step],
                is_dark=step >= 3,
            )
        )
    return tiles


def province_tiles(counts: dict[str, int]) -> list[MapTile]:
    """Every region's tile, shaded by its share of the visits (six steps of the largest)."""
    by_region: dict[str, int] = {}
    for name, count in counts.items():
        key = province_key(name)
        if key in PROVINCE_TILES:
            by_region[key] = by_region.get(key, 0) + count
    return _shaded_tiles(PROVINCE_TILES, by_region, total=sum(by_region.values()))


# The world map by country ------------------------------------------------------------------
# A tile grid as for China (no outlines, so no 审图号 is needed): one square per country or
# region, by ISO 3166 code, placed roughly where it lies; codes not on the grid are in the
# table under the map only. Each row below is one row of tiles; ".." is an empty square.
_WORLD_GRID = """
.. .. .. .. .. .. GL .. .. .. .. IS .. .. .. NO SE FI .. .. .. .. .. .. .. .. .. .. .. ..
.. .. CA .. .. .. .. .. .. .. .. IE GB .. DK .. .. EE RU .. .. .. .. .. .. .. .. .. .. ..
.. .. US .. .. .. .. .. .. .. .. .. NL DE PL LT LV BY .. KZ .. MN .. .. .. .. .. .. .. ..
.. .. MX .. .. .. .. .. .. .. .. BE LU CZ SK UA MD .. UZ KG .. .. .. KP .. JP .. .. .. ..
.. .. .. CU BS .. .. .. .. .. .. FR CH AT HU RO GE AZ TM TJ .. CN .. KR .. .. .. .. .. ..
.. .. GT BZ HT DO PR .. .. .. PT ES IT SI HR RS BG AM .. AF .. .. .. .. TW .. .. .. .. ..
.. .. SV HN JM .. .. .. .. .. .. AD MC SM BA ME MK GR TR .. PK NP BT .. HK .. .. .. .. ..
.. .. .. NI TT .. .. .. .. .. MA .. MT .. .. AL CY SY IQ IR IN BD MM LA MO .. .. .. .. ..
.. .. .. CR PA .. .. .. .. .. .. DZ TN LY EG LB JO KW .. .. LK TH VN PH .. .. .. .. .. ..
.. .. .. .. CO VE .. .. .. .. MR ML NE TD SD IL SA BH QA AE MV KH MY BN .. .. .. .. .. ..
.. .. .. .. EC GY SR .. .. SN GM BF NG CF SS ER YE OM .. .. .. SG ID TL PG .. .. .. .. ..
.. .. .. .. PE BR .. .. .. GW GN CI GH CM CG ET DJ SO .. .. .. .. .. .. .. .. .. .. .. ..
.. .. .. .. BO PY .. .. .. SL LR TG BJ GA CD UG KE .. .. .. .. .. .. .. .. AU .. .. .. ..
.. .. .. .. CL UY .. .. .. .. .. .. GQ AO ZM RW TZ .. .. .. .. .. .. .. .. .. .. NZ .. ..
.. .. .. .. .. AR .. .. .. .. .. .. .. NA ZW MW MZ MG MU .. .. .. .. .. .. .. .. .. .. ..
.. .. .. .. .. .. .. .. .. .. .. .. .. BW ZA SZ LS .. .. .. .. .. .. .. .. .. .. FJ .. ..
"""
COUNTRY_TILES: dict[str, tuple[int, int]] = {
    code: (column, row)
    for row, line in enumerate(_WORLD_GRID.strip("\n").splitlines())
    for column, code in enumerate(line.split())
    if code != ".."
}


def country_tiles(counts: dict[str, int]) -> list[MapTile]:
    """Every country's tile, shaded like the provinces (six steps of the largest); the
    shares count every known country, on the grid or not."""
    known = {code.upper(): count for code, count in counts.items() if len(code) == 2}
    return _shaded_tiles(COUNTRY_TILES, known, total=sum(known.values()))
