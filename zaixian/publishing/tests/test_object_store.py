"""The object store as a publishing target, against a real S3-compatible server (OpenStack
Swift's S3 API, ``s3_server.py``): what a publish uploads, with which headers, what an
incremental change sends and deletes, and what a failed upload leaves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zaixian.portal.tests.factories import make_site_tree
from zaixian.publishing import actions, object_store, queries

pytestmark = pytest.mark.django_db
PREFIX = "www/localhost/"


def _objects(bucket) -> dict[str, int]:
    client, name = bucket
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name, Prefix=PREFIX):
        for entry in page.get("Contents", []):
            found[entry["Key"][len(PREFIX) :]] = entry["Size"]
    return found


def _served_files(root: Path) -> dict[str, int]:
    base = (root / "localhost").resolve()
    return {
        path.relative_to(base).as_posix(): path.stat().st_size
        for path in base.rglob("*")
        if path.is_file()
    }


def _head(bucket, relative: str) -> dict:
    client, name = bucket
    return client.head_object(Bucket=name, Key=PREFIX + relative)


def _article_file(article) -> str:
    return article.url.strip("/") + "/index.html"


def test_full_publish_uploads_every_served_file_with_its_headers(
    publish_root: Path, bucket
) -> None:
    tree = make_site_tree(articles=3)

    actions.publish_site(site=tree.site, root=publish_root)

    assert _objects(bucket) == _served_files(publish_root)
    page = _head(bucket, "index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "public, max-age=60"
    assert "ContentEncoding" not in page
    gzipped = _head(bucket, "index.html.gz")
    assert gzipped["ContentType"] == "text/html; charset=utf-8"
    assert gzipped["ContentEncoding"] == "gzip"
    assert _head(bucket, "index.html.br")["ContentEncoding"] == "br"
    feed = _head(bucket, f"feeds/channel/{tree.news.pk}/index.xml")
    assert feed["ContentType"] == "application/rss+xml; charset=utf-8"
    assert _head(bucket, "robots.txt")["ContentType"] == "text/plain; charset=utf-8"
    client, name = bucket
    body = client.get_object(Bucket=name, Key=PREFIX + _article_file(tree.articles[0]))
    assert (
        body["Body"].read()
        == (publish_root / "localhost" / _article_file(tree.articles[0])).read_bytes()
    )


def test_article_change_uploads_only_what_changed(
    publish_root: Path, bucket, commit, mocker
) -> None:
    tree = make_site_tree(articles=3)
    actions.publish_site(site=tree.site, root=publish_root)
    upload = mocker.spy(object_store.ObjectStore, "upload")
    article = tree.articles[1]

    article.title = "晋城市政务云二期上线"
    with commit():
        article.save_revision().publish()

    sent = {call.kwargs["relative"] for call in upload.call_args_list}
    assert _article_file(article) in sent
    assert "jrjc/index.html" in sent
    assert "robots.txt" not in sent  # unchanged
    assert _article_file(tree.notice_articles[0]) not in sent
    assert len(sent) < len(_served_files(publish_root))
    assert _objects(bucket) == _served_files(publish_root)
    client, name = bucket
    body = client.get_object(Bucket=name, Key=PREFIX + _article_file(article))["Body"].read()
    assert "晋城市政务云二期上线" in body.decode()


def test_unpublished_page_objects_are_deleted(publish_root: Path, bucket, commit) -> None:
    tree = make_site_tree(articles=3)
    actions.publish_site(site=tree.site, root=publish_root)
    article = tree.articles[0]
    gone = _article_file(article)
    assert gone in _objects(bucket)

    with commit():
        article.unpublish()

    objects = _objects(bucket)
    assert not any(key.startswith(gone.removesuffix("index.html")) for key in objects)
    assert objects == _served_files(publish_root)


def test_failing_upload_raises_publish_error_and_leaves_the_local_tree_served(
    publish_root: Path, bucket
) -> None:
    from zaixian.publishing.tests.s3_server import MAX_FILE_SIZE

    tree = make_site_tree(articles=2)
    actions.publish_site(site=tree.site, root=publish_root)
    served = os.readlink(publish_root / "localhost")
    # A file the store refuses (larger than it accepts), beside the pages.
    (publish_root / "localhost" / "report.bin").write_bytes(os.urandom(MAX_FILE_SIZE + 1))
    article = tree.articles[0]
    article.title = "改过的标题"
    article.save_revision().publish()  # the task would log the error; call its action

    with pytest.raises(actions.PublishError, match="EntityTooLarge"):
        actions.publish_changes(
            changes=[queries.page_change(page=article, gone=False)], root=publish_root
        )

    assert os.readlink(publish_root / "localhost") == served
    assert "改过的标题" in (publish_root / "localhost" / _article_file(article)).read_text()
    assert "report.bin" not in _objects(bucket)


def test_full_publish_uploads_the_assets_with_long_cache_lifetimes(
    publish_root: Path, bucket
) -> None:
    actions.publish_assets(root=publish_root)

    actions.sync_tree(root=publish_root, full=True)

    client, name = bucket
    css = client.head_object(Bucket=name, Key="www/_assets/static/portal/css/portal.css")
    assert css["ContentType"] == "text/css; charset=utf-8"
    assert css["CacheControl"] == "public, max-age=604800"


def test_bad_object_store_setting_is_a_clear_publish_error(publish_root: Path, settings) -> None:
    settings.STATIC_PUBLISH_OBJECT_STORE = "oss-cn-hangzhou.aliyuncs.com"
    tree = make_site_tree(articles=1)

    with pytest.raises(actions.PublishError, match="STATIC_PUBLISH_OBJECT_STORE"):
        actions.publish_site(site=tree.site, root=publish_root)


def test_renamed_site_old_host_objects_are_deleted(publish_root: Path, bucket, commit) -> None:
    tree = make_site_tree(articles=1)
    actions.publish_site(site=tree.site, root=publish_root)
    assert _objects(bucket)

    tree.site.hostname = "www.jincheng.gov.cn"
    with commit():
        tree.site.save()

    client, name = bucket
    listing = client.list_objects_v2(Bucket=name, Prefix="www/")
    keys = [entry["Key"] for entry in listing.get("Contents", [])]
    assert keys
    assert all(key.startswith("www/www.jincheng.gov.cn/") for key in keys)


def test_publish_command_uploads_and_reports_each_host_and_the_assets(
    publish_root: Path, bucket
) -> None:
    from io import StringIO

    from django.core.management import call_command

    make_site_tree(articles=1)
    out = StringIO()

    call_command("publish_static", "--all", stdout=out, verbosity=0)

    report = out.getvalue()
    lines = report.splitlines()
    assert any(line.startswith("localhost") and "33" in line for line in lines), report
    assert any(line.startswith("_assets") for line in lines), report
    assert _objects(bucket) == _served_files(publish_root)
