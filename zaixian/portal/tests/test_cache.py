"""The page cache for anonymous visitors: hits, bypasses, and invalidation on publish,
unpublish, move and delete; with the local-memory cache and with a real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from zaixian.portal import actions, queries
from zaixian.portal.cache import _is_storable
from zaixian.portal.models import ArticlePage, ChannelPage

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_a(site_a, client):
    """The portal site, after checking that its public pages can be cached at all: a page
    that carries a CSRF token (e.g. a POST form in the shared layout) is rightly never
    cached, which would make every hit test below fail for that one reason."""
    response = client.get("/")
    if settings.CSRF_COOKIE_NAME in response.cookies:
        pytest.fail(
            "Public pages carry a CSRF token, so the page cache must refuse them all: the "
            "layout's forms (the language switch in portal/includes/topbar.html) must not use "
            "{% csrf_token %}; make set_language csrf-exempt in zaixian/urls.py instead."
        )
    cache.clear()
    return site_a


def publish_article(*, parent, title: str, slug: str = "article") -> ArticlePage:
    article = ArticlePage(title=title, slug=slug, body="<p>正文内容。</p>", live=False)
    parent.add_child(instance=article)
    article.save_revision().publish()
    article.refresh_from_db()
    return article


def url_of(page, site) -> str:
    return page.relative_url(site.site)


def retitle_and_publish(page: ArticlePage, title: str) -> None:
    page.title = title
    page.save_revision().publish()


# --- Hits and bypasses -------------------------------------------------------------------


def test_second_anonymous_request_is_a_hit(client, site_a):
    article = publish_article(parent=site_a.channel, title="晋城市政务公开工作要点")
    url = url_of(article, site_a)

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200
    assert first["X-Cache"] == "MISS"
    assert second.status_code == 200
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert "晋城市政务公开工作要点" in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]


def test_head_request_is_answered_from_the_cache(client, site_a):
    url = url_of(site_a.channel, site_a)
    client.get(url)

    response = client.head(url)

    assert response["X-Cache"] == "HIT"


def test_logged_in_request_bypasses_the_cache(client, site_a):
    article = publish_article(parent=site_a.channel, title="原标题")
    url = url_of(article, site_a)
    client.get(url)
    client.force_login(site_a.editor)

    response = client.get(url)

    assert response.status_code == 200
    assert "X-Cache" not in response


def test_logged_in_request_does_not_fill_the_cache(client, site_a):
    url = url_of(site_a.channel, site_a)
    client.force_login(site_a.editor)
    client.get(url)
    client.logout()

    response = client.get(url)

    assert response["X-Cache"] == "MISS"


def test_query_strings_other_than_page_bypass_the_cache(client, site_a):
    url = url_of(site_a.channel, site_a)
    client.get(url + "?utm_source=weixin")

    response = client.get(url + "?utm_source=weixin")

    assert "X-Cache" not in response


@pytest.mark.parametrize("page", ["abc", "0", "1%00", "9" * 20, "-1"])
def test_malformed_page_numbers_bypass_the_cache_without_error(client, site_a, page):
    url = url_of(site_a.channel, site_a)

    response = client.get(url, {"page": page})

    assert response.status_code < 500
    assert "X-Cache" not in response


def test_each_page_number_is_cached_apart(client, site_a):
    url = url_of(site_a.channel, site_a)
    client.get(url, {"page": "1"})

    second_page = client.get(url, {"page": "2"})
    first_page = client.get(url, {"page": "1"})

    assert second_page["X-Cache"] == "MISS"
    assert first_page["X-Cache"] == "HIT"


def test_each_language_is_cached_apart(client, site_a):
    url = url_of(site_a.channel, site_a)
    client.get(url)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    chinese = client.get(url)

    assert english["X-Cache"] == "MISS"
    assert english["Content-Language"] == "en"
    assert chinese["X-Cache"] == "HIT"
    assert chinese["Content-Language"] == "zh-hans"


def test_accept_language_does_not_split_the_cache(client, site_a):
    url = url_of(site_a.channel, site_a)
    client.get(url)

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response["X-Cache"] == "HIT"
    assert response["Content-Language"] == "zh-hans"


def test_not_found_is_never_cached(client, site_a):
    client.get("/no-such-page/")

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response.get("X-Cache") != "HIT"


def test_each_site_is_cached_under_its_own_host(client, site_a, site_b):
    client.get("/", HTTP_HOST="localhost")

    other = client.get("/", HTTP_HOST="nw.localhost")

    assert other["X-Cache"] == "MISS"
    assert "太行农网" in other.content.decode()


def test_disallowed_host_is_not_a_server_error(client, site_a):
    with override_settings(ALLOWED_HOSTS=["localhost"]):
        response = client.get("/", HTTP_HOST="evil.example.com")

    assert response.status_code == 400


def test_the_cache_is_off_when_its_ttl_is_zero(client, site_a):
    with override_settings(PORTAL_PAGE_CACHE_SECONDS=0):
        client.get("/")
        response = client.get("/")

    assert "X-Cache" not in response


@pytest.mark.parametrize(
    "make_response",
    [
        pytest.param(lambda: HttpResponse("x", status=404), id="not-200"),
        pytest.param(lambda: _with_cookie(HttpResponse("x")), id="sets-cookie"),
        pytest.param(
            lambda: HttpResponse('<input name="csrfmiddlewaretoken" value="t">'), id="csrf-form"
        ),
        pytest.param(
            lambda: _with_header(HttpResponse("x"), "Cache-Control", "private"), id="private"
        ),
    ],
)
def test_responses_for_one_visitor_are_not_storable(make_response):
    request = RequestFactory().get("/")

    assert not _is_storable(request, make_response())


def test_a_page_that_used_the_csrf_token_is_not_storable():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True

    assert not _is_storable(request, HttpResponse("x"))


def test_a_plain_page_is_storable():
    assert _is_storable(RequestFactory().get("/"), HttpResponse("<p>公开内容</p>"))


def _with_cookie(response: HttpResponse) -> HttpResponse:
    response.set_cookie("csrftoken", "abc")
    return response


def _with_header(response: HttpResponse, name: str, value: str) -> HttpResponse:
    response[name] = value
    return response


# --- Invalidation ------------------------------------------------------------------------


def test_publish_shows_the_new_title_at_once(client, site_a):
    article = publish_article(parent=site_a.channel, title="旧标题")
    url = url_of(article, site_a)
    channel_url = url_of(site_a.channel, site_a)
    client.get(url)
    client.get(channel_url)
    assert client.get(url)["X-Cache"] == "HIT"

    retitle_and_publish(article, "新标题")

    page = client.get(url)
    listing = client.get(channel_url)
    assert page["X-Cache"] == "MISS"
    assert "新标题" in page.content.decode()
    assert "旧标题" not in page.content.decode()
    assert listing["X-Cache"] == "MISS"


def test_a_new_article_shows_in_its_channel_at_once(client, site_a):
    channel_url = url_of(site_a.channel, site_a)
    client.get(channel_url)

    publish_article(parent=site_a.channel, title="刚刚发布的新闻")

    assert "刚刚发布的新闻" in client.get(channel_url).content.decode()


def test_unpublish_removes_the_page_at_once(client, site_a):
    article = publish_article(parent=site_a.channel, title="将被撤下的信息")
    url = url_of(article, site_a)
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"

    article.unpublish()

    assert client.get(url).status_code == 404


def test_delete_removes_the_page_at_once(client, site_a):
    article = publish_article(parent=site_a.channel, title="将被删除的信息")
    url = url_of(article, site_a)
    client.get(url)

    article.delete()

    assert client.get(url).status_code == 404


def test_move_invalidates_the_old_and_the_new_place(client, site_a):
    article = publish_article(parent=site_a.channel, title="移动的信息")
    other_channel = site_a.home.add_child(
        instance=ChannelPage(title="通知公告", slug="notices", live=True)
    )
    old_url = url_of(article, site_a)
    client.get(old_url)

    article.move(other_channel, pos="last-child")

    article.refresh_from_db()
    old = client.get(old_url)
    # Wagtail leaves a redirect at the old address; the stale page is not served.
    assert old.status_code == 301
    assert old.url == url_of(article, site_a)
    assert client.get(url_of(article, site_a)).status_code == 200


def test_publishing_in_one_site_keeps_the_other_sites_cache(client, site_a, site_b):
    client.get("/", HTTP_HOST="localhost")

    publish_article(parent=site_b.channel, title="农网新闻")

    assert client.get("/", HTTP_HOST="localhost")["X-Cache"] == "HIT"
    assert client.get("/", HTTP_HOST="nw.localhost")["X-Cache"] == "MISS"


def test_footer_change_invalidates_its_site(client, site_a):
    from zaixian.portal.models import SiteFooterSettings

    client.get("/")
    footer = SiteFooterSettings.for_site(site_a.site)

    footer.phone = "0356-12345"
    footer.save()

    assert client.get("/")["X-Cache"] == "MISS"


def test_invalidation_survives_a_lost_generation_key(site_a):
    before = queries.page_cache_generation(site_id=site_a.site.pk)
    cache.clear()

    actions.invalidate_page_cache(site_id=site_a.site.pk)

    assert queries.page_cache_generation(site_id=site_a.site.pk) != before


# --- With a real Redis -------------------------------------------------------------------


@pytest.fixture
def redis_cache(redis_url):
    """Django's Redis cache on the test Redis database, under a prefix of this test alone."""
    prefix = f"zaixian-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches):
        yield {"url": redis_url, "prefix": prefix}
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.mark.redis
def test_redis_second_request_is_a_hit_and_publish_invalidates(client, site_a, redis_cache):
    import redis

    article = publish_article(parent=site_a.channel, title="旧标题")
    url = url_of(article, site_a)

    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"
    stored = list(redis.Redis.from_url(redis_cache["url"]).scan_iter(f"{redis_cache['prefix']}:*"))
    assert any(b"portal:page:" in key for key in stored)

    retitle_and_publish(article, "新标题")

    page = client.get(url)
    assert page["X-Cache"] == "MISS"
    assert "新标题" in page.content.decode()


