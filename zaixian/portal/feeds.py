"""RSS 2.0 feeds of the portal's channels (Django's syndication framework)."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from zaixian.portal import queries
from zaixian.portal.models import ArticlePage, ChannelPage

DESCRIPTION_LENGTH = 200


class ChannelFeed(Feed):
    """The newest articles of one live, public channel; anything else is a 404."""

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> object:
        # Kept for item links: a page's full URL depends on the site serving it.
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, page_id: int) -> ChannelPage:
        channel = queries.feed_channel(page_id=page_id)
        if channel is None:
            raise Http404(_("There is no such channel."))
        return channel

    def title(self, obj: ChannelPage) -> str:
        return obj.title

    def link(self, obj: ChannelPage) -> str:
        return obj.get_full_url(self.request) or "/"

    def description(self, obj: ChannelPage) -> str:
        return obj.intro or _("The newest articles of %(channel)s") % {"channel": obj.title}

    def items(self, obj: ChannelPage) -> list[ArticlePage]:
        return queries.feed_articles(channel=obj)

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        text = item.summary or strip_tags(expand_db_html(item.body))
        return Truncator(text.strip()).chars(DESCRIPTION_LENGTH)

    def item_link(self, item: ArticlePage) -> str:
        return item.get_full_url(self.request) or ""

    def item_pubdate(self, item: ArticlePage) -> dt.datetime:
        return item.publish_time

    def item_author_name(self, item: ArticlePage) -> str:
        return item.author or item.source
