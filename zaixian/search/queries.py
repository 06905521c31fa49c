"""Reads of the search index: the search itself, and which pages belong in the index."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.rich_text import get_text_for_indexing

from zaixian.search import rules
from zaixian.search.backends import SearchFilters, get_backend
from zaixian.search.models import SearchDocument

MAX_PAGE = 50
"""Nobody reads result page 51; deep pages cost more with every step (OFFSET)."""
MAX_PER_PAGE = 50
TEXT_FIELD_NAMES = ("subtitle", "summary", "intro", "body")
"""Fields of a page whose text is searchable, in the order they are read."""


@dataclass
class SearchHit:
    document: SearchDocument
    url: str
    title_html: SafeString
    snippet_html: SafeString
    score: float = 0.0


@dataclass
class SearchResults:
    query: rules.ParsedQuery
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    is_total_capped: bool = False
    """True when there are more matches than ``total`` says (counting stops at a cap)."""
    page: int = 1
    per_page: int = 10

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGE, max(1, math.ceil(self.total / self.per_page)))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def next_page_number(self) -> int:
        return self.page + 1


def search(
    query: str | rules.ParsedQuery,
    *,
    site: int | None = None,
    channel: Page | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    order: str = "relevance",
    page: int = 1,
    per_page: int = 10,
    current_site_id: int | None = None,
) -> SearchResults:
    """Search published documents. ``site`` is a site id (None: the whole group); ``channel``
    limits to its subtree; dates are inclusive days in the site's time zone. Links to
    documents of ``current_site_id`` are relative, others absolute."""
    parsed = query if isinstance(query, rules.ParsedQuery) else rules.parse_query(query)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, min(page, MAX_PAGE))
    results = SearchResults(query=parsed, page=page, per_page=per_page)
    if parsed.is_empty:
        return results
    filters = SearchFilters(
        site_id=site,
        tree_path=channel.path if channel is not None else None,
        date_from=_start_of_day(date_from) if date_from else None,
        date_to=_start_of_day(date_to + dt.timedelta(days=1)) if date_to else None,
    )
    ranked = get_backend().rank(
        parsed,
        filters=filters,
        order="date" if order == "date" else "relevance",
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    results.total = ranked.total
    results.is_total_capped = ranked.is_total_capped
    # The site names the result; the channel is not shown, so not joined.
    documents = SearchDocument.objects.select_related("site").in_bulk(ranked.ids)
    for document_id in ranked.ids:
        document = documents.get(document_id)
        if document is None:  # removed between the two reads
            continue
        results.hits.append(
            SearchHit(
                document=document,
                url=_document_url(document, current_site_id=current_site_id),
                title_html=rules.highlight(document.title, parsed.terms),
                snippet_html=rules.snippet(document.body, parsed.terms),
                score=ranked.scores.get(document_id, 0.0),
            )
        )
    return results


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _document_url(document: SearchDocument, *, current_site_id: int | None) -> str:
    if document.url.startswith(("http://", "https://")):
        return document.url
    if document.site is None or document.site_id == current_site_id:
        return document.url
    return document.site.root_url.rstrip("/") + document.url


def searchable_pages() -> QuerySet[Page]:
    """Live, public pages: the candidates for the index (``page_document_fields`` decides)."""
    return Page.objects.live().public().filter(depth__gt=1).order_by("path")


def page_plain_text(page: Page) -> str:
    """The searchable text of a page, rich text reduced to plain text."""
    parts: list[str] = []
    for name in TEXT_FIELD_NAMES:
        try:
            model_field = page._meta.get_field(name)
        except FieldDoesNotExist:  # this page type has no such field
            continue
        value: Any = getattr(page, name, None)
        if not value:
            continue
        if isinstance(model_field, RichTextField):
            parts.append(get_text_for_indexing(value))
        elif isinstance(model_field, StreamField):
            parts.extend(str(item) for item in model_field.get_searchable_content(value))
        else:
            parts.append(str(value))
    return "\n".join(part.strip() for part in parts if part.strip())


def page_document_fields(*, page: Page) -> dict[str, Any] | None:
    """What the index stores for a page, or None when the page does not belong in it: not
    live, behind a view restriction or a non-live ancestor, not routable, or a page type
    without a body (home pages and channels are navigation, not content)."""
    if not page.live or not hasattr(page, "body"):
        return None
    if page.get_view_restrictions().exists():
        return None
    ancestors = list(page.get_ancestors().filter(depth__gt=1))
    if any(not ancestor.live for ancestor in ancestors):
        return None
    url_parts = page.get_url_parts()
    if url_parts is None:
        return None
    site_id, _root_url, page_path = url_parts

    site = Site.objects.filter(pk=site_id).first() if site_id else None
    parent = ancestors[-1] if ancestors else None
    is_site_root = parent is not None and site is not None and parent.pk == site.root_page_id
    channel = parent if parent is not None and not is_site_root else None
    published_at = (
        getattr(page, "publish_time", None)
        or page.first_published_at
        or page.last_published_at
        or timezone.now()
    )
    return {
        "title": page.title,
        "body": page_plain_text(page),
        "url": page_path or "/",
        "published_at": published_at,
        "kind": SearchDocument.Kind.ARTICLE
        if page._meta.model_name == "articlepage"
        else SearchDocument.Kind.PAGE,
        "site": site,
        "channel": channel,
        "section": channel.title if channel is not None else "",
        "page_id": page.pk,
    }


def sites_for_filter() -> list[Site]:
    """The sites of the group, for the site filter."""
    return list(Site.objects.order_by("-is_default_site", "site_name", "hostname"))
