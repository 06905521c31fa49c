"""Reads of static publishing: which sites and URLs make up a site's static tree, and which of
them a change of one page touches."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, Site

from zaixian.portal import queries as portal_queries
from zaixian.portal.models import ArticlePage, ChannelPage
from zaixian.publishing import rules


def all_sites() -> list[Site]:
    return list(Site.objects.select_related("root_page").order_by("hostname", "port"))


def hostnames_in_use() -> set[str]:
    """The host names of every site (each has one tree, whatever its ports)."""
    return set(Site.objects.values_list("hostname", flat=True))


def site_hostname(*, site_id: int) -> str:
    """A site's host name as stored (before a save changes it); empty if there is none."""
    return Site.objects.filter(pk=site_id).values_list("hostname", flat=True).first() or ""


def site_for_host(host: str) -> Site | None:
    """A site by ``hostname`` or ``hostname:port`` (as ``zaixian publish --site`` takes it)."""
    hostname, _sep, port = host.strip().lower().partition(":")
    sites = Site.objects.select_related("root_page").filter(hostname=hostname)
    if port:
        if not port.isdigit():
            return None
        sites = sites.filter(port=int(port))
    return sites.order_by("-is_default_site", "port").first()


def sites_holding(*, path: str) -> list[Site]:
    """The sites whose page tree holds a page with this (treebeard) path."""
    return [site for site in all_sites() if path.startswith(site.root_page.path)]


def site_url(*, site: Site, url_path: str) -> str:
    """A page's URL within a site, from its Wagtail ``url_path`` (which starts with the
    site root's own)."""
    return url_path[len(site.root_page.url_path) - 1 :]


def _public_pages_below(page: Page, *, inclusive: bool) -> Any:
    return Page.objects.live().public().descendant_of(page, inclusive=inclusive)


def channel_urls(*, site: Site, channel: ChannelPage) -> list[str]:
    """A channel's list pages (``/channel/``, ``/channel/page/2/`` …) and its RSS feed."""
    base = site_url(site=site, url_path=channel.url_path)
    count = portal_queries.channel_articles(channel=channel).count()
    pages = rules.list_page_count(items=count, per_page=channel.per_page)
    lists = [rules.list_page_url(base, number) for number in range(1, pages + 1)]
    return [*lists, reverse("portal:channel_feed", args=[channel.pk])]


def site_extras() -> list[str]:
    """The site-wide files besides pages: its sitemap and robots.txt."""
    return [reverse("sitemap"), reverse("portal:robots_txt")]


def subtree_urls(*, site: Site, page: Page, inclusive: bool = True) -> list[str]:
    """Every URL of the pages at and below ``page`` in a site: the pages, each channel's further
    list pages and feed."""
    urls = [
        site_url(site=site, url_path=url_path)
        for url_path in _public_pages_below(page, inclusive=inclusive)
        .order_by("path")
        .values_list("url_path", flat=True)
    ]
    channels = ChannelPage.objects.live().public().descendant_of(page, inclusive=inclusive)
    for channel in channels.order_by("path"):
        urls.extend(channel_urls(site=site, channel=channel)[1:])
    return urls


def sitemap_files(*, site: Site) -> list[str]:
    """The files of a site's sitemap (``/sitemaps/<n>.xml``, ``SITEMAP_CHUNK`` pages each),
    which the index ``/sitemap.xml`` lists."""
    count = _public_pages_below(site.root_page, inclusive=True).count()
    files = max(1, math.ceil(count / portal_queries.SITEMAP_CHUNK))
    return [reverse("sitemap_chunk", args=[number]) for number in range(1, files + 1)]


def site_urls(*, site: Site) -> list[str]:
    """Every URL of a site's static tree, home page first."""
    return [
        *subtree_urls(site=site, page=site.root_page),
        *site_extras(),
        *sitemap_files(site=site),
    ]


# --- Incremental publishing -------------------------------------------------------------------


