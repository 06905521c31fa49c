"""The checks of the self-evaluation, and the data they exchange (no ORM here except in
``platform``, which reads other apps' queries).

Three kinds of check, run by ``actions.run_evaluation``:

* **page checks** (``pages.make_page_checks``) see each fetched HTML page once, while the crawl
  goes on, and return findings (wording errors, footer, HTML validity, page weight, policy
  interpretation links, service-guide elements, mobile viewport);
* **site checks** (``site.SITE_CHECKS``) see the whole crawl once it is over (home page and
  columns not updated, empty columns, broken links, elder mode);
* **platform checks** (``platform.check_platform``) read the platform's own data about a site
  (availability probes, interaction and disclosure deadlines) and run without a crawl.

``content.page_facts`` turns a page into the small record the site checks need, so the crawl never
keeps 20,000 page bodies in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lxml.html import HtmlElement


@dataclass
class PageSnapshot:
    """A fetched page, parsed once, as the page checks see it."""

    url: str  # canonical URL after redirects
    status: int | None  # None when nothing came back (time-out, refused, too many redirects)
    content_type: str
    body: bytes
    elapsed_ms: int
    depth: int
    fetched_at: datetime
    error: str = ""  # the reason in words when status is None or >= 400
    text: str = ""  # the decoded HTML ("" for non-HTML)
    tree: HtmlElement | None = None  # lxml tree of an HTML page, None otherwise
    links: list[str] = field(default_factory=list)  # absolute, canonical, in page order
    is_home: bool = False

    @property
    def is_html(self) -> bool:
        return self.tree is not None


@dataclass
class PageFacts:
    """What the site checks need of a page once its body is gone."""

    title: str = ""
    newest_date: date | None = None  # publication date, or the newest date of a list's items
    is_column: bool = False  # a list page (栏目) of dated items
    column_kind: str = ""  # rules.ColumnKind value: news, notice, policy, other
    item_count: int = 0  # items listed on a column page
    has_elder_mode: bool = False  # a link or switch to the elder-friendly (适老化) version
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class LinkRecord:
    """A distinct link target found by the crawl."""

    url: str
    found_on: str
    occurrences: int
    is_internal: bool
    on_home_page: bool
    status: int | None = None
    error: str = ""
    # False for a target the crawl never tried: an internal page beyond ``max_pages``, or a
    # path the site's robots.txt disallows. An unchecked link is not broken.
    checked: bool = True

    @property
    def is_broken(self) -> bool:
        return self.checked and (self.status is None or self.status >= 400)


@dataclass
class PageRecord:
    """A crawled page as stored: its fetch result and facts, no body."""

    url: str
    status: int | None
    error: str
    content_type: str
    depth: int
    size_bytes: int
    elapsed_ms: int
    facts: PageFacts
    is_home: bool = False

    @classmethod
    def of(cls, snapshot: PageSnapshot, facts: PageFacts) -> PageRecord:
        """The record of a fetched page, before its body is dropped."""
        return cls(
            url=snapshot.url,
            status=snapshot.status,
            error=snapshot.error,
            content_type=snapshot.content_type,
            depth=snapshot.depth,
            size_bytes=len(snapshot.body),
            elapsed_ms=snapshot.elapsed_ms,
            facts=facts,
            is_home=snapshot.is_home,
        )


@dataclass
class CrawlSummary:
    """What the site checks see: every page record and every link target of one crawl."""

    start_url: str
    pages: list[PageRecord]
    links: list[LinkRecord]
    today: date

    @property
    def home(self) -> PageRecord | None:
        return next((page for page in self.pages if page.is_home), None)


@dataclass(frozen=True)
class FindingData:
    """One failure found by a check, with its evidence in words a webmaster understands.

    ``check`` names the check (e.g. ``links.broken``); ``indicator`` is a code of
    ``rules.INDICATORS`` the finding counts under; ``points`` is left 0 by checks: the scoring
    in ``rules.score`` decides what the findings of an indicator cost."""

    check: str
    indicator: str
    evidence: str
    page_url: str = ""
    link_url: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    screenshot: bytes | None = None  # PNG


PageCheck = Callable[[PageSnapshot], Iterable[FindingData]]
SiteCheck = Callable[[CrawlSummary], Iterable[FindingData]]
