"""Search behaviour, run unchanged on SQLite FTS5 and on PostgreSQL (the PostgreSQL run of the
suite uses the tsvector backend for the same tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zaixian.search import queries
from zaixian.search.tests import factories

ARTICLES = {
    "coal": ("煤矿安全生产检查全面开展", "市应急管理局对全市煤矿开展安全检查，原煤产量稳定。"),
    "farm": (
        "太行农网新增信息服务站",
        "全市30个村级信息服务站统一标准，发展现代农业，提供农业信息。",
    ),
    "ipv6": ("电子政务外网完成IPv6改造", "信息中心完成IPv6地址分配和IPv6服务测试。"),
    "hotline": ("12316热线服务农户", "县级12316热线为农民解答种植养殖问题。"),
    "mayor": ("市长热线运行情况通报", "市长热线全年受理来电57222件，办结56239件。"),
    "noise": ("全市教育城域网建设加快", "2013年接入学校408所，市长在会上讲话，热线电话另行公布。"),
}


@pytest.fixture
def articles(news):
    return {
        key: factories.make_article(parent=news, title=title, body=body)
        for key, (title, body) in ARTICLES.items()
    }


def found(query: str, **kwargs) -> set[str]:
    results = queries.search(query, **kwargs)
    return {hit.document.title for hit in results.hits}


def titles(*keys: str) -> set[str]:
    return {ARTICLES[key][0] for key in keys}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("煤", {"coal"}, id="one-character"),
        pytest.param("农业", {"farm"}, id="two-characters"),
        pytest.param("IPv6", {"ipv6"}, id="latin-and-digits"),
        pytest.param("ｉｐｖ６", {"ipv6"}, id="full-width"),
        pytest.param("12316热线", {"hotline"}, id="digits-and-chinese"),
        pytest.param('"市长热线"', {"mayor"}, id="quoted-phrase"),
        pytest.param("“市长热线”", {"mayor"}, id="chinese-quoted-phrase"),
        pytest.param("市长 热线", {"mayor", "noise"}, id="two-words-and"),
        pytest.param("煤矿 农业", set(), id="and-excludes-partial-matches"),
        pytest.param("晋城在线", set(), id="no-match"),
    ],
)
def test_query_kinds_find_what_a_person_expects(articles, query, expected):
    assert found(query, site=None) == titles(*expected)


@pytest.mark.django_db
def test_quoted_phrase_needs_the_characters_together(articles):
    # "市长" and "热线" are both in the noise article, but not as one phrase.
    assert found('"市长热线"') == titles("mayor")
    assert titles("noise") <= found("市长 热线")


@pytest.mark.django_db
def test_title_match_ranks_before_body_match(news):
    in_body = factories.make_article(
        parent=news, title="全市工作会议召开", body="会议提到了网络舆情和网络安全工作。"
    )
    in_title = factories.make_article(parent=news, title="网络舆情快报第41期", body="本期要点。")

    results = queries.search("网络舆情")

    assert [hit.document.key for hit in results.hits] == [
        f"page:{in_title.pk}",
        f"page:{in_body.pk}",
    ]


@pytest.mark.django_db
def test_snippet_comes_from_original_text_with_highlight(articles):
    results = queries.search("IPv6")

    hit = results.hits[0]
    assert "<mark>IPv6</mark>" in hit.snippet_html
    assert "<mark>IPv6</mark>" in hit.title_html
    assert "信息中心完成" in hit.snippet_html  # no segmentation spaces


@pytest.mark.django_db
def test_snippet_escapes_html_in_text(news):
    factories.make_article(parent=news, title="<script>标题</script>", body="正文&lt;b&gt;煤")

    hit = queries.search("煤").hits[0]

    assert "<script>" not in hit.title_html
    assert "&lt;script&gt;" in hit.title_html


@pytest.mark.django_db
def test_site_filter_limits_to_one_site(portal, news):
    farm_site = factories.make_site(name="太行农网", hostname="farm.example.test")
    farm_channel = factories.make_channel(parent=farm_site.root_page, title="农业信息")
    factories.make_article(parent=news, title="门户的农业新闻", body="农业")
    factories.make_article(parent=farm_channel, title="农网的农业新闻", body="农业")

    assert found("农业", site=portal.pk) == {"门户的农业新闻"}
    assert found("农业", site=farm_site.pk) == {"农网的农业新闻"}
    assert found("农业", site=None) == {"门户的农业新闻", "农网的农业新闻"}


@pytest.mark.django_db
def test_links_to_other_sites_are_absolute(portal, news):
    farm_site = factories.make_site(name="太行农网", hostname="farm.example.test")
    farm_channel = factories.make_channel(parent=farm_site.root_page, title="农业信息")
    factories.make_article(parent=farm_channel, title="农网的农业新闻", body="农业")

    hit = queries.search("农业", current_site_id=portal.pk).hits[0]

    assert hit.url.startswith("http://farm.example.test/")


@pytest.mark.django_db
def test_channel_filter_covers_sub_channels(portal, news):
    sub = factories.make_channel(parent=news, title="县区动态")
    other = factories.make_channel(parent=portal.root_page, title="通知公告")
    factories.make_article(parent=sub, title="泽州县农业新闻", body="农业")
    factories.make_article(parent=other, title="通知：农业补贴", body="农业")

    assert found("农业", channel=news) == {"泽州县农业新闻"}


@pytest.mark.django_db
def test_date_range_is_inclusive_of_both_days(news):
    def on(day: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime(2024, 10, day, 12))  # noqa: DTZ001 — made aware here

    factories.make_article(parent=news, title="一日农业", publish_time=on(1))
    factories.make_article(parent=news, title="五日农业", publish_time=on(5))
    factories.make_article(parent=news, title="九日农业", publish_time=on(9))

    assert found("农业", date_from=dt.date(2024, 10, 1), date_to=dt.date(2024, 10, 5)) == {
        "一日农业",
        "五日农业",
    }


@pytest.mark.django_db
def test_order_by_date_puts_newest_first(news):
    old = factories.make_article(
        parent=news, title="农业新闻", publish_time=timezone.now() - dt.timedelta(days=30)
    )
    new = factories.make_article(parent=news, title="旧闻里的农业", publish_time=timezone.now())

    results = queries.search("农业", order="date")

    assert [hit.document.key for hit in results.hits] == [f"page:{new.pk}", f"page:{old.pk}"]


@pytest.mark.django_db
def test_pagination_and_total(news):
    for number in range(5):
        factories.make_article(parent=news, title=f"农业新闻{number}")

    first = queries.search("农业", per_page=2, page=1)
    last = queries.search("农业", per_page=2, page=3)

    assert (first.total, first.num_pages, len(first.hits), first.has_next) == (5, 3, 2, True)
    assert (len(last.hits), last.has_next, last.has_previous) == (1, False, True)


@pytest.mark.django_db
def test_page_number_is_capped(news):
    factories.make_article(parent=news, title="农业新闻")

    results = queries.search("农业", page=10**9)

    assert results.page == queries.MAX_PAGE
    assert results.hits == []
    assert results.total == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR",
        "农业 NEAR 发展",
        "-农业",
        "农业 OR",
        "AND",
        "(农业",
        "^农业",
        "title:农业",
        "a\x00b",
        "\x01\x02",
        "\ufffd",
        "%ZZ",
        "x" * 10_000,
        "农业" * 5_000,
        "'; DROP TABLE x; --",
        '"""',
        "NEAR(农业 发展, 2)",
        "{title body}: 农业",
    ],
)
def test_bad_input_never_raises(articles, query):
    results = queries.search(query)

    assert results.total >= 0
    assert results.query.is_empty or results.query.terms