@dataclass(frozen=True)
class PageChange:
    """One page event, as recorded when it happened (a background task reads it later, when
    the page may have moved or be gone). ``gone``: the page left ``url_path`` (unpublished,
    deleted, moved or renamed away)."""

    page_id: int
    path: str
    url_path: str
    gone: bool = False
    publish_time: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "page_id": self.page_id,
            "path": self.path,
            "url_path": self.url_path,
            "gone": self.gone,
            "publish_time": self.publish_time,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageChange:
        return cls(
            page_id=int(data["page_id"]),
            path=str(data["path"]),
            url_path=str(data["url_path"]),
            gone=bool(data.get("gone")),
            publish_time=str(data.get("publish_time") or ""),
        )


@dataclass
class ChangePlan:
    """What a set of changes means for one site's tree. ``render`` is in order of urgency:
    the pages themselves, then the first page of each list, feeds, neighbours and related
    articles, the sitemap's index; ``later``: the further list pages and whole subtrees (many
    pages, rewritten in smaller background tasks after the urgent ones); ``sitemaps``: the
    sitemap's files (each slower than a page: one background task apiece).
    ``remove``: URLs whose directory (the page and all below it) leaves the tree.
    ``lists``: each touched channel's URL and its number of list pages now, so that the list
    pages beyond it are removed. ``full``: the change shows on every page of the site (the
    main navigation), so the whole site is rebuilt instead."""

    render: list[str] = field(default_factory=list)
    later: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    lists: dict[str, int] = field(default_factory=dict)
    full: bool = False

    def add(self, urls: Iterable[str]) -> None:
        for url in urls:
            if url not in self._seen:
                self._seen.add(url)
                self.render.append(url)

    def __post_init__(self) -> None:
        self._seen: set[str] = set()


def _neighbour_articles(*, parent_path: str, change: PageChange) -> list[ArticlePage]:
    """The live articles just newer and just older than the changed one among its siblings:
    their "previous/next" links name it."""
    when = parse_datetime(change.publish_time) if change.publish_time else None
    if when is None:
        return []
    parent = Page.objects.filter(path=parent_path).first()
    if parent is None:
        return []
    siblings = (
        ArticlePage.objects.live().public().child_of(parent).exclude(pk=change.page_id).only("pk")
    )
    newer = (
        siblings.filter(Q(publish_time__gt=when) | Q(publish_time=when, pk__gt=change.page_id))
        .order_by("publish_time", "pk")
        .first()
    )
    older = (
        siblings.filter(Q(publish_time__lt=when) | Q(publish_time=when, pk__lt=change.page_id))
        .order_by("-publish_time", "-pk")
        .first()
    )
    return [article for article in (newer, older) if article is not None]


def _is_in_menu_of(page: Page, *, site: Site) -> bool:
    return page.depth == site.root_page.depth + 1 and page.show_in_menus


