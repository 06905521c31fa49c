"""Pure rules of static publishing: where a URL's file lives in the static tree, which
responses may be published, and how files are compressed. No ORM, no file system."""

from __future__ import annotations

import gzip
import re
from pathlib import PurePosixPath

import brotli

# A page (a URL ending in "/") is a directory with this file; nginx serves it for the URL.
PAGE_FILE = "index.html"
# An RSS feed (/feeds/channel/<id>/) gets its own name so nginx can give it its media type.
FEED_FILE = "index.xml"
FEED_PREFIX = "/feeds/"
# Below the tree's root: the assets (STATIC_URL's files), the versions of each site's tree,
# locks, and removed files on their way out. None of these is a valid host name.
ASSETS_DIR = "_assets"
VERSIONS_DIR = ".versions"
LOCKS_DIR = ".locks"
TRASH_DIR = ".trash"
# Full rebuilds kept per site: the one served and the one before (to switch back by hand).
KEEP_VERSIONS = 2

GZIP_LEVEL = 6
# Brotli quality 5 compresses HTML better than gzip -9 at a fraction of quality 11's time;
# a full rebuild writes hundreds of thousands of files.
BROTLI_QUALITY = 5
COMPRESSED_SUFFIXES = (".gz", ".br")
COMPRESSIBLE = frozenset(
    {".html", ".xml", ".txt", ".css", ".js", ".mjs", ".svg", ".json", ".map", ".ico"}
)

# The CSRF field in a form: a page that has one is for one visitor and stays on the app.
CSRF_FORM_MARKER = b'name="csrfmiddlewaretoken"'
HTTP_OK = 200

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
PAGE_LIST_SEGMENT = "page"


class UnsafePathError(ValueError):
    """A URL path that cannot be a file of the static tree (it could leave the tree)."""


def is_valid_hostname(hostname: str) -> bool:
    """A host name that can name a directory of the tree (and an nginx server_name)."""
    return bool(HOSTNAME.match(hostname))


def _segments(url_path: str) -> list[str]:
    if not url_path.startswith("/") or "\x00" in url_path or "\\" in url_path:
        raise UnsafePathError(url_path)
    segments = [segment for segment in url_path.split("/") if segment]
    for segment in segments:
        if segment in (".", "..") or segment.startswith("."):
            raise UnsafePathError(url_path)
    return segments


def file_for_url(url_path: str) -> PurePosixPath:
    """The file, relative to a site's tree, that holds a URL: ``/a/b/`` → ``a/b/index.html``,
    ``/feeds/channel/3/`` → ``feeds/channel/3/index.xml``, ``/robots.txt`` → ``robots.txt``."""
    segments = _segments(url_path)
    if url_path.endswith("/"):
        name = FEED_FILE if url_path.startswith(FEED_PREFIX) else PAGE_FILE
        return PurePosixPath(*segments, name)
    if not segments:
        raise UnsafePathError(url_path)
    return PurePosixPath(*segments)


def directory_for_url(url_path: str) -> PurePosixPath | None:
    """The directory of a page URL and everything below it (``/a/b/`` → ``a/b``); None for
    the site root or a URL that is a plain file."""
    segments = _segments(url_path)
    if not url_path.endswith("/") or not segments:
        return None
    return PurePosixPath(*segments)


def list_page_url(channel_url: str, number: int) -> str:
    """The URL of a channel's ``number``-th page of articles (the portal's path style)."""
    return channel_url if number == 1 else f"{channel_url}{PAGE_LIST_SEGMENT}/{number}/"


def list_page_count(*, items: int, per_page: int) -> int:
    """How many pages a list of ``items`` has (at least one, as the portal shows)."""
    per_page = max(per_page, 1)
    return max(1, -(-items // per_page))


def is_publishable(*, status: int, sets_cookies: bool, cache_control: str, content: bytes) -> bool:
    """Whether a response may become a static file: a plain, public, successful page, the
    same for every visitor (no cookie, no CSRF token, not private) — the portal page
    cache's rule."""
    if status != HTTP_OK or sets_cookies:
        return False
    if any(word in cache_control.lower() for word in ("private", "no-cache", "no-store")):
        return False
    return CSRF_FORM_MARKER not in content


def is_compressible(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in COMPRESSIBLE


def compressed_copies(content: bytes) -> dict[str, bytes]:
    """The precompressed copies nginx serves instead of the file (``gzip_static``,
    ``brotli_static``), by suffix. ``mtime=0`` keeps gzip output the same for the same page."""
    return {
        ".gz": gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0),
        ".br": brotli.compress(content, quality=BROTLI_QUALITY),
    }


def tree_path_prefixes(path: str, *, steplen: int = 4) -> list[str]:
    """The materialised paths of a page's ancestors (treebeard's ``path``), root first."""
    return [path[:end] for end in range(steplen, len(path), steplen)]
