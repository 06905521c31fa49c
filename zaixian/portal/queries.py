"""Reads for the portal's pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from wagtail.models import Page, Site

if TYPE_CHECKING:
    from zaixian.portal.models import ArticlePage, ChannelPage, HomePage, TopicPage

HOME_LIST_LENGTH = 8


def channel_articles(*, channel: ChannelPage) -> QuerySet[ArticlePage]:
    """Live articles anywhere below a channel, newest first."""
    from zaixian.portal.models import ArticlePage

    return (
        ArticlePage.objects.live()
        .public()
        .descendant_of(channel)
        .order_by("-publish_time", "-pk")
        .only("pk", "title", "url_path", "path", "depth", "publish_time", "summary", "source")
    )


def sub_channels(*, channel: ChannelPage | TopicPage) -> QuerySet[ChannelPage]:
    from zaixian.portal.models import ChannelPage

    return ChannelPage.objects.live().public().child_of(channel).order_by("path")


def related_articles(*, article: ArticlePage) -> list[ArticlePage]:
    """The editor's chosen related articles that are live."""
    related_ids = [link.related_id for link in article.related_links.all()]
    from zaixian.portal.models import ArticlePage

    by_id = {p.pk: p for p in ArticlePage.objects.live().public().filter(pk__in=related_ids)}
    return [by_id[pk] for pk in related_ids if pk in by_id]


def topic_sections(*, topic: TopicPage) -> list[dict[str, Any]]:
    return [
        {"channel": channel, "articles": list(channel_articles(channel=channel)[:HOME_LIST_LENGTH])}
        for channel in sub_channels(channel=topic)
    ]


def home_page_sections(*, home: HomePage) -> dict[str, Any]:
    """What a home page lists: headline news, notices and the channels marked for it."""
    from zaixian.portal.models import ChannelPage

    sections: dict[str, Any] = {"headlines": [], "notices": [], "home_channels": []}
    if home.headline_channel_id:
        sections["headlines"] = list(
            channel_articles(channel=home.headline_channel)[:HOME_LIST_LENGTH]
        )
    if home.notice_channel_id:
        sections["notices"] = list(channel_articles(channel=home.notice_channel)[:HOME_LIST_LENGTH])
    channels = (
        ChannelPage.objects.live()
        .public()
        .descendant_of(home)
        .filter(show_on_home=True)
        .exclude(pk__in=[home.headline_channel_id or 0, home.notice_channel_id or 0])
        .order_by("home_order", "path")
    )
    sections["home_channels"] = [
        {"channel": channel, "articles": list(channel_articles(channel=channel)[:HOME_LIST_LENGTH])}
        for channel in channels
    ]
    return sections


# --- Navigation, feeds and the other sites of the group (public front end) -------------------

FEED_LENGTH = 20


def menu_channels(*, site_root: Page) -> QuerySet[Page]:
    """The main navigation: live, public children of the site's root page marked "show in
    menus", in the editors' tree order."""
    return site_root.get_children().live().public().in_menu().order_by("path")


def breadcrumb_pages(*, page: Page, site_root: Page) -> list[Page]:
    """The pages from the site root (exclusive) down to ``page`` (inclusive). Pages outside the
    site (e.g. a preview of another site's page) get no breadcrumbs."""
    if page.pk == site_root.pk or not page.is_descendant_of(site_root):
        return []
    ancestors = page.get_ancestors().filter(depth__gt=site_root.depth)
    return [*ancestors, page]


def other_sites(*, site: Site | None) -> list[Site]:
    """The other sites of the group (the department sites), by name, for the home page."""
    sites = Site.objects.select_related("root_page").order_by("site_name", "hostname")
    if site is not None:
        sites = sites.exclude(pk=site.pk)
    return list(sites)


def article_neighbours(*, article: ArticlePage) -> dict[str, ArticlePage | None]:
    """The live articles just newer and just older than ``article`` in the same channel
    (its parent), for "previous/next" links; two indexed queries."""
    from zaixian.portal.models import ArticlePage

    parent = article.get_parent()
    if parent is None:
        return {"newer": None, "older": None}
    siblings = ArticlePage.objects.live().public().child_of(parent).exclude(pk=article.pk)
    siblings = siblings.only("pk", "title", "url_path", "path", "depth", "publish_time")
    when = article.publish_time
    newer = (
        siblings.filter(Q(publish_time__gt=when) | Q(publish_time=when, pk__gt=article.pk))
        .order_by("publish_time", "pk")
        .first()
    )
    older = (
        siblings.filter(Q(publish_time__lt=when) | Q(publish_time=when, pk__lt=article.pk))
        .order_by("-publish_time", "-pk")
        .first()
    )
    return {"newer": newer, "older": older}


def feed_channel(*, page_id: int) -> ChannelPage | None:
    """The channel an RSS feed is asked for, if it is live and public."""
    from zaixian.portal.models import ChannelPage

    return ChannelPage.objects.live().public().filter(pk=page_id).first()


def feed_articles(*, channel: ChannelPage) -> list[ArticlePage]:
    """The newest live articles of a channel, for its RSS feed."""
    return list(channel_articles(channel=channel).defer(None)[:FEED_LENGTH])


# --- Reads for the yearly work report ----------------------------------------------------------


def articles_by_channel_kind(*, site: Site, start: Any, end: Any) -> dict[str, int]:
    """Live articles of ``site`` published in [``start``, ``end``), counted by the kind of
    the channel they are in (news, notice, policy, other; "" outside any channel)."""
    from zaixian.portal.models import ArticlePage, ChannelPage

    root = site.root_page
    kinds = dict(ChannelPage.objects.descendant_of(root).values_list("path", "kind"))
    counts: dict[str, int] = {}
    step = ArticlePage.steplen
    paths = (
        ArticlePage.objects.live()
        .descendant_of(root)
        .filter(publish_time__gte=start, publish_time__lt=end)
        .values_list("path", flat=True)
    )
    for path in paths.iterator(chunk_size=5000):
        kind = kinds.get(path[:-step], "")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def topic_counts(*, site: Site, start: Any, end: Any) -> tuple[int, int]:
    """Live special topics (专题) of ``site``: how many there are, and how many were first
    published in [``start``, ``end``)."""
    from zaixian.portal.models import TopicPage

    topics = TopicPage.objects.live().descendant_of(site.root_page)
    opened = topics.filter(first_published_at__gte=start, first_published_at__lt=end)
    return topics.count(), opened.count()


def site_footer(*, site: Site) -> Any:
    """The site's footer settings (sponsor, identification code, filing numbers, contact)."""
    from zaixian.portal.models import SiteFooterSettings

    return SiteFooterSettings.for_site(site)
