"""Pure rules: URL canonicalisation, text clean-up, schedule and back-off, time parsing."""

from datetime import UTC, datetime, timedelta

import pytest

from zaixian.monitoring.parsing import (
    ParseError,
    canonical_url,
    clean_text,
    parse_feed,
    parse_list_page,
    parse_sitemap_index,
    parse_time,
)
from zaixian.monitoring.rules import next_fetch_time


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://News.Example:80/a?b=2&a=1#top", "http://news.example/a?a=1&b=2"),
        ("https://x.example:443", "https://x.example/"),
        ("https://x.example:8443/p", "https://x.example:8443/p"),
        ("http://x.example/a?utm_source=wx&spm=1.2&id=7", "http://x.example/a?id=7"),
        ("http://x.example/a?from=timeline&share_token=zz", "http://x.example/a"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_clean_text_drops_markup_and_keeps_paragraphs():
    html = "<p>第一段&nbsp;内容</p><script>x()</script><p>第二段\u3000\u3000结束</p>"

    assert clean_text(html) == "第一段 内容\n第二段 结束"


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        (0, timedelta(minutes=30)),
        (1, timedelta(hours=1)),
        (3, timedelta(hours=4)),
        (20, timedelta(hours=24)),
    ],
)
def test_next_fetch_backs_off_after_errors(errors, expected):
    now = datetime(2024, 3, 1, tzinfo=UTC)

    due = next_fetch_time(now=now, interval=timedelta(minutes=30), consecutive_errors=errors)

    assert due - now == expected


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024-03-05T10:30:00+08:00", "2024-03-05T02:30:00+00:00"),
        ("2024年3月5日 10:30", "2024-03-05T02:30:00+00:00"),
        ("发布时间：2024-03-05 10:30:15", "2024-03-05T02:30:15+00:00"),
        ("Tue, 05 Mar 2024 02:30:00 GMT", "2024-03-05T02:30:00+00:00"),
        ("2024-03-05", "2024-03-04T16:00:00+00:00"),
    ],
)
def test_parse_time_understands_common_forms(text, iso):
    assert parse_time(text).astimezone(UTC).isoformat() == iso


def test_parse_time_of_nonsense_is_none():
    assert parse_time("昨天下午") is None
    assert parse_time("2024年13月40日") is None


def test_feed_that_is_html_is_refused():
    with pytest.raises(ParseError):
        parse_feed(b"<html><body><p>not a feed</p></body></html>")


def test_list_page_with_invalid_selector_is_a_parse_error():
    with pytest.raises(ParseError, match="is not valid"):
        parse_list_page(b"<a href='/x'>x</a>", base_url="http://x.example/", link_selector="a[")


def test_list_page_without_matching_links_is_a_parse_error():
    with pytest.raises(ParseError, match="No article links"):
        parse_list_page(b"<p>nothing</p>", base_url="http://x.example/", link_selector="ul a")


def test_a_sitemap_index_lists_its_files_newest_first() -> None:
    index = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://a.example/sitemaps/1.xml</loc><lastmod>2026-01-01</lastmod></sitemap>
<sitemap><loc>https://a.example/sitemaps/2.xml</loc><lastmod>2026-03-01</lastmod></sitemap>
<sitemap><loc>https://a.example/sitemaps/3.xml</loc></sitemap>
</sitemapindex>"""
    plain = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://a.example/x/</loc></url></urlset>"""
    undated = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://a.example/1.xml</loc></sitemap>
<sitemap><loc>https://a.example/2.xml</loc></sitemap></sitemapindex>"""

    assert parse_sitemap_index(index) == [
        "https://a.example/sitemaps/2.xml",
        "https://a.example/sitemaps/1.xml",
        "https://a.example/sitemaps/3.xml",
    ]
    assert parse_sitemap_index(plain) is None
    assert parse_sitemap_index(undated) == ["https://a.example/2.xml", "https://a.example/1.xml"]
    with pytest.raises(ParseError):
        parse_sitemap_index(b"<sitemapindex")
