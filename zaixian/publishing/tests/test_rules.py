from __future__ import annotations

import gzip

import brotli
import pytest

from zaixian.publishing import rules


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "index.html"),
        ("/jrjc/", "jrjc/index.html"),
        ("/jrjc/page/2/", "jrjc/page/2/index.html"),
        ("/zwgk/政策文件/", "zwgk/政策文件/index.html"),
        ("/feeds/channel/12/", "feeds/channel/12/index.xml"),
        ("/sitemap.xml", "sitemap.xml"),
        ("/robots.txt", "robots.txt"),
    ],
)
def test_file_for_url(url: str, expected: str) -> None:
    assert str(rules.file_for_url(url)) == expected


@pytest.mark.parametrize(
    "url", ["", "jrjc/", "/../etc/", "/a/../../b/", "/.versions/x/", "/a\\b/", "/a\x00/"]
)
def test_file_for_url_refuses_paths_that_leave_the_tree(url: str) -> None:
    with pytest.raises(rules.UnsafePathError):
        rules.file_for_url(url)


def test_directory_for_url_is_none_for_the_root_and_plain_files() -> None:
    assert rules.directory_for_url("/") is None
    assert rules.directory_for_url("/sitemap.xml") is None
    assert str(rules.directory_for_url("/jrjc/a/")) == "jrjc/a"


@pytest.mark.parametrize(
    ("items", "per_page", "pages"), [(0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2), (5, 0, 5)]
)
def test_list_page_count(items: int, per_page: int, pages: int) -> None:
    assert rules.list_page_count(items=items, per_page=per_page) == pages


def test_list_page_url_first_page_is_the_channel() -> None:
    assert rules.list_page_url("/jrjc/", 1) == "/jrjc/"
    assert rules.list_page_url("/jrjc/", 3) == "/jrjc/page/3/"


@pytest.mark.parametrize(
    ("status", "cookies", "cache_control", "content", "expected"),
    [
        (200, False, "", b"<p>ok</p>", True),
        (404, False, "", b"", False),
        (200, True, "", b"<p>ok</p>", False),
        (200, False, "private", b"<p>ok</p>", False),
        (200, False, "", b'<input name="csrfmiddlewaretoken" value="x">', False),
    ],
)
def test_is_publishable(
    status: int, cookies: bool, cache_control: str, content: bytes, expected: bool
) -> None:
    assert (
        rules.is_publishable(
            status=status, sets_cookies=cookies, cache_control=cache_control, content=content
        )
        is expected
    )


def test_compressed_copies_decompress_to_the_original() -> None:
    content = "<p>晋城在线</p>".encode() * 100

    copies = rules.compressed_copies(content)

    assert gzip.decompress(copies[".gz"]) == content
    assert brotli.decompress(copies[".br"]) == content


@pytest.mark.parametrize(
    ("hostname", "valid"),
    [
        ("localhost", True),
        ("wjw.localhost", True),
        ("127.0.0.1", True),
        ("..", False),
        ("a/b", False),
        ("_assets", False),
    ],
)
def test_is_valid_hostname(hostname: str, valid: bool) -> None:
    assert rules.is_valid_hostname(hostname) is valid


@pytest.mark.parametrize(
    ("url", "endpoint", "bucket", "prefix", "addressing"),
    [
        (
            "https://oss-cn-hangzhou.aliyuncs.com/zaixian-public?addressing=virtual",
            "https://oss-cn-hangzhou.aliyuncs.com",
            "zaixian-public",
            "",
            "virtual",
        ),
        ("http://127.0.0.1:9000/public/www/", "http://127.0.0.1:9000", "public", "www/", "auto"),
        (
            "https://obs.example.cn/b/a/b?addressing=path",
            "https://obs.example.cn",
            "b",
            "a/b/",
            "path",
        ),
    ],
)
def test_object_store_url_names_endpoint_bucket_and_prefix(
    url: str, endpoint: str, bucket: str, prefix: str, addressing: str
) -> None:
    target = rules.parse_object_store_url(url)

    assert (target.endpoint_url, target.bucket, target.prefix, target.addressing_style) == (
        endpoint,
        bucket,
        prefix,
        addressing,
    )


@pytest.mark.parametrize(
    "url",
    [
        "oss-cn-hangzhou.aliyuncs.com/b",
        "https://host.example/",
        "s3://b/p",
        "https://h/b/../x",
        "https://h/b?addressing=sideways",
    ],
)
def test_object_store_url_without_endpoint_or_bucket_is_refused(url: str) -> None:
    with pytest.raises(rules.ObjectStoreURLError):
        rules.parse_object_store_url(url)


@pytest.mark.parametrize(
    ("relative", "is_asset", "content_type", "encoding", "cache_control"),
    [
        ("index.html", False, "text/html; charset=utf-8", None, "public, max-age=60"),
        ("a/index.html.gz", False, "text/html; charset=utf-8", "gzip", "public, max-age=60"),
        ("a/index.html.br", False, "text/html; charset=utf-8", "br", "public, max-age=60"),
        (
            "feeds/channel/3/index.xml",
            False,
            "application/rss+xml; charset=utf-8",
            None,
            "public, max-age=60",
        ),
        ("sitemap.xml", False, "application/xml; charset=utf-8", None, "public, max-age=60"),
        (
            "static/portal/css/portal.css",
            True,
            "text/css; charset=utf-8",
            None,
            "public, max-age=604800",
        ),
        (
            "static/portal/js/portal.0123456789ab.js.gz",
            True,
            "text/javascript; charset=utf-8",
            "gzip",
            "public, max-age=31536000, immutable",
        ),
        ("static/img/logo.png", True, "image/png", None, "public, max-age=604800"),
    ],
)
def test_object_headers_serve_a_file_as_nginx_does(
    relative: str, is_asset: bool, content_type: str, encoding: str | None, cache_control: str
) -> None:
    headers = rules.object_headers(relative, is_asset=is_asset)

    assert headers["ContentType"] == content_type
    assert headers.get("ContentEncoding") == encoding
    assert headers["CacheControl"] == cache_control


def test_objects_to_sync_sends_changes_compressed_copies_first_and_deletes_the_gone() -> None:
    same = rules.StoredFile(size=3, md5="a")
    local = {"a.html": same, "b.html": rules.StoredFile(size=3, md5="b"), "b.html.gz": same}
    remote = {"a.html": same, "b.html": rules.StoredFile(size=3, md5="old"), "c.html": same}

    upload, delete = rules.objects_to_sync(local=local, remote=remote)

    assert upload == ["b.html.gz", "b.html"]
    assert delete == ["c.html"]


def test_multipart_etag_is_no_md5() -> None:
    assert (
        rules.etag_md5('"9B2CF535F27731C974343645A3985328"') == "9b2cf535f27731c974343645a3985328"
    )
    assert rules.etag_md5('"d41d8cd98f00b204e9800998ecf8427e-3"') == ""
