"""Every write to the search index. Other modules feed it through ``index_document`` and
``remove_document``; portal pages go through ``index_page`` (called from Wagtail's signals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from django.db import transaction
from wagtail.models import Page, Site

from zaixian.search import queries
from zaixian.search.backends import get_backend
from zaixian.search.models import SearchDocument

REINDEX_BATCH_SIZE = 200


def page_key(page_id: int) -> str:
    return f"page:{page_id}"


def index_document(
    *,
    key: str,
    title: str,
    body: str,
    url: str,
    published_at: dt.datetime,
    kind: str = SearchDocument.Kind.OTHER,
    site: Site | None = None,
    channel: Page | None = None,
    section: str = "",
    page_id: int | None = None,
) -> SearchDocument:
    """Add a document to the index or replace the one with the same key."""
    with transaction.atomic():
        document, _created = SearchDocument.objects.update_or_create(
            key=key,
            defaults={
                "title": title[:255],
                "body": body,
                "url": url[:500],
                "published_at": published_at,
                "kind": kind,
                "site": site,
                "channel": channel,
                "section": section[:100],
                "page_id": page_id,
            },
        )
        get_backend().index(document)
    return document


def remove_document(*, key: str) -> bool:
    """Take a document out of the index; False when it was not there."""
    with transaction.atomic():
        ids = list(SearchDocument.objects.filter(key=key).values_list("pk", flat=True))
        if not ids:
            return False
        get_backend().remove(ids)
        SearchDocument.objects.filter(pk__in=ids).delete()
    return True


def index_page(*, page: Page) -> SearchDocument | None:
    """Index a page as it is now, or take it out when it is no longer public with text."""
    page = page.specific
    fields = queries.page_document_fields(page=page)
    if fields is None:
        remove_document(key=page_key(page.pk))
        return None
    return index_document(key=page_key(page.pk), **fields)


def remove_page(*, page_id: int) -> bool:
    return remove_document(key=page_key(page_id))


def reindex_page_subtree(*, page_id: int) -> int:
    """Re-index a page and everything below it (after a move, a slug change or the
    unpublishing of a channel, their URLs, site or visibility may have changed)."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return 0
    count = 0
    subtree = Page.objects.descendant_of(page, inclusive=True).order_by("path")
    for batch_start in range(0, subtree.count(), REINDEX_BATCH_SIZE):
        for each in subtree[batch_start : batch_start + REINDEX_BATCH_SIZE].specific():
            if index_page(page=each) is not None:
                count += 1
    return count


def enqueue_subtree_reindex(*, page_id: int) -> None:
    """Re-index a subtree in the background once the current transaction commits."""
    from zaixian.search.tasks import reindex_page_subtree_task

    transaction.on_commit(partial(reindex_page_subtree_task.enqueue, page_id))


def rebuild_search_index(*, progress: Callable[[int], None] | None = None) -> int:
    """Index every public page with text from scratch; documents from other modules stay.
    Returns how many pages were indexed."""
    backend = get_backend()
    stale = SearchDocument.objects.filter(key__startswith="page:")
    with transaction.atomic():
        backend.remove(list(stale.values_list("pk", flat=True)))
        stale.delete()
    indexed = 0
    pages = queries.searchable_pages()
    for batch_start in range(0, pages.count(), REINDEX_BATCH_SIZE):
        with transaction.atomic():
            for page in pages[batch_start : batch_start + REINDEX_BATCH_SIZE].specific():
                if index_page(page=page) is not None:
                    indexed += 1
                if progress is not None:
                    progress(1)
    return indexed
