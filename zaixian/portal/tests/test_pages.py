"""The portal's page types: where they may be created, and what a visitor sees on each."""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.coreutils import get_dummy_request
from wagtail.models import Page

from zaixian.portal.models import ArticlePage, ChannelPage, HomePage, TopicPage
from zaixian.portal.tests.factories import (
    make_article,
    make_channel,
    make_footer,
    make_site_tree,
    make_topic,
)

pytestmark = pytest.mark.django_db


def test_page_types_are_creatable_only_where_the_tree_allows() -> None:
    from wagtail.test.utils.page_tests import WagtailPageTestCase

    case = WagtailPageTestCase()
    case.assertCanCreateAt(Page, HomePage)
    case.assertCanCreateAt(HomePage, ChannelPage)
    case.assertCanCreateAt(ChannelPage, ArticlePage)
    case.assertCanCreateAt(ChannelPage, ChannelPage)
    case.assertCanCreateAt(HomePage, TopicPage)
    case.assertCanCreateAt(TopicPage, ChannelPage)
    case.assertCanNotCreateAt(ArticlePage, ArticlePage)
    case.assertCanNotCreateAt(ArticlePage, ChannelPage)
    case.assertCanNotCreateAt(ChannelPage, HomePage)


def test_every_page_type_is_routable_and_renders(client: Client) -> None:
    tree = make_site_tree(articles=1, notices=0)
    topic = make_topic(parent=tree.home, intro="优化营商环境")
    from wagtail.test.utils.page_tests import WagtailPageTestCase

    case = WagtailPageTestCase()
    case.dummy_request = get_dummy_request()
    for page in (tree.home, tree.news, tree.articles[0], topic):
        case.assertPageIsRoutable(page)
        response = client.get(page.url)
        assert response.status_code == 200
        assert page.title in response.content.decode()


def test_pages_are_chinese_by_default(client: Client) -> None:
    make_site_tree(articles=1)

    html = client.get("/").content.decode()

    assert '<html lang="zh-hans"' in html
    assert "跳到主要内容" in html
    assert "长者模式" in html
    assert "站内搜索" in html


def test_home_page_shows_headlines_notices_and_entrances(client: Client) -> None:
    tree = make_site_tree(articles=3, notices=2)

    html = client.get("/").content.decode()

    for article in tree.articles + tree.notice_articles:
        assert article.title in html
        assert article.url in html
    for url, label in (("/zwgk/", "政务公开"), ("/bsfw/", "办事服务"), ("/hdjl/", "互动交流")):
        assert f'href="{url}"' in html
        assert label in html
    assert "今日晋城" in html
    assert "通知公告" in html


def test_home_page_links_the_other_sites_of_the_group(client: Client) -> None:
    make_site_tree()
    make_site_tree(title="太行农网", hostname="nongwang.example.cn", is_default_site=False)

    html = client.get("/").content.decode()

    assert "部门网站" in html
    assert 'href="http://nongwang.example.cn/"' in html
    assert "太行农网" in html


def test_home_page_lists_channels_marked_for_it_only(client: Client) -> None:
    tree = make_site_tree(articles=1)
    shown = make_channel(parent=tree.home, title="工作动态", show_on_home=True)
    make_article(parent=shown, title="市发改委召开推进会")
    hidden = make_channel(
        parent=tree.home, title="内部栏目", show_on_home=False, show_in_menus=False
    )
    make_article(parent=hidden, title="不应出现在首页")

    html = client.get("/").content.decode()

    assert "市发改委召开推进会" in html
    assert "不应出现在首页" not in html


def test_home_page_query_count_is_bounded(client: Client, django_assert_max_num_queries) -> None:
    tree = make_site_tree(articles=8, notices=8)
    for n in range(3):
        channel = make_channel(parent=tree.home, show_on_home=True)
        for _ in range(3):
            make_article(parent=channel, title=f"栏目新闻{n}")
    client.get("/")  # warm Wagtail's per-process site caches

    with django_assert_max_num_queries(30):
        response = client.get("/")

    assert response.status_code == 200


