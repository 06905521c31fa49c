"""Pure rules of static publishing: where a URL's file lives in the static tree, which
responses may be published, and how files are compressed. No ORM, no file system."""

from __future__ import annotations

import gzip
import mimetypes
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

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
# What was last uploaded to the object store, per host (``object_store``).
OBJECT_STORE_DIR = ".object-store"

# The sitemap's files (``/sitemaps/<n>.xml``), listed by ``/sitemap.xml``.
SITEMAPS_DIR = "sitemaps"

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


# --- The object store (an S3-compatible bucket as the front end's origin) -------------------

# The cache lifetimes nginx gives the same files (docs/nginx/zaixian.conf): pages and feeds a
# minute, assets a week, assets with a content hash in their name a year.
PAGE_CACHE_CONTROL = "public, max-age=60"
ASSET_CACHE_CONTROL = "public, max-age=604800"
HASHED_ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
CONTENT_ENCODINGS = {".gz": "gzip", ".br": "br"}
# The types of the tree's files, as nginx's table has them (Python's depends on the machine's
# /etc/mime.types); other files fall back to Python's guess.
CONTENT_TYPES = {
    ".html": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}
TEXT_TYPES = ("text/", "application/xml", "application/rss+xml", "application/json")
ADDRESSING_STYLES = ("path", "virtual", "auto")


class ObjectStoreURLError(ValueError):
    """``STATIC_PUBLISH_OBJECT_STORE`` does not name an endpoint and a bucket."""


@dataclass(frozen=True)
class ObjectStoreTarget:
    """Where the tree goes: ``<endpoint>/<bucket>/<prefix><host>/<path>``."""

    endpoint_url: str
    bucket: str
    prefix: str = ""
    region: str = ""
    addressing_style: str = "auto"

    @property
    def identity(self) -> str:
        """What a manifest of uploaded files is valid for."""
        return f"{self.endpoint_url}/{self.bucket}/{self.prefix}"


def parse_object_store_url(url: str) -> ObjectStoreTarget:
    """``https://oss-cn-hangzhou.aliyuncs.com/zaixian-public/www?addressing=virtual&region=…``
    → endpoint ``https://oss-cn-hangzhou.aliyuncs.com``, bucket ``zaixian-public``, key prefix
    ``www/``. Aliyun OSS and Tencent COS want ``addressing=virtual``; MinIO and other stores
    on an IP address or one host name, ``path``."""
    parts = urlsplit(url.strip())
    segments = [segment for segment in parts.path.split("/") if segment]
    if parts.scheme not in ("http", "https") or not parts.netloc or not segments:
        raise ObjectStoreURLError(url)
    if any(segment in (".", "..") for segment in segments):
        raise ObjectStoreURLError(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    addressing = query.get("addressing", "auto")
    if addressing not in ADDRESSING_STYLES:
        raise ObjectStoreURLError(url)
    prefix = "".join(f"{segment}/" for segment in segments[1:])
    return ObjectStoreTarget(
        endpoint_url=f"{parts.scheme}://{parts.netloc}",
        bucket=segments[0],
        prefix=prefix,
        region=query.get("region", ""),
        addressing_style=addressing,
    )


def object_key(target: ObjectStoreTarget, top: str, relative: str) -> str:
    """The key of a file of the tree: ``top`` is a host name or ``ASSETS_DIR``."""
    return f"{target.prefix}{top}/{relative}"


def object_headers(relative: str, *, is_asset: bool) -> dict[str, str]:
    """The metadata an object gets so that the store serves it as nginx serves the file:
    its type (a ``.gz``/``.br`` copy has the plain file's type and a ``Content-Encoding``)
    and its cache lifetime."""
    path = PurePosixPath(relative)
    encoding = CONTENT_ENCODINGS.get(path.suffix)
    plain = path.with_suffix("") if encoding else path
    if plain.name == FEED_FILE and not is_asset and plain.parts[:1] == (FEED_PREFIX.strip("/"),):
        content_type = "application/rss+xml"
    else:
        content_type = (
            CONTENT_TYPES.get(plain.suffix.lower())
            or mimetypes.guess_type(plain.name, strict=False)[0]
            or "application/octet-stream"
        )
    if content_type.startswith(TEXT_TYPES):
        content_type += "; charset=utf-8"
    if not is_asset:
        cache_control = PAGE_CACHE_CONTROL
    elif HASHED_NAME.search(plain.name):
        cache_control = HASHED_ASSET_CACHE_CONTROL
    else:
        cache_control = ASSET_CACHE_CONTROL
    headers = {"ContentType": content_type, "CacheControl": cache_control}
    if encoding:
        headers["ContentEncoding"] = encoding
    return headers


@dataclass(frozen=True)
class StoredFile:
    """A file as the store (or the manifest of what was uploaded) knows it."""

    size: int
    md5: str


def objects_to_sync(
    *, local: dict[str, StoredFile], remote: dict[str, StoredFile]
) -> tuple[list[str], list[str]]:
    """The files to upload (new or different) and the keys to delete (gone), both sorted;
    compressed copies are uploaded before their plain file, as the tree writes them."""
    upload = [name for name, stored in local.items() if remote.get(name) != stored]
    upload.sort(key=lambda name: (not name.endswith(COMPRESSED_SUFFIXES), name))
    delete = sorted(name for name in remote if name not in local)
    return upload, delete


def etag_md5(etag: str) -> str:
    """The MD5 in a listing's ETag; empty for a multipart upload's ETag (``"…-3"``), which is
    not one and so never matches a local file."""
    value = etag.strip('"').lower()
    return "" if "-" in value else value
