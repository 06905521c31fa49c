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
