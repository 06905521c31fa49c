"""From fetched bytes to item drafts, one parser per source kind (no ORM, no network).

A parser raises ``ParseError`` with a message in words when the content is not what the
source's kind promises (a malformed feed, a page without the configured links, bad JSON)."""

from __future__ import annotations

import calendar
import csv
import html
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import feedparser
import lxml.etree
import lxml.html
from cssselect import SelectorError
from django.utils.translation import gettext as _

# Times without a zone are the city's local time.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
MAX_TITLE = 500


class ParseError(Exception):
    """Content that does not hold what the source's kind promises; ``str()`` says why."""


@dataclass(frozen=True)
class ItemDraft:
    url: str
    title: str
    body: str = ""
    published_at: datetime | None = None
    author: str = ""


# URLs and text ----------------------------------------------------------------------------

# Query parameters that only track where a click came from; two URLs that differ only in
# them are the same article.
TRACKING_PARAMS = frozenset(
    {"spm", "from", "share", "share_token", "timestamp", "ref", "source", "fbclid", "gclid"}
)
_TRACKING_PREFIXES = ("utm_", "wx_", "scene")
_DEFAULT_PORTS = {"http": 80, "https": 443}


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


def flat_text(title: str, body: str) -> str:
    """Title and body on one line: the text fingerprints, topics and sentiment read.

    One line because ``zaixian.core.text.normalize`` takes a character-by-character path for
    text that is not ``isprintable()``, which a single new line makes it; that path cost more
    than all the matching together."""
    return f"{title} {body}".replace("\n", " ")


# Times ------------------------------------------------------------------------------------

_CN_DATE_RE = re.compile(
    r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?)?"
)


def parse_time(value: object) -> datetime | None:
    """A datetime from ISO 8601, RFC 2822, ``2024年3月5日 10:30``, ``2024-03-05``, or a Unix
    time; None when nothing looks like a time. Naive times are Beijing time."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC)
    text = str(value).strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            match = _CN_DATE_RE.search(text)
            if match:
                y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
                try:
                    parsed = datetime(y, mo, d, h, mi, s)  # noqa: DTZ001 — made aware below
                except ValueError:
                    return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_ZONE)


# Feeds ------------------------------------------------------------------------------------


def parse_feed(content: bytes, *, base_url: str = "") -> list[ItemDraft]:
    """Entries of an RSS or Atom feed; a document feedparser cannot read is a ParseError."""
    feed = feedparser.parse(content, response_headers={"content-location": base_url})
    if feed.bozo and not feed.entries:
        reason = getattr(feed, "bozo_exception", None)
        raise ParseError(_("The feed is malformed: %(reason)s") % {"reason": reason})
    if not feed.entries and not feed.feed:
        raise ParseError(_("The document is not an RSS or Atom feed."))
    drafts = []
    for entry in feed.entries:
        link = entry.get("link", "")
        title = clean_text(entry.get("title", ""))
        if not link or not title:
            continue
        body = ""
        if entry.get("content"):
            body = entry["content"][0].get("value", "")
        body = clean_text(body or entry.get("summary", ""))
        struct = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime.fromtimestamp(calendar.timegm(struct), tz=UTC) if struct else None
        drafts.append(
            ItemDraft(
                url=urljoin(base_url, link),
                title=title[:MAX_TITLE],
                body=body,
                published_at=published,
                author=clean_text(entry.get("author", ""))[:200],
            )
        )
    return drafts


# Sitemaps and web pages -------------------------------------------------------------------


def _sitemap_root(content: bytes) -> Any:
    try:
        return lxml.etree.fromstring(
            content, parser=lxml.etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except lxml.etree.XMLSyntaxError as exc:
        raise ParseError(
            _("The sitemap is not well-formed XML: %(reason)s") % {"reason": exc}
        ) from exc


def parse_sitemap_index(content: bytes) -> list[str] | None:
    """The sitemap files a sitemap index (``<sitemapindex>``) lists, the newest first (by
    ``lastmod``; without one, the last listed first, where a site's newest pages usually
    are); None when the document is a plain sitemap."""
    root = _sitemap_root(content)
    if root.tag.rsplit("}", 1)[-1] != "sitemapindex":
        return None
    files = [
        (loc.strip(), parse_time(node.findtext("{*}lastmod")), position)
        for position, node in enumerate(root.iter("{*}sitemap"))
        if (loc := node.findtext("{*}loc"))
    ]
    oldest = datetime.min.replace(tzinfo=UTC)
    files.sort(key=lambda entry: (entry[1] or oldest, entry[2]), reverse=True)
    return [loc for loc, _lastmod, _position in files]


def parse_sitemap(content: bytes) -> list[tuple[str, datetime | None]]:
    """``(url, lastmod)`` of a sitemap's ``<url>`` entries, newest first."""
    root = _sitemap_root(content)
    entries = []
    for node in root.iter("{*}url"):
        loc = node.findtext("{*}loc")
        if loc:
            entries.append((loc.strip(), parse_time(node.findtext("{*}lastmod"))))
    if not entries and root.tag.rsplit("}", 1)[-1] != "urlset":
        raise ParseError(_("The document is not a sitemap (no <urlset>)."))
    entries.sort(key=lambda e: e[1] or datetime.min.replace(tzinfo=UTC), reverse=True)
    return entries


def _html(content: bytes, base_url: str) -> lxml.html.HtmlElement:
    if not content.strip():
        raise ParseError(_("The page is empty."))
    try:
        doc = lxml.html.document_fromstring(content, base_url=base_url)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(_("The page is not readable HTML: %(reason)s") % {"reason": exc}) from exc
    return doc


