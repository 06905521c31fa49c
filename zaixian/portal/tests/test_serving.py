"""What serving a page costs and what keeps it right: routing in one query (the same answer as
Wagtail's walk), the site of a host from the cache, private sections, and each site's chrome
(name, menu, sections, footer) read once per generation."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import Http404
from django.test import Client, RequestFactory, override_settings
from wagtail.models import Page, PageViewRestriction, Site

from zaixian.portal import queries
from zaixian.portal.models import HomePage
from zaixian.portal.tests.factories import make_article, make_channel, make_site_tree

pytestmark = pytest.mark.django_db

NO_PAGE_CACHE = override_settings(PORTAL_PAGE_CACHE_SECONDS=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _wagtail_walk(home: HomePage, path: str) -> tuple[int, tuple, dict] | None:
    """Wagtail's own routing (one query per segment), as the reference."""
    request = RequestFactory().get(path)
    components = [part for part in path.split("/") if part]
    try:
        result = Page.route(home, request, components)
    except Http404:
        return None
    return result.page.pk, tuple(result.args), dict(result.kwargs)


def _our_route(home: HomePage, path: str) -> tuple[int, tuple, dict] | None:
    request = RequestFactory().get(path)
    components = [part for part in path.split("/") if part]
    try:
        result = home.route(request, components)
    except Http404:
        return None
    return result.page.pk, tuple(result.args), dict(result.kwargs)


def test_routing_gives_wagtails_answer_for_every_kind_of_path() -> None:
    tree = make_site_tree(articles=3, per_page=1)
    sub = make_channel(parent=tree.news, title="要闻", slug="yw")
    in_sub = make_article(parent=sub, title="子栏目新闻")
    draft = make_article(parent=tree.news, title="草稿", live=False)
    draft_channel = make_channel(parent=tree.home, title="未发布栏目", slug="draft", live=False)
    under_draft = make_article(parent=draft_channel, title="未发布栏目下的稿件")
    page_named_page = make_channel(parent=tree.news, title="名为page的栏目", slug="page")
    home = tree.home
    paths = [
        "/",
        "/jrjc/",
        "/jrjc/page/2/",
        "/jrjc/page/99/",
        "/jrjc/page/x/",
        "/jrjc/page/",
        f"/jrjc/{tree.articles[0].slug}/",
        f"/jrjc/{tree.articles[0].slug}/extra/",
        f"/jrjc/yw/{in_sub.slug}/",
        f"/jrjc/{draft.slug}/",
        f"/draft/{under_draft.slug}/",
        "/draft/",
        "/jrjc/yw/page/2/",
        f"/jrjc/{page_named_page.slug}/",
        "/no-such-channel/",
        "/jrjc/no-such-article/",
    ]

    for path in paths:
        assert _our_route(home, path) == _wagtail_walk(home, path), path


@NO_PAGE_CACHE
def test_an_article_is_served_in_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries
) -> None:
    tree = make_site_tree(articles=20)
    sub = make_channel(parent=tree.news, title="要闻", slug="yw")
    articles = [make_article(parent=sub, title=f"要闻{i}") for i in range(5)]
    client.get(articles[0].url)  # the site, its chrome and the restrictions are now cached

    with django_assert_max_num_queries(7):
        response = client.get(articles[2].url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "要闻2" in html
    assert 'rel="prev"' in html
    assert 'rel="next"' in html


@NO_PAGE_CACHE
def test_previous_and_next_are_the_neighbours_in_time_within_the_channel(client: Client) -> None:
    tree = make_site_tree(articles=3)
    newest, middle, oldest = tree.articles

    html = client.get(middle.url).content.decode()

    assert f'href="{newest.url}" rel="prev"' in html
    assert f'href="{oldest.url}" rel="next"' in html
    assert 'rel="prev"' not in client.get(newest.url).content.decode()
    assert 'rel="next"' not in client.get(oldest.url).content.decode()


@NO_PAGE_CACHE
def test_a_private_section_is_closed_to_visitors_and_left_out_of_lists(client: Client) -> None:
    tree = make_site_tree(articles=3)
    newest, _middle, _oldest = tree.articles
    private = make_channel(parent=tree.home, title="内部栏目", slug="internal")
    secret = make_article(parent=private, title="内部通报")
    assert client.get(secret.url).status_code == 200
    assert "内部栏目" in client.get("/").content.decode()

    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )

    assert client.get(secret.url).status_code == 302  # to the login page
    assert "内部栏目" not in client.get("/").content.decode()  # not in the menu any more
    assert newest.title in client.get(tree.news.url).content.decode()

    restriction.delete()

    assert client.get(secret.url).status_code == 200
    assert "内部栏目" in client.get("/").content.decode()


@NO_PAGE_CACHE
def test_a_private_article_is_never_a_neighbour(client: Client) -> None:
    tree = make_site_tree(articles=3)
    newest, middle, oldest = tree.articles
    PageViewRestriction.objects.create(page=middle, restriction_type=PageViewRestriction.LOGIN)

    html = client.get(newest.url).content.decode()

    assert f'href="{oldest.url}" rel="next"' in html
    assert middle.title not in html


def test_a_cached_page_is_dropped_when_its_section_becomes_private(client: Client) -> None:
    tree = make_site_tree(articles=1)
    article = tree.articles[0]
    client.get(article.url)
    client.get(article.url)
    assert client.get(article.url)["X-Cache"] == "HIT"

    PageViewRestriction.objects.create(page=tree.news, restriction_type=PageViewRestriction.LOGIN)

    assert client.get(article.url).status_code == 302


