"""The /search/ page: status codes, Chinese messages, filters, pagination, query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zaixian.search.tests import factories

URL = "/search/"


@pytest.fixture
def farm_article(news):
    return factories.make_article(
        parent=news, title="太行农网发布农业信息", body="全市发展现代农业，12316热线服务农户。"
    )


def test_url_is_named():
    assert reverse("search:results") == URL


@pytest.mark.django_db
def test_results_page_shows_chinese_highlighted_hits(client, farm_article):
    response = client.get(URL, {"q": "农业"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>农业</mark>" in html
    assert "1 条结果" in html
    assert farm_article.url in html


@pytest.mark.django_db
def test_empty_query_asks_for_words_in_chinese(client, portal):
    response = client.get(URL)

    assert response.status_code == 200
    assert "请输入" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("q=%E4%B8", "无法识别"),
        ("q=%ZZ", ""),
        ("q=%00%01", "控制字符"),
        ("q=" + "%E5%86%9C" * 10_000, "100"),
        ('q="', "引号"),
        ("q=*", "运算符"),
        ("q=%E5%86%9C%E4%B8%9A+NEAR+x", "运算符"),
        ("q=%E5%86%9C%E4%B8%9A+OR+x", "运算符"),
        ("q=-%E5%86%9C%E4%B8%9A", "运算符"),
        ("q=(%E5%86%9C%E4%B8%9A)", "运算符"),
        ("q=^title:x", "运算符"),
        ("q=%E5%86%9C%E4%B8%9A&page=abc", "页"),
        ("q=%E5%86%9C%E4%B8%9A&page=99999999999999999999", ""),
        ("q=%E5%86%9C%E4%B8%9A&date_from=2024-13-45", "日期"),
        ("q=%E5%86%9C%E4%B8%9A&date_from=2024-10-05&date_to=2024-10-01", "结束日期"),
        ("q=%E5%86%9C%E4%B8%9A&site=%00", "站点"),
        ("q=%E5%86%9C%E4%B8%9A&site=999999", ""),
        ("q=%E5%86%9C%E4%B8%9A&channel=-1", ""),
        ("q=%E5%86%9C%E4%B8%9A&order=x", ""),
    ],
)
def test_bad_input_gets_a_normal_page_with_a_message(client, farm_article, query_string, message):
    response = client.get(f"{URL}?{query_string}")

    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_current_site_by_default_and_all_sites_on_request(client, portal, farm_article):
    other = factories.make_site(name="太行农网", hostname="farm.example.test")
    channel = factories.make_channel(parent=other.root_page, title="农业信息")
    factories.make_article(parent=channel, title="农网农业新闻")

    own = client.get(URL, {"q": "农业"}).content.decode()
    everywhere = client.get(URL, {"q": "农业", "site": "all"}).content.decode()

    assert "农网<mark>农业</mark>新闻" not in own
    assert "农网<mark>农业</mark>新闻" in everywhere
    assert "http://farm.example.test/" in everywhere


@pytest.mark.django_db
def test_pagination_links_keep_the_query(client, news):
    for number in range(12):
        factories.make_article(parent=news, title=f"农业新闻{number}")

    first = client.get(URL, {"q": "农业"}).content.decode()
    second = client.get(URL, {"q": "农业", "page": 2}).content.decode()

    assert "第 1 页" in first
    assert "page=2" in first
    assert second.count('class="zx-hit"') == 2


@pytest.mark.django_db
def test_query_count_is_bounded(client, news, django_assert_max_num_queries):
    for number in range(12):
        factories.make_article(parent=news, title=f"农业新闻{number}")
    client.get(URL, {"q": "农业"})  # warm Wagtail's site cache

    with django_assert_max_num_queries(10):
        response = client.get(URL, {"q": "农业", "channel": news.pk})

    assert response.status_code == 200
