"""RSS 2.0 feeds of the channels."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.test import Client

from zaixian.portal.tests.factories import make_article, make_channel, make_site_tree

pytestmark = pytest.mark.django_db


def feed_url(channel_id: int) -> str:
    return f"/feeds/channel/{channel_id}/"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 — our own response, not untrusted XML
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    return channel


def test_feed_is_valid_rss_with_newest_articles_first(client: Client) -> None:
    tree = make_site_tree(articles=3)

    channel = parse(client.get(feed_url(tree.news.pk)))

    assert channel.findtext("title") == "今日晋城"
    assert channel.findtext("link") == "http://localhost/jrjc/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [a.title for a in tree.articles]
    first = items[0]
    assert first.findtext("link") == f"http://localhost{tree.articles[0].url}"
    assert parsedate_to_datetime(first.findtext("pubDate")) == tree.articles[
        0
    ].publish_time.replace(microsecond=0)
    assert "晋城市人民政府办公室发布的正文" in first.findtext("description")


def test_feed_lists_only_live_articles_and_at_most_twenty(client: Client) -> None:
    tree = make_site_tree(articles=22)
    make_article(parent=tree.news, title="草稿不出现", live=False)

    items = parse(client.get(feed_url(tree.news.pk))).findall("item")

    assert len(items) == 20
    assert "草稿不出现" not in [item.findtext("title") for item in items]


def test_unpublished_article_disappears_from_the_feed(client: Client) -> None:
    tree = make_site_tree(articles=2)
    titles = [i.findtext("title") for i in parse(client.get(feed_url(tree.news.pk))).iter("item")]
    assert tree.articles[0].title in titles

    tree.articles[0].unpublish()

    titles = [i.findtext("title") for i in parse(client.get(feed_url(tree.news.pk))).iter("item")]
    assert tree.articles[0].title not in titles
    assert tree.articles[1].title in titles


def test_feed_of_an_unpublished_channel_is_404(client: Client) -> None:
    tree = make_site_tree(articles=1)
    hidden = make_channel(parent=tree.home, title="未发布栏目", live=False)

    assert client.get(feed_url(hidden.pk)).status_code == 404


def test_feed_of_a_non_channel_or_unknown_page_is_404(client: Client) -> None:
    tree = make_site_tree(articles=1)

    assert client.get(feed_url(tree.articles[0].pk)).status_code == 404
    assert client.get(feed_url(tree.home.pk)).status_code == 404
    assert client.get(feed_url(99_999_999)).status_code == 404
    assert client.get("/feeds/channel/abc/").status_code == 404


def test_feed_of_a_private_channel_is_404(client: Client) -> None:
    from wagtail.models import PageViewRestriction

    tree = make_site_tree(articles=1)
    PageViewRestriction.objects.create(page=tree.news, restriction_type=PageViewRestriction.LOGIN)

    assert client.get(feed_url(tree.news.pk)).status_code == 404


def test_feed_query_count_is_bounded(client: Client, django_assert_max_num_queries) -> None:
    tree = make_site_tree(articles=20)
    client.get(feed_url(tree.news.pk))

    with django_assert_max_num_queries(10):
        response = client.get(feed_url(tree.news.pk))

    assert len(parse(response).findall("item")) == 20
