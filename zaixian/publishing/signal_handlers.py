"""Wagtail's page events keep the static tree in step with published content: each handler
records the change with ``actions.record_page_change``, and one background task per
transaction rewrites what it touched. Connected in ``PublishingConfig.ready``; they do nothing
while ``STATIC_PUBLISH_ROOT`` is empty."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from zaixian.portal.models import SiteFooterSettings
from zaixian.publishing import actions, queries


def page_published_handler(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    actions.record_page_change(change=queries.page_change(page=instance, gone=False))


def page_unpublished_handler(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    actions.record_page_change(change=queries.page_change(page=instance, gone=True))


def page_moved_handler(
    sender: type[Page],
    instance: Page,
    parent_page_before: Page,
    url_path_before: str = "",
    url_path_after: str = "",
    **kwargs: Any,
) -> None:
    if url_path_before and url_path_before != url_path_after:
        # Where it was: its old parent's lists lose it. Its old path is under the old parent.
        old_path = parent_page_before.path + instance.path[-Page.steplen :]
        actions.record_page_change(
            change=queries.page_change(
                page=instance, gone=True, url_path=url_path_before, path=old_path
            )
        )
    actions.record_page_change(change=queries.page_change(page=instance, gone=False))


def page_renamed_handler(
    sender: type[Page], instance: Page, instance_before: Page, **kwargs: Any
) -> None:
    actions.record_page_change(
        change=queries.page_change(page=instance, gone=True, url_path=instance_before.url_path)
    )


def page_deleted_handler(sender: type, instance: Any, **kwargs: Any) -> None:
    # Sent once per table of a multi-table page; the task sees the same page twice, harmless.
    if isinstance(instance, Page) and instance.path:
        actions.record_page_change(change=queries.page_change(page=instance, gone=True))


# The attribute on a Site being saved that carries its host name from before the save.
HOSTNAME_BEFORE = "_publishing_hostname_before"


def site_saving_handler(sender: type[Site], instance: Site, **kwargs: Any) -> None:
    if instance.pk and actions.publish_root() is not None:
        setattr(instance, HOSTNAME_BEFORE, queries.site_hostname(site_id=instance.pk))


def site_saved_handler(sender: type[Site], instance: Site, **kwargs: Any) -> None:
    before = getattr(instance, HOSTNAME_BEFORE, "")
    actions.enqueue_site_rebuild(
        site_id=instance.pk, previous_hostname=before if before != instance.hostname else ""
    )


def site_deleted_handler(sender: type[Site], instance: Site, **kwargs: Any) -> None:
    actions.enqueue_site_tree_removal(hostname=instance.hostname)


def footer_saved_handler(
    sender: type[SiteFooterSettings], instance: SiteFooterSettings, **kwargs: Any
) -> None:
    actions.enqueue_site_rebuild(site_id=instance.site_id)


def connect() -> None:
    page_published.connect(page_published_handler, dispatch_uid="publishing_page_published")
    page_unpublished.connect(page_unpublished_handler, dispatch_uid="publishing_page_unpublished")
    post_page_move.connect(page_moved_handler, dispatch_uid="publishing_page_moved")
    page_slug_changed.connect(page_renamed_handler, dispatch_uid="publishing_page_renamed")
    post_delete.connect(page_deleted_handler, dispatch_uid="publishing_page_deleted")
    pre_save.connect(site_saving_handler, sender=Site, dispatch_uid="publishing_site_saving")
    post_save.connect(site_saved_handler, sender=Site, dispatch_uid="publishing_site_saved")
    post_delete.connect(site_deleted_handler, sender=Site, dispatch_uid="publishing_site_deleted")
    post_save.connect(
        footer_saved_handler, sender=SiteFooterSettings, dispatch_uid="publishing_footer_saved"
    )