@pytest.mark.redis
def test_redis_logged_in_bypasses_and_unpublish_invalidates(client, site_a, redis_cache):
    article = publish_article(parent=site_a.channel, title="将被撤下的信息")
    url = url_of(article, site_a)
    client.get(url)
    client.force_login(site_a.editor)
    assert "X-Cache" not in client.get(url)
    client.logout()
    assert client.get(url)["X-Cache"] == "HIT"

    article.unpublish()

    assert client.get(url).status_code == 404


@pytest.mark.redis
def test_redis_invalidation_from_another_process_is_seen(client, site_a, redis_cache):
    url = url_of(site_a.channel, site_a)
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zaixian.settings.base",
        "SECRET_KEY": "another-process",
        "REDIS_URL": redis_cache["url"],
        "CACHE_KEY_PREFIX": redis_cache["prefix"],
    }

    subprocess.run(
        [
            sys.executable,
            str(BASE_DIR / "manage.py"),
            "shell",
            "-c",
            "from zaixian.portal import actions; "
            f"actions.invalidate_page_cache(site_id={site_a.site.pk})",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )

    assert client.get(url)["X-Cache"] == "MISS"


def test_public_pages_carry_no_csrf_token(client, site_a):
    response = client.get("/")

    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert b"csrfmiddlewaretoken" not in response.content
