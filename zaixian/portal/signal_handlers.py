"""Handlers for Wagtail's page events: each one calls a portal action. Connected in
``PortalConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from zaixian.portal import actions
from zaixian.portal.models import ArticlePage, SiteFooterSettings

# Sites' root pages sit at depth 2 (below Wagtail's tree root).
SITE_ROOT_DEPTH = 2


def page_changed_visibly(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    """Published or unpublished: the page and every list that shows it change."""
    actions.invalidate_page_cache_for_pages(pages=[instance])
    if instance.depth <= SITE_ROOT_DEPTH:
        actions.forget_sites()


def article_saving(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    actions.file_article(article=instance)


def page_moved(sender: type[Page], instance: Page, parent_page_before: Page, **kwargs: Any) -> None:
    """A move changes two places, possibly in two sites: where it was and where it is."""
    if issubclass(sender, ArticlePage):
        actions.refile_moved_article(
            article_id=instance.pk, parent_id=kwargs["parent_page_after"].pk
        )
    actions.invalidate_page_cache_for_pages(pages=[parent_page_before, instance])
    if instance.depth <= SITE_ROOT_DEPTH or parent_page_before.depth < SITE_ROOT_DEPTH:
        actions.forget_sites()


def page_deleted(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    actions.invalidate_page_cache_for_pages(pages=[instance])
    if instance.depth <= SITE_ROOT_DEPTH:
        actions.forget_sites()


def site_changed(sender: type[Site], instance: Site, **kwargs: Any) -> None:
    """A new host or root page for a site: its cached pages no longer match."""
    actions.invalidate_page_cache(site_id=instance.pk)
    actions.forget_sites()


def site_deleted(sender: type[Site], instance: Site, **kwargs: Any) -> None:
    actions.forget_sites()


def footer_changed(
    sender: type[SiteFooterSettings], instance: SiteFooterSettings, **kwargs: Any
) -> None:
    """The footer is on every page of its site."""
    actions.invalidate_page_cache(site_id=instance.site_id)


def view_restriction_changed(
    sender: type[PageViewRestriction], instance: PageViewRestriction, **kwargs: Any
) -> None:
    """A section became private or public again."""
    actions.forget_view_restrictions(page=instance.page)


def connect() -> None:
    pre_save.connect(article_saving, sender=ArticlePage, dispatch_uid="portal_article_filed")
    page_published.connect(page_changed_visibly, dispatch_uid="portal_cache_page_published")
    page_unpublished.connect(page_changed_visibly, dispatch_uid="portal_cache_page_unpublished")
    post_page_move.connect(page_moved, dispatch_uid="portal_cache_page_moved")
    # Page is the concrete base of every page type, so deleting any page sends this for Page.
    post_delete.connect(page_deleted, sender=Page, dispatch_uid="portal_cache_page_deleted")
    post_save.connect(site_changed, sender=Site, dispatch_uid="portal_cache_site_saved")
    post_delete.connect(site_deleted, sender=Site, dispatch_uid="portal_cache_site_deleted")
    post_save.connect(
        footer_changed, sender=SiteFooterSettings, dispatch_uid="portal_cache_footer_saved"
    )
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            view_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"portal_cache_view_restriction_{name}",
        )