def change_plan(*, site: Site, changes: Iterable[PageChange]) -> ChangePlan:
    """The URLs of ``site`` to rewrite and remove after ``changes``."""
    plan = ChangePlan()
    root = site.root_page
    urgent_lists: list[str] = []
    later: list[str] = []
    feeds: list[str] = []
    others: list[str] = []
    ancestor_paths: set[str] = set()
    for change in changes:
        if not change.path.startswith(root.path):
            continue
        page = _public_pages_below(root, inclusive=True).filter(pk=change.page_id).first()
        old_url = site_url(site=site, url_path=change.url_path)
        moved_away = page is None or site_url(site=site, url_path=page.url_path) != old_url
        if (change.gone or page is None) and moved_away and change.path != root.path:
            plan.remove.append(old_url)
            if page is None:
                # If it was a channel, its feed goes too (nothing happens if it was not).
                plan.remove.append(reverse("portal:channel_feed", args=[change.page_id]))
        if page is not None:
            if _is_in_menu_of(page, site=site):
                plan.full = True
                return plan
            plan.add([site_url(site=site, url_path=page.url_path)])
            if page.numchild and page.pk != root.pk:
                # Its title is in the breadcrumbs and side lists of every page below it, and
                # after a move or a new slug all their URLs are new.
                later.extend(subtree_urls(site=site, page=page, inclusive=False))
            if page.specific_class is ChannelPage:
                later.extend(channel_urls(site=site, channel=page.specific))
            ancestor_paths.update(rules.tree_path_prefixes(page.path))
        ancestor_paths.update(rules.tree_path_prefixes(change.path))
        parent_path = change.path[: -Page.steplen]
        neighbours = _neighbour_articles(parent_path=parent_path, change=change)
        if page is not None and isinstance(page.specific, ArticlePage):
            neighbours.extend(
                article
                for article in portal_queries.article_neighbours(article=page.specific).values()
                if article is not None
            )
        others.extend(site_url(site=site, url_path=a.url_path) for a in neighbours)
        related = (
            ArticlePage.objects.live()
            .public()
            .descendant_of(root)
            .filter(related_links__related_id=change.page_id)
            .only("url_path")
        )
        others.extend(site_url(site=site, url_path=a.url_path) for a in related)

    ancestors = (
        _public_pages_below(root, inclusive=True)
        .filter(path__in=ancestor_paths)
        .order_by("-depth")
        .specific()
    )
    for ancestor in ancestors:
        url = site_url(site=site, url_path=ancestor.url_path)
        if isinstance(ancestor, ChannelPage):
            lists = channel_urls(site=site, channel=ancestor)
            urgent_lists.append(lists[0])
            feeds.append(lists[-1])
            later.extend(lists[1:-1])
            plan.lists[url] = len(lists) - 1
        else:
            urgent_lists.append(url)
    plan.add(urgent_lists)
    plan.add(feeds)
    plan.add(others)
    plan.add(site_extras()[:1])
    plan.sitemaps = sitemap_files(site=site)
    plan.remove = list(dict.fromkeys(plan.remove))
    # What is gone must not come back: a page's new URL is never below its old one, so what
    # lies below a removed URL now is only what it took with it.
    removed = tuple(plan.remove)
    plan.render = [url for url in plan.render if not url.startswith(removed)]
    urgent = set(plan.render)
    plan.later = [
        url for url in dict.fromkeys(later) if url not in urgent and not url.startswith(removed)
    ]
    return plan


def page_change(
    *, page: Page, gone: bool, url_path: str | None = None, path: str | None = None
) -> PageChange:
    """Record a page event (see ``PageChange``). ``page`` is best the specific page (an
    article's time finds its neighbours)."""
    publish_time = getattr(page, "publish_time", None)
    return PageChange(
        page_id=page.pk,
        path=path or page.path,
        url_path=url_path or page.url_path,
        gone=gone,
        publish_time=publish_time.isoformat() if isinstance(publish_time, dt.datetime) else "",
    )


# --- nginx --------------------------------------------------------------------------------------

# URL prefixes nginx always passes to the application: the back office, the analytics collector,
# search, services, cases, accounts, interaction, Open311, the API, documents, media, languages.
DYNAMIC_PREFIXES = (
    "admin",
    "analytics",
    "search",
    "bsfw",
    "cases",
    "accounts",
    "hdjl",
    "open311",
    "api",
    "documents",
    "media",
    "i18n",
    "lang",
)
# Public pages load only their own CSS, JS and images; no inline script or style.
PUBLIC_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'self'"
)
PAGE_MAX_AGE_SECONDS = 60
HSTS_SECONDS = 31_536_000


def nginx_config(
    *,
    root: str,
    app: str,
    listen: str,
    server_names: list[str],
    brotli: bool = True,
    tls_cert: str = "",
    tls_key: str = "",
    http_listen: str = "80",
) -> str:
    """The nginx configuration (http block) that serves the static tree under ``root`` and
    passes everything else to the application at ``app`` (host:port)."""
    from django.conf import settings
    from django.template.loader import render_to_string

    tls = bool(tls_cert and tls_key)
    return render_to_string(
        "publishing/nginx.conf",
        {
            "root": root.rstrip("/"),
            "app": app,
            "listen": f"{listen} ssl" if tls and "ssl" not in listen else listen,
            "http_listen": http_listen,
            "server_names": " ".join(server_names) or "_",
            "brotli": brotli,
            "tls": tls,
            "tls_cert": tls_cert,
            "tls_key": tls_key,
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "language_cookie": settings.LANGUAGE_COOKIE_NAME,
            "language": settings.LANGUAGE_CODE,
            "static_url": settings.STATIC_URL,
            "dynamic_prefixes": "|".join(DYNAMIC_PREFIXES),
            "csp": PUBLIC_CSP,
            "page_max_age": PAGE_MAX_AGE_SECONDS,
            "hsts_seconds": HSTS_SECONDS,
        },
    )
