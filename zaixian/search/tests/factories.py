"""Pages for search tests, created with Wagtail directly and published through revisions so
Wagtail's signals fire as they do in the admin."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone
from wagtail.models import Page, Site

from zaixian.portal.models import ArticlePage, ChannelPage, HomePage

_counter = itertools.count(1)


def make_site(*, name: str = "晋城在线", hostname: str | None = None) -> Site:
    """A home page under the tree root and a site serving it. Without a hostname it becomes
    the default site (replacing the one Wagtail's migrations create for localhost)."""
    number = next(_counter)
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title=name, slug=f"home-{number}"))
    if hostname is None:
        site = Site.objects.filter(is_default_site=True).first() or Site(
            hostname="localhost", port=80, is_default_site=True
        )
        site.root_page = home
        site.site_name = name
        site.save()
        return site
    return Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=name)


def make_channel(*, parent: Page, title: str = "政务要闻") -> ChannelPage:
    channel = parent.add_child(instance=ChannelPage(title=title, slug=f"channel-{next(_counter)}"))
    channel.save_revision().publish()
    return channel


def make_article(
    *,
    parent: Page,
    title: str,
    body: str = "",
    publish_time: dt.datetime | None = None,
    publish: bool = True,
) -> ArticlePage:
    article = parent.add_child(
        instance=ArticlePage(
            title=title,
            slug=f"article-{next(_counter)}",
            body=f"<p>{body}</p>" if body else "<p></p>",
            publish_time=publish_time or timezone.now(),
            live=False,
        )
    )
    if publish:
        article.save_revision().publish()
        article.refresh_from_db()
    return article
