"""Reads for the portal's pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

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
        ChannelPage.objects.live().public().descendant_of(home)
        .filter(show_on_home=True).order_by("home_order", "path")
    )
    sections["home_channels"] = [
        {"channel": channel, "articles": list(channel_articles(channel=channel)[:HOME_LIST_LENGTH])}
        for channel in channels
    ]
    return sections
