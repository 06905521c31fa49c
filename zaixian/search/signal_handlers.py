"""Wagtail's page events keep the search index in step with published content."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from zaixian.search import actions
from zaixian.search.models import SearchDocument


@receiver(page_published)
def index_published_page(sender: type, instance: Page, **kwargs: Any) -> None:
    actions.index_page(page=instance)
    if instance.numchild:
        # A channel's new slug or restored visibility changes what lies below it.
        actions.enqueue_subtree_reindex(page_id=instance.pk)


@receiver(page_unpublished)
def remove_unpublished_page(sender: type, instance: Page, **kwargs: Any) -> None:
    actions.remove_page(page_id=instance.pk)
    if instance.numchild:
        # Pages below an unpublished channel can no longer be reached.
        actions.enqueue_subtree_reindex(page_id=instance.pk)


@receiver(post_page_move)
def reindex_moved_page(sender: type, instance: Page, **kwargs: Any) -> None:
    # URLs, the channel and possibly the site of the whole subtree have changed. A reorder
    # among siblings changes none of these.
    if kwargs.get("parent_page_before") != kwargs.get("parent_page_after"):
        actions.enqueue_subtree_reindex(page_id=instance.pk)


@receiver(page_slug_changed)
def reindex_renamed_page(sender: type, instance: Page, **kwargs: Any) -> None:
    # Every URL below the page has changed.
    actions.enqueue_subtree_reindex(page_id=instance.pk)


@receiver(post_delete)
def remove_deleted_page(sender: type, instance: Any, **kwargs: Any) -> None:
    # Sent once per table of a multi-table page; removing twice is harmless.
    if isinstance(instance, Page):
        actions.remove_page(page_id=instance.pk)


@receiver(post_delete, sender=SearchDocument)
def remove_index_rows_of_deleted_document(
    sender: type, instance: SearchDocument, **kwargs: Any
) -> None:
    # A site deleted with its documents (an ORM cascade) must not leave full-text rows behind.
    actions.remove_index_rows(document_ids=[instance.pk])


def sweep_orphan_index_rows(sender: Any, **kwargs: Any) -> None:
    """After migrate and after flush (which emits post_migrate)."""
    actions.remove_orphan_index_rows()