def test_main_navigation_lists_menu_channels_and_marks_the_current_one(client: Client) -> None:
    tree = make_site_tree(articles=1)
    make_channel(parent=tree.home, title="隐藏栏目", show_in_menus=False)

    html = client.get(tree.news.url).content.decode()

    nav = html.split('class="main-nav"')[1].split("</nav>")[0]
    assert "今日晋城" in nav
    assert "通知公告" in nav
    assert "隐藏栏目" not in nav
    assert 'aria-current="page">今日晋城' in nav


def test_channel_page_lists_newest_first_with_dates(client: Client) -> None:
    tree = make_site_tree(articles=3)

    html = client.get(tree.news.url).content.decode()

    positions = [html.index(a.title + "<") for a in tree.articles]
    assert positions == sorted(positions)
    assert tree.articles[0].publish_time.astimezone().strftime("%Y-%m-%d") in html
    assert f"/feeds/channel/{tree.news.pk}/" in html


def test_channel_pagination_second_page(client: Client) -> None:
    tree = make_site_tree(articles=5, per_page=2)

    html = client.get(tree.news.url + "?page=2").content.decode()

    assert tree.articles[2].title in html
    assert tree.articles[3].title in html
    assert tree.articles[0].title + "<" not in html.split('class="news-list news-list--channel"')[1]
    assert "共 5 条" in html
    assert "第 2 / 3 页" in html
    for label in ("首页", "上一页", "下一页", "尾页"):
        assert label in html


def test_channel_pagination_path_style_serves_the_same_page(client: Client) -> None:
    tree = make_site_tree(articles=5, per_page=2)

    by_path = client.get(tree.news.url + "page/2/")
    by_query = client.get(tree.news.url + "?page=2")

    assert by_path.status_code == 200
    html = by_path.content.decode()

    # The same list (links that carry the URL asked for, language and tracking, differ).
    def channel_list(text: str) -> str:
        return text.split('class="panel channel"')[1].split("</section>")[0]

    assert channel_list(html) == channel_list(by_query.content.decode())
    assert tree.articles[2].title in html
    assert f'href="{tree.news.url}page/3/"' in html
    assert f'href="{tree.news.url}" rel="prev"' in html


def test_channel_pagination_path_style_first_page_redirects_to_the_channel(
    client: Client,
) -> None:
    tree = make_site_tree(articles=3, per_page=2)

    response = client.get(tree.news.url + "page/1/")

    assert response.status_code == 302
    assert response["Location"] == tree.news.url


@pytest.mark.parametrize("bad_path", ["page/9/", "page/0/", "page/x/", "page/2/extra/"])
def test_channel_pagination_path_style_out_of_range_is_404(client: Client, bad_path: str) -> None:
    tree = make_site_tree(articles=3, per_page=2)

    response = client.get(tree.news.url + bad_path)

    assert response.status_code == 404


@pytest.mark.parametrize("bad_page", ["abc", "-1", "999", "%00"])
def test_channel_pagination_bad_page_never_errors(client: Client, bad_page: str) -> None:
    tree = make_site_tree(articles=3, per_page=2)

    response = client.get(tree.news.url, {"page": bad_page})

    assert response.status_code == 200
    assert "共 3 条" in response.content.decode()


def test_channel_query_count_does_not_grow_with_articles(
    client: Client, django_assert_max_num_queries
) -> None:
    tree = make_site_tree(articles=20, per_page=20)
    client.get(tree.news.url)

    with django_assert_max_num_queries(25):
        response = client.get(tree.news.url)

    assert response.status_code == 200
    assert response.content.decode().count("<time ") == 20


def test_channel_page_lists_sub_channels_and_their_articles(client: Client) -> None:
    tree = make_site_tree(articles=0)
    sub = make_channel(parent=tree.news, title="要闻")
    make_article(parent=sub, title="子栏目里的新闻")

    html = client.get(tree.news.url).content.decode()

    assert 'class="sidebar"' in html
    assert "要闻" in html
    assert "子栏目里的新闻" in html


def test_channel_page_hides_unpublished_articles(client: Client) -> None:
    tree = make_site_tree(articles=2)
    tree.articles[0].unpublish()

    html = client.get(tree.news.url).content.decode()

    assert tree.articles[0].title + "<" not in html
    assert tree.articles[1].title in html