@NO_PAGE_CACHE
def test_a_sites_new_host_is_served_at_once(client: Client) -> None:
    make_site_tree(articles=0)
    other = make_site_tree(
        articles=0, title="太行农网", hostname="nw.localhost", is_default_site=False
    )
    brand = '<span class="brand__name">太行农网</span>'
    assert brand in client.get("/", headers={"host": "nw.localhost"}).content.decode()

    site = Site.objects.get(root_page=other.home)
    site.hostname = "farm.localhost"
    site.save()

    assert brand in client.get("/", headers={"host": "farm.localhost"}).content.decode()
    # The old host now falls back to the default site.
    assert brand not in client.get("/", headers={"host": "nw.localhost"}).content.decode()


@NO_PAGE_CACHE
def test_a_new_menu_channel_shows_on_every_page_at_once(client: Client) -> None:
    tree = make_site_tree(articles=1)
    article = tree.articles[0]
    assert "营商环境" not in client.get(article.url).content.decode()

    channel = make_channel(parent=tree.home, title="营商环境", slug="yshj", live=False)
    channel.save_revision().publish()

    assert "营商环境" in client.get(article.url).content.decode()


def test_the_publisher_reads_each_sites_chrome_afresh() -> None:
    tree = make_site_tree(articles=0)
    cached = queries.site_chrome(site=tree.site)
    # Another process renamed the channel; this process's local cache never heard of it.
    Page.objects.filter(pk=tree.news.pk).update(title="晋城要闻")

    assert queries.site_chrome(site=tree.site).menu == cached.menu
    with queries.fresh_reads():
        fresh = queries.site_chrome(site=tree.site)
        assert queries.site_chrome(site=tree.site) is fresh  # once per run
    assert "晋城要闻" in [link.title for link in fresh.menu]


@NO_PAGE_CACHE
def test_related_articles_keep_the_editors_order_and_leave_out_private_ones(
    client: Client,
) -> None:
    from zaixian.portal.models import RelatedArticle

    tree = make_site_tree(articles=4)
    article, first, second, hidden = tree.articles
    RelatedArticle.objects.create(page=article, related=second, sort_order=0)
    RelatedArticle.objects.create(page=article, related=first, sort_order=1)
    RelatedArticle.objects.create(page=article, related=hidden, sort_order=2)
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    related = client.get(article.url).content.decode().split('id="related-title"')[1]

    assert first.title in related
    assert related.index(second.title) < related.index(first.title)
    assert hidden.title not in related


@NO_PAGE_CACHE
def test_a_publish_run_pages_a_channel_as_a_visitor_sees_it(client: Client) -> None:
    tree = make_site_tree(articles=7, per_page=3)
    served = [client.get(f"{tree.news.url}page/{n}/").content for n in (2, 3)]
    first = client.get(tree.news.url).content

    with queries.fresh_reads():
        published = [client.get(f"{tree.news.url}page/{n}/").content for n in (2, 3)]
        assert client.get(tree.news.url).content == first
        assert client.get(f"{tree.news.url}page/4/").status_code == 404

    assert published == served
    assert tree.articles[6].title.encode() in published[1]


@NO_PAGE_CACHE
def test_the_shared_masthead_marks_each_pages_own_section(client: Client) -> None:
    tree = make_site_tree(articles=1, notices=1)
    news_article, notice = tree.articles[0], tree.notice_articles[0]

    def marked(html: str) -> list[str]:
        nav = html.split('class="main-nav__list"')[1].split("</ul>")[0]
        return [part.split(">")[1].split("<")[0] for part in nav.split("aria-current")[1:]]

    assert marked(client.get(news_article.url).content.decode()) == ["今日晋城"]
    assert marked(client.get(notice.url).content.decode()) == ["通知公告"]
    assert marked(client.get(tree.news.url).content.decode()) == ["今日晋城"]
    assert marked(client.get("/").content.decode()) == ["首页"]
    html = client.get(tree.news.url, {"q": "<b>营商</b>"}).content.decode()
    assert 'value="&lt;b&gt;营商&lt;/b&gt;"' in html


@NO_PAGE_CACHE
def test_a_moved_article_has_its_new_channels_neighbours(client: Client) -> None:
    from zaixian.portal.models import ArticlePage

    tree = make_site_tree(articles=2, notices=2)
    moved = tree.articles[0]
    assert ArticlePage.objects.get(pk=moved.pk).channel_id == tree.news.pk

    moved.move(tree.notices, pos="last-child")

    moved = ArticlePage.objects.get(pk=moved.pk)
    assert moved.channel_id == tree.notices.pk
    html = client.get(moved.url).content.decode()
    assert tree.notice_articles[0].title in html
    assert tree.articles[1].title not in html


def test_a_made_up_host_adds_nothing_to_the_cache(client: Client, settings) -> None:
    from django.core.cache import caches

    make_site_tree(articles=0)
    settings.ALLOWED_HOSTS = ["localhost"]
    client.get("/")
    local = caches["default"]
    before = set(getattr(local, "_cache", {}))

    for n in range(5):
        response = client.get("/", headers={"host": f"made-up-{n}.example"})
        assert response.status_code == 400

    assert set(getattr(local, "_cache", {})) == before
