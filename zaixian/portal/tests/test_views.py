"""robots.txt, the sitemap, error pages and the language switch."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import get_template
from django.test import Client

from zaixian.portal.tests.factories import make_site_tree

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_robots_txt_points_each_site_at_its_own_sitemap(client: Client) -> None:
    make_site_tree(hostname="www.jcgov.example.cn")
    make_site_tree(title="太行农网", hostname="nongwang.example.cn", is_default_site=False)

    city = client.get("/robots.txt", HTTP_HOST="www.jcgov.example.cn")
    farm = client.get("/robots.txt", HTTP_HOST="nongwang.example.cn")

    assert city.status_code == 200
    assert city["Content-Type"].startswith("text/plain")
    city_text = city.content.decode()
    assert "User-agent: *" in city_text
    assert "Disallow: /admin/" in city_text
    assert "Disallow: /analytics/" in city_text
    assert "Disallow: /search/?" in city_text
    assert "Sitemap: http://www.jcgov.example.cn/sitemap.xml" in city_text
    assert "Sitemap: http://nongwang.example.cn/sitemap.xml" in farm.content.decode()


def test_robots_txt_refuses_post(client: Client) -> None:
    make_site_tree()

    assert client.post("/robots.txt").status_code == 405


def sitemap_urls(client: Client, host: str) -> set[str]:
    """The page URLs of every file the site's sitemap index lists."""
    response = client.get("/sitemap.xml", HTTP_HOST=host)
    assert response.status_code == 200
    index = ET.fromstring(response.content)  # noqa: S314 — our own response, not untrusted XML
    urls: set[str] = set()
    for location in index.findall("sm:sitemap/sm:loc", SITEMAP_NS):
        path = (location.text or "").split(host, 1)[1]
        assert path.startswith("/sitemaps/")
        chunk = client.get(path, HTTP_HOST=host)
        assert chunk.status_code == 200
        root = ET.fromstring(chunk.content)  # noqa: S314 — our own response
        urls |= {loc.text or "" for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)}
    return urls


def test_the_sitemap_is_split_into_files_the_index_lists(client: Client, monkeypatch) -> None:
    from zaixian.portal.views import SiteSitemap

    make_site_tree(articles=6)  # and 2 notices, 2 channels, the home page: 11 pages
    monkeypatch.setattr(SiteSitemap, "limit", 4)

    index = client.get("/sitemap.xml").content.decode()

    assert index.count("<sitemap>") == 3
    assert client.get("/sitemaps/3.xml").status_code == 200
    assert client.get("/sitemaps/4.xml").status_code == 404
    assert len(sitemap_urls(client, "localhost")) == 11


def test_sitemap_lists_only_the_requesting_sites_live_pages(client: Client) -> None:
    city = make_site_tree(hostname="www.jcgov.example.cn", articles=2)
    farm = make_site_tree(
        title="太行农网", hostname="nongwang.example.cn", is_default_site=False, articles=1
    )
    city.articles[1].unpublish()

    city_urls = sitemap_urls(client, "www.jcgov.example.cn")
    farm_urls = sitemap_urls(client, "nongwang.example.cn")

    assert "http://www.jcgov.example.cn/" in city_urls
    assert f"http://www.jcgov.example.cn{city.articles[0].relative_url(city.site)}" in city_urls
    assert f"http://www.jcgov.example.cn{city.articles[1].relative_url(city.site)}" not in city_urls
    assert not any("nongwang" in url for url in city_urls)
    assert "http://nongwang.example.cn/" in farm_urls
    assert not any("jcgov" in url for url in farm_urls)
    assert len(farm_urls) == 1 + 2 + len(farm.articles) + len(farm.notice_articles)


def test_missing_page_gets_the_chinese_404_page(client: Client) -> None:
    make_site_tree()

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "抱歉，您访问的页面不存在" in html
    assert 'action="/search/"' in html
    assert "返回首页" in html


def test_404_page_renders_without_any_site(client: Client) -> None:
    from wagtail.models import Site

    Site.objects.all().delete()

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "抱歉，您访问的页面不存在" in response.content.decode()


def test_500_page_renders_without_request_or_database(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        html = get_template("500.html").render({})

    assert "抱歉，服务器出现了问题" in html
    assert 'action="/search/"' in html
    assert 'href="/"' in html


def test_switching_to_english_translates_the_page(client: Client) -> None:
    tree = make_site_tree(articles=1)

    response = client.get(f"/lang/en/?next={tree.news.url}")

    assert response.status_code == 302
    assert response["Location"] == tree.news.url
    html = client.get(tree.news.url).content.decode()
    assert '<html lang="en"' in html
    assert "Skip to main content" in html
    assert "RSS feed" in html
    assert "Elder mode" in html
    assert "跳到主要内容" not in html
    assert "今日晋城" in html  # content stays as written


def test_switching_back_to_chinese(client: Client) -> None:
    make_site_tree(articles=1)
    client.get("/lang/en/?next=/")

    client.get("/lang/zh-hans/?next=/")

    assert "长者模式" in client.get("/").content.decode()


def test_language_switch_ignores_offsite_next(client: Client) -> None:
    make_site_tree()

    response = client.get("/lang/en/?next=https://evil.example.com/")

    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_unknown_language_is_a_clear_404(client: Client) -> None:
    response = client.get("/lang/xx/")

    assert response.status_code == 404


def test_public_pages_carry_no_csrf_token_so_they_can_be_cached(client: Client) -> None:
    tree = make_site_tree(articles=1)

    response = client.get(tree.news.url)

    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies


def test_static_assets_are_served(client: Client) -> None:
    for path in (
        "portal/css/portal.css",
        "portal/css/print.css",
        "portal/js/portal.js",
        "portal/js/prefs.js",
        "portal/img/mark.svg",
    ):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path