def test_article_page_shows_byline_tools_and_neighbours(client: Client) -> None:
    tree = make_site_tree(articles=0)
    older = make_article(parent=tree.news, title="较早的新闻")
    article = make_article(
        parent=tree.news,
        title="市政府召开常务会议",
        subtitle="研究部署冬季清洁取暖工作",
        source="晋城日报",
        author="李明",
        body="<p>会议强调，要切实抓好各项工作。</p>",
    )

    html = client.get(article.url).content.decode()

    for text in (
        "研究部署冬季清洁取暖工作",
        "发布时间：",
        "来源：",
        "晋城日报",
        "作者：",
        "李明",
        "会议强调，要切实抓好各项工作。",
        "打印本页",
        "关闭窗口",
        "字号：",
    ):
        assert text in html
    assert f'href="{older.url}" rel="next"' in html
    assert "当前位置：" in html


def test_article_page_shows_only_live_related_articles(client: Client) -> None:
    from zaixian.portal.models import RelatedArticle

    tree = make_site_tree(articles=3)
    article, live_one, dead_one = tree.articles
    dead_one.unpublish()
    RelatedArticle.objects.create(page=article, related=live_one, sort_order=0)
    RelatedArticle.objects.create(page=article, related=dead_one, sort_order=1)

    html = client.get(article.url).content.decode()

    related = html.split('id="related-title"')[1]
    assert live_one.title in related
    assert dead_one.title not in related


def test_article_page_lists_attachments_with_type_and_size(client: Client) -> None:
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from zaixian.portal.models import ArticleAttachment

    tree = make_site_tree(articles=1)
    document = Document.objects.create(
        title="实施方案", file=ContentFile(b"%PDF-1.4" + b"0" * 2040, name="plan.pdf")
    )
    ArticleAttachment.objects.create(page=tree.articles[0], document=document)

    html = client.get(tree.articles[0].url).content.decode()

    assert "附件" in html
    assert document.url in html
    assert "实施方案" in html
    assert "PDF" in html
    assert "2.0\xa0KB" in html


def test_topic_page_shows_banner_intro_and_sections(client: Client) -> None:
    tree = make_site_tree(articles=0)
    topic = make_topic(parent=tree.home, title="优化营商环境", intro="深化放管服改革")
    section = make_channel(parent=topic, title="政策解读")
    make_article(parent=section, title="条例解读之一")

    html = client.get(topic.url).content.decode()

    assert 'class="topic-banner' in html
    assert "深化放管服改革" in html
    assert "政策解读" in html
    assert "条例解读之一" in html


def test_footer_comes_from_each_sites_own_settings(client: Client) -> None:
    city = make_site_tree()
    farm = make_site_tree(title="太行农网", hostname="nongwang.example.cn", is_default_site=False)
    make_footer(site=city.site, sponsor="晋城市人民政府办公室", icp_number="晋ICP备05001234号")
    make_footer(site=farm.site, sponsor="晋城市农业农村局", icp_number="晋ICP备05009999号")

    city_html = client.get("/").content.decode()
    farm_html = client.get("/", HTTP_HOST="nongwang.example.cn").content.decode()

    footer = city_html.split('class="site-footer"')[1]
    assert "主办：" in footer
    assert "晋城市人民政府办公室" in footer
    assert '<a href="https://beian.miit.gov.cn/"' in footer
    assert "晋ICP备05001234号" in footer
    assert "网站标识码：" in footer
    assert "晋公网安备" in footer
    farm_footer = farm_html.split('class="site-footer"')[1]
    assert "晋城市农业农村局" in farm_footer
    assert "晋ICP备05009999号" in farm_footer
    assert "晋城市人民政府办公室" not in farm_footer


def test_draft_article_is_not_served(client: Client) -> None:
    tree = make_site_tree(articles=0)
    draft = make_article(parent=tree.news, title="草稿", live=False)

    response = client.get(draft.url or f"{tree.news.url}{draft.slug}/")

    assert response.status_code == 404