def _select(doc: lxml.html.HtmlElement, selector: str) -> list[Any]:
    try:
        return list(doc.cssselect(selector))
    except SelectorError as exc:
        raise ParseError(
            _("The CSS selector %(selector)s is not valid: %(reason)s")
            % {"selector": selector, "reason": exc}
        ) from exc


def parse_list_page(content: bytes, *, base_url: str, link_selector: str) -> list[str]:
    """Absolute article URLs that ``link_selector`` picks on a list page, in page order."""
    doc = _html(content, base_url)
    links: dict[str, None] = {}
    for node in _select(doc, link_selector or "a"):
        href = node.get("href") if node.tag == "a" else None
        if href is None:
            anchor = node.find(".//a[@href]")
            href = anchor.get("href") if anchor is not None else None
        if href and not href.startswith(("javascript:", "mailto:", "#")):
            links.setdefault(urljoin(base_url, href.strip()), None)
    if not links:
        raise ParseError(
            _("No article links matched the selector %(selector)s.") % {"selector": link_selector}
        )
    return list(links)


def _text_of(doc: lxml.html.HtmlElement, selector: str) -> str:
    if not selector:
        return ""
    nodes = _select(doc, selector)
    parts = []
    for node in nodes:
        for bad in node.xpath(".//script|.//style"):
            bad.drop_tree()
        parts.append(node.get("datetime") or node.get("content") or node.text_content())
    return clean_text("\n".join(parts))


def parse_article(
    content: bytes,
    *,
    url: str,
    title_selector: str = "",
    time_selector: str = "",
    body_selector: str = "",
) -> ItemDraft:
    """Title, time and body of an article page; without selectors the ``<h1>`` (else the
    ``<title>``), the first date on the page, and the paragraphs."""
    doc = _html(content, url)
    title = _text_of(doc, title_selector or "h1") or clean_text(doc.findtext(".//title") or "")
    if not title:
        raise ParseError(_("The article page %(url)s has no title.") % {"url": url})
    body = _text_of(doc, body_selector or "p")
    time_text = _text_of(doc, time_selector) if time_selector else doc.text_content()
    return ItemDraft(
        url=url, title=title[:MAX_TITLE], body=body, published_at=parse_time_in(time_text)
    )


def parse_time_in(text: str) -> datetime | None:
    """The first time written in ``text`` (Chinese or ISO dates)."""
    direct = parse_time(text.strip()) if len(text) < 40 else None
    if direct:
        return direct
    match = _CN_DATE_RE.search(text)
    return parse_time(match.group(0)) if match else None


# JSON and files ---------------------------------------------------------------------------

DEFAULT_FIELDS = {"url": "url", "title": "title", "body": "body", "time": "published_at"}


def _path(record: Any, path: str) -> Any:
    for key in filter(None, path.split(".")):
        if isinstance(record, Mapping):
            record = record.get(key)
        elif isinstance(record, list) and key.isdigit() and int(key) < len(record):
            record = record[int(key)]
        else:
            return None
    return record


def _draft_from_record(
    record: Mapping[str, Any], fields: Mapping[str, str], base_url: str
) -> ItemDraft | None:
    url = str(_path(record, fields.get("url", "url")) or "").strip()
    title = clean_text(str(_path(record, fields.get("title", "title")) or ""))
    if not url or not title:
        return None
    return ItemDraft(
        url=urljoin(base_url, url),
        title=title[:MAX_TITLE],
        body=clean_text(str(_path(record, fields.get("body", "body")) or "")),
        published_at=parse_time(_path(record, fields.get("time", "published_at"))),
        author=clean_text(str(_path(record, fields.get("author", "author")) or ""))[:200],
    )


def parse_json_api(
    content: bytes, *, field_map: Mapping[str, str], base_url: str = ""
) -> list[ItemDraft]:
    """Items of a JSON answer: the list at ``field_map["items"]`` (a dotted path; the
    document itself when it is a list), each record's fields by the map."""
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(_("The answer is not valid JSON: %(reason)s") % {"reason": exc}) from exc
    records = _path(document, field_map.get("items", "")) if field_map.get("items") else document
    if not isinstance(records, list):
        raise ParseError(
            _("The JSON answer holds no list of items at %(path)s.")
            % {"path": field_map.get("items") or "/"}
        )
    fields = {**DEFAULT_FIELDS, **field_map}
    return [
        d
        for r in records
        if isinstance(r, Mapping) and (d := _draft_from_record(r, fields, base_url))
    ]


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError(_("The file is neither UTF-8 nor GB18030 text."))


def iter_file_records(content: bytes, *, name: str) -> Iterator[Mapping[str, Any]]:
    """Records of a CSV file (header row) or a JSONL file (one object a line)."""
    text = _decode(content)
    if name.lower().endswith((".jsonl", ".ndjson")):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise ParseError(
                    _("Line %(n)d of the file is not valid JSON: %(reason)s")
                    % {"n": number, "reason": exc}
                ) from exc
            if isinstance(record, Mapping):
                yield record
    elif name.lower().endswith(".csv"):
        yield from csv.DictReader(io.StringIO(text))
    else:
        raise ParseError(_("Only .csv and .jsonl files can be imported."))


def parse_file(content: bytes, *, name: str, field_map: Mapping[str, str]) -> list[ItemDraft]:
    fields = {**DEFAULT_FIELDS, **field_map}
    return [
        d for r in iter_file_records(content, name=name) if (d := _draft_from_record(r, fields, ""))
    ]
