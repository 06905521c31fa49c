"""Publishing through the real app, into a real directory: full rebuilds and the incremental
updates that Wagtail's page events trigger (the test settings run tasks at once)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from wagtail.models import Collection, Locale, Page

from zaixian.portal.models import ArticlePage
from zaixian.portal.tests.factories import make_article, make_channel, make_site_tree
from zaixian.publishing import actions

pytestmark = pytest.mark.django_db


def _site_dir(root: Path) -> Path:
    return root / "localhost"


def _read(root: Path, relative: str) -> str:
    return (_site_dir(root) / relative).read_text()


def _exists(root: Path, relative: str) -> bool:
    return (_site_dir(root) / relative).exists()


def _article_file(article: ArticlePage) -> str:
    return article.url.strip("/") + "/index.html"


def test_full_publish_writes_pages_lists_feeds_sitemap_and_compressed_copies(
    publish_root: Path,
) -> None:
    tree = make_site_tree(articles=5, per_page=2)

    result = actions.publish_site(site=tree.site, root=publish_root)

    for relative in (
        "index.html",
        "jrjc/index.html",
        "jrjc/page/2/index.html",
        "jrjc/page/3/index.html",
        "tzgg/index.html",
        _article_file(tree.articles[0]),
        f"feeds/channel/{tree.news.pk}/index.xml",
        "sitemap.xml",
        "sitemaps/1.xml",
        "robots.txt",
    ):
        assert _exists(publish_root, relative), relative
    assert not _exists(publish_root, "jrjc/page/4/index.html")
    index = (_site_dir(publish_root) / "sitemap.xml").read_text()
    assert "/sitemaps/1.xml</loc>" in index
    assert "/sitemaps/2.xml" not in index
    assert tree.articles[0].slug in (_site_dir(publish_root) / "sitemaps" / "1.xml").read_text()
    home = (_site_dir(publish_root) / "index.html").read_bytes()
    assert gzip.decompress((_site_dir(publish_root) / "index.html.gz").read_bytes()) == home
    assert brotli.decompress((_site_dir(publish_root) / "index.html.br").read_bytes()) == home
    # 7 articles, the home page, 2 channels, 2 more list pages, 2 feeds, the sitemap's index
    # and its one file, robots.txt
    assert result.written == 7 + 1 + 2 + 2 + 2 + 3
    assert os.path.islink(_site_dir(publish_root))


def test_published_page_is_what_the_app_serves_to_an_anonymous_visitor(
    publish_root: Path, client: Client
) -> None:
    tree = make_site_tree(articles=3)
    article = tree.articles[0]

    actions.publish_site(site=tree.site, root=publish_root)

    served = client.get(article.url).content
    published = (_site_dir(publish_root) / _article_file(article)).read_bytes()
    assert published == served
    assert b"csrfmiddlewaretoken" not in published
    assert article.title in published.decode()


def test_changing_an_article_rewrites_the_lists_that_show_it(publish_root: Path, commit) -> None:
    tree = make_site_tree(articles=3)
    actions.publish_site(site=tree.site, root=publish_root)
    article = tree.articles[1]
    feed = f"feeds/channel/{tree.news.pk}/index.xml"

    article.title = "晋城市政务云二期上线"
    with commit():
        article.save_revision().publish()

    for relative in (_article_file(article), "jrjc/index.html", "index.html", feed):
        assert "晋城市政务云二期上线" in _read(publish_root, relative), relative
        assert "今日晋城新闻2<" not in _read(publish_root, relative), relative
    # Its neighbours' previous/next links name it too.
    for neighbour in (tree.articles[0], tree.articles[2]):
        assert "晋城市政务云二期上线" in _read(publish_root, _article_file(neighbour))


def test_new_article_is_published_with_a_new_list_page(publish_root: Path, commit) -> None:
    tree = make_site_tree(articles=4, per_page=2)
    actions.publish_site(site=tree.site, root=publish_root)

    article = make_article(parent=tree.news, title="新发布的文章", live=False)
    with commit():
        article.save_revision().publish()
    article.refresh_from_db()

    assert "新发布的文章" in _read(publish_root, _article_file(article))
    assert "新发布的文章" in _read(publish_root, "jrjc/index.html")
    assert _exists(publish_root, "jrjc/page/3/index.html")
    assert article.url in _read(publish_root, "sitemaps/1.xml")


def test_unpublishing_removes_the_article_everywhere(publish_root: Path, commit) -> None:
    tree = make_site_tree(articles=5, per_page=2)
    actions.publish_site(site=tree.site, root=publish_root)
    article = tree.articles[0]
    url = article.url
    feed = f"feeds/channel/{tree.news.pk}/index.xml"

    with commit():
        article.unpublish()

    assert not _exists(publish_root, _article_file(article))
    for relative in ("jrjc/index.html", "index.html", feed, "sitemaps/1.xml"):
        text = _read(publish_root, relative)
        assert url not in text, relative
    # Four articles fill two list pages: the third one is gone.
    assert not _exists(publish_root, "jrjc/page/3/index.html")


def test_moving_an_article_moves_its_file(publish_root: Path, commit) -> None:
    tree = make_site_tree(articles=2)
    actions.publish_site(site=tree.site, root=publish_root)
    article = tree.articles[0]
    old_file = _article_file(article)

    with commit():
        article.move(tree.notices, pos="last-child")
    article.refresh_from_db()

    assert not _exists(publish_root, old_file)
    assert _exists(publish_root, _article_file(article))
    assert article.title in _read(publish_root, "tzgg/index.html")
    assert article.title + "<" not in _read(publish_root, "jrjc/index.html")


def test_deleting_a_channel_removes_it_and_everything_below(publish_root: Path, commit) -> None:
    tree = make_site_tree(articles=1)
    sub = make_channel(parent=tree.news, title="要闻", slug="yw", show_in_menus=False)
    make_article(parent=sub, title="要闻一")
    actions.publish_site(site=tree.site, root=publish_root)
    assert _exists(publish_root, "jrjc/yw/index.html")

    with commit():
        sub.delete()

    assert not _exists(publish_root, "jrjc/yw")
    assert not _exists(publish_root, f"feeds/channel/{sub.pk}")
    assert "要闻一" not in _read(publish_root, "jrjc/index.html")


def test_failure_halfway_leaves_the_previous_version_served(publish_root: Path) -> None:
    tree = make_site_tree(articles=3)
    actions.publish_site(site=tree.site, root=publish_root)
    served_before = os.readlink(_site_dir(publish_root))
    home_before = _read(publish_root, "index.html")
    ArticlePage.objects.filter(pk=tree.articles[0].pk).update(title="改过的标题")
    calls = []

    def fail_after_three(count: int) -> None:
        calls.append(count)
        if len(calls) == 3:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        actions.publish_site(site=tree.site, root=publish_root, progress=fail_after_three)

    assert os.readlink(_site_dir(publish_root)) == served_before
    assert _read(publish_root, "index.html") == home_before
    versions = list((publish_root / ".versions" / "localhost").iterdir())
    assert len(versions) == 1


def test_full_rebuilds_keep_the_previous_version_only(publish_root: Path) -> None:
    tree = make_site_tree(articles=1)

    for _ in range(3):
        actions.publish_site(site=tree.site, root=publish_root)

    assert len(list((publish_root / ".versions" / "localhost").iterdir())) == 2


def test_a_killed_rebuilds_half_written_version_is_not_kept(publish_root: Path) -> None:
    tree = make_site_tree(articles=1)
    actions.publish_site(site=tree.site, root=publish_root)
    served_before = (publish_root / "localhost").resolve()
    # A rebuild killed halfway (no chance to discard its version), newer than the served one.
    half_written = publish_root / ".versions" / "localhost" / "99991231-235959-000000000"
    (half_written / "jrjc").mkdir(parents=True)

    actions.publish_site(site=tree.site, root=publish_root)

    versions = set((publish_root / ".versions" / "localhost").iterdir())
    assert versions == {(publish_root / "localhost").resolve(), served_before}
    assert not half_written.exists()


def test_nothing_is_written_without_a_publish_root(settings, tmp_path: Path, commit) -> None:
    settings.STATIC_PUBLISH_ROOT = ""
    tree = make_site_tree(articles=1)

    with commit():
        tree.articles[0].save_revision().publish()

    assert actions.publish_root() is None
    assert list(tmp_path.iterdir()) == []


def test_incremental_update_of_a_site_never_published_publishes_it_in_full(
    publish_root: Path, commit
) -> None:
    tree = make_site_tree(articles=2)

    with commit():
        tree.articles[0].save_revision().publish()

    assert _exists(publish_root, "index.html")
    assert _exists(publish_root, _article_file(tree.articles[1]))


def test_sync_command_copies_the_tree(publish_root: Path, settings, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    settings.STATIC_PUBLISH_SYNC_COMMAND = f"rsync -a --delete-after {{root}}/ {mirror}/"
    tree = make_site_tree(articles=1)

    actions.publish_site(site=tree.site, root=publish_root)

    assert (mirror / "localhost" / "index.html").read_bytes() == (
        _site_dir(publish_root) / "index.html"
    ).read_bytes()


def test_failing_sync_command_is_reported(publish_root: Path, settings) -> None:
    settings.STATIC_PUBLISH_SYNC_COMMAND = "rsync -a {root}/ /nonexistent/dir/that/cannot/exist/"
    tree = make_site_tree(articles=1)

    with pytest.raises(actions.PublishError, match="sync command failed"):
        actions.publish_site(site=tree.site, root=publish_root)


def test_assets_are_copied_with_compressed_copies(publish_root: Path) -> None:
    copied = actions.publish_assets(root=publish_root)

    css = publish_root / "_assets" / "static" / "portal" / "css" / "portal.css"
    assert copied > 0
    assert css.exists()
    assert gzip.decompress(css.with_name("portal.css.gz").read_bytes()) == css.read_bytes()
    assert actions.publish_assets(root=publish_root) == 0  # nothing changed


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="forked workers need a database they can connect to (not in-memory SQLite)",
)
@pytest.mark.django_db(transaction=True)
def test_full_publish_in_two_processes_writes_the_same_tree(publish_root: Path) -> None:
    if not actions.can_fork_workers():
        pytest.skip("forked workers need a database they can connect to (not in-memory SQLite)")
    # An earlier transactional test may have flushed the tables, Wagtail's root page and root
    # collection included (a serialized rollback instead collided with rows left behind).
    if Page.get_first_root_node() is None:
        locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    tree = make_site_tree(articles=5, per_page=2)

    one = actions.publish_site(site=tree.site, root=publish_root / "one")
    two = actions.publish_site(site=tree.site, root=publish_root / "two", workers=2)

    def files(root: Path) -> dict[str, bytes]:
        base = root / "localhost"
        return {
            str(path.relative_to(base.resolve())): path.read_bytes()
            for path in base.resolve().rglob("*")
            if path.is_file()
        }

    assert two.written == one.written
    assert files(publish_root / "two") == files(publish_root / "one")
