"""Every write to the search index. Other modules feed it through ``index_document`` and
``remove_document``; portal pages go through ``index_page`` (called from Wagtail's signals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import TypeVar

from django.db import transaction
from wagtail.models import Page, Site

from zaixian.search import queries
from zaixian.search.backends import (
    deferred_term_bits,
    get_backend,
    index_texts,
    refresh_term_bits,
)
from zaixian.search.models import SearchDocument

T = TypeVar("T")
REINDEX_BATCH_SIZE = 200
BULK_BATCH_SIZE = 500
"""Documents per transaction in bulk indexing: large enough that commits are rare, small
enough that a SQLite writer does not hold the database for long."""
_UPDATED_FIELDS = [
    "title",
    "body",
    "url",
    "published_at",
    "kind",
    "site",
    "channel",
    "section",
    "page_id",
    "indexed_at",
]


@dataclass(frozen=True)
class DocumentInput:
    """One document for ``index_documents``: the arguments of ``index_document``."""

    key: str
    title: str
    body: str
    url: str
    published_at: dt.datetime
    kind: str = SearchDocument.Kind.OTHER
    site: Site | None = None
    channel: Page | None = None
    section: str = ""
    page_id: int | None = None

    def to_model(self) -> SearchDocument:
        return SearchDocument(
            key=self.key,
            title=self.title[:255],
            body=self.body,
            url=self.url[:500],
            published_at=self.published_at,
            kind=self.kind,
            site=self.site,
            channel=self.channel,
            section=self.section[:100],
            page_id=self.page_id,
        )


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def index_documents(
    *,
    documents: Iterable[DocumentInput],
    batch_size: int = BULK_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Add or replace many documents at once: each batch is segmented first (the slow part,
    outside any transaction), then written in one transaction with one multi-row upsert of the
    documents and one executemany of the full-text rows. Returns how many were indexed."""
    backend = get_backend()
    indexed = 0
    for batch in _batches(documents, batch_size):
        # The last version of a key wins, as with one index_document call after another.
        by_key = {document.key: document for document in batch}
        texts = {
            key: index_texts(title=document.title[:255], body=document.body)
            for key, document in by_key.items()
        }
        with transaction.atomic():
            SearchDocument.objects.bulk_create(
                [document.to_model() for document in by_key.values()],
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=_UPDATED_FIELDS,
            )
            ids = dict(SearchDocument.objects.filter(key__in=list(by_key)).values_list("key", "pk"))
            backend.write_rows([(ids[key], *texts[key]) for key in by_key])
        indexed += len(by_key)
        if on_batch is not None:
            on_batch(len(batch))
    return indexed


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


def remove_orphan_index_rows() -> None:
    """Sweep full-text rows whose document row is gone: after ``manage.py flush`` (which
    truncates only model tables) and after documents deleted by a cascade."""
    get_backend().remove_orphans()


def remove_index_rows(*, document_ids: list[int]) -> None:
    get_backend().remove(document_ids)


def index_page(*, page: Page) -> SearchDocument | None:
    """Index a page as it is now, or take it out when it is no longer public with text."""
    page = page.specific
    fields = queries.page_document_fields(page=page)
    if fields is None:
        remove_document(key=page_key(page.pk))
        return None
    return index_document(key=page_key(page.pk), **fields)


@contextmanager
def bulk_indexing() -> Iterator[None]:
    """Around a great many index writes (a rebuild, generated articles): the common terms'
    bitmaps are built once at the end (``backends.deferred_term_bits``)."""
    with deferred_term_bits():
        yield


def index_pages(*, pages: Iterable[Page], on_batch: Callable[[int], None] | None = None) -> int:
    """``index_page`` for many pages, written in bulk (``index_documents``); pages that no
    longer belong in the index are taken out. Returns how many were indexed."""
    indexed = 0
    for batch in _batches(pages, BULK_BATCH_SIZE):
        inputs: list[DocumentInput] = []
        for page in batch:
            fields = queries.page_document_fields(page=page.specific)
            if fields is None:
                remove_document(key=page_key(page.pk))
            else:
                inputs.append(DocumentInput(key=page_key(page.pk), **fields))
        indexed += index_documents(documents=inputs)
        if on_batch is not None:
            on_batch(len(batch))
    return indexed


def remove_page(*, page_id: int) -> bool:
    return remove_document(key=page_key(page_id))


def reindex_page_subtree(*, page_id: int) -> int:
    """Re-index a page and everything below it (after a move, a slug change or the
    unpublishing of a channel, their URLs, site or visibility may have changed)."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return 0
    subtree = Page.objects.descendant_of(page, inclusive=True).order_by("path")
    return index_pages(pages=subtree.specific().iterator(chunk_size=REINDEX_BATCH_SIZE))


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
    pages = queries.searchable_pages().specific().iterator(chunk_size=REINDEX_BATCH_SIZE)
    with bulk_indexing():
        return index_pages(pages=pages, on_batch=progress)


def refresh_common_terms() -> int:
    """Track exactly the terms now common enough to be counted by bitmap (see
    ``backends.TERM_BITS_TABLE``). Returns how many are tracked."""
    with transaction.atomic():
        return refresh_term_bits()
