"""Reads for the portal's pages."""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site

if TYPE_CHECKING:
    from zaixian.portal.models import (
        ArticlePage,
        ChannelPage,
        HomePage,
        SiteFooterSettings,
        TopicPage,
    )

HOME_LIST_LENGTH = 8
# Pages per sitemap file (``/sitemaps/<n>.xml``).
SITEMAP_CHUNK = 5000
# What lists of articles read of each one.
LIST_FIELDS = ("pk", "title", "url_path", "path", "depth", "publish_time", "summary", "source")

PAGE_CACHE_GENERATION_KEY = "portal:page-cache:generation:{site_id}"


def page_cache_generation(*, site_id: int) -> int:
    """The current generation number of a site's page cache; part of every cache key."""
    key = PAGE_CACHE_GENERATION_KEY.format(site_id=site_id)
    generation = cache.get(key)
    if generation is None:
        # Start from the clock, not from 1: if the key was evicted, a restart at 1 could
        # bring back pages cached under an old generation. add() is atomic, so when two
        # processes race, both end up with the first one's value.
        cache.add(key, time.time_ns(), timeout=None)
        generation = cache.get(key)
    return int(generation or 0)


# --- Reads cached across requests -----------------------------------------------------------
#
# The site of a host, the private sections and each site's chrome are read on every page and
# change rarely, so they are kept in the cache, cleared by the portal's signal handlers. The
# publisher renders in a worker process whose local-memory cache those handlers, running in
# the admin's process, never reach: it reads them within ``fresh_reads``, from the database
# once per run.

_fresh_scope: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "portal_fresh_reads", default=None
)


@contextlib.contextmanager
def fresh_reads(memo: dict[str, Any] | None = None) -> Iterator[None]:
    """Within this block, the cached reads come from the database, once per ``memo`` (a
    new one when not given), instead of from the shared cache."""
    token = _fresh_scope.set({} if memo is None else memo)
    try:
        yield
    finally:
        _fresh_scope.reset(token)


# --- Private sections (page view restrictions) ---------------------------------------------

# The paths of the pages that carry a view restriction, kept in the cache because nearly every
# public list asks and a portal rarely has any. Cleared when a restriction is saved or deleted
# (``actions.forget_view_restrictions``); the timeout bounds how long another process without
# a shared cache (local memory) can lag behind.
RESTRICTED_PATHS_KEY = "portal:restricted-paths"
RESTRICTED_PATHS_SECONDS = 10


def restricted_paths() -> tuple[str, ...]:
    """The tree paths of every page with a view restriction (its section is private)."""
    scope = _fresh_scope.get()
    paths = (
        scope.get(RESTRICTED_PATHS_KEY) if scope is not None else cache.get(RESTRICTED_PATHS_KEY)
    )
    if paths is None:
        paths = tuple(
            PageViewRestriction.objects.order_by("page__path").values_list("page__path", flat=True)
        )
        if scope is not None:
            scope[RESTRICTED_PATHS_KEY] = paths
        else:
            cache.set(RESTRICTED_PATHS_KEY, paths, timeout=RESTRICTED_PATHS_SECONDS)
    return paths


def public(queryset: QuerySet[Any], *, path: str = "path") -> QuerySet[Any]:
    """Wagtail's ``.public()`` (no page in or below a private section), without its query
    of the restrictions on every call. ``path``: the lookup of the page's tree path (for a
    queryset of another model, e.g. ``related__path``)."""
    paths = restricted_paths()
    if not paths:
        return queryset
    private = Q()
    for restricted in paths:
        private |= Q(**{f"{path}__startswith": restricted})
    return queryset.exclude(private)


def is_in_private_section(*, page: Page) -> bool:
    """Whether ``page`` or one of its ancestors has a view restriction. Aliases take their
    source's restrictions, which only Wagtail's own lookup follows."""
    if page.alias_of_id is not None:
        return True
    return any(page.path.startswith(path) for path in restricted_paths())


# --- Routing --------------------------------------------------------------------------------

# Which site serves a host and port (Wagtail asks the database on every request). The key
# carries a version that ``actions.forget_sites`` moves on when a site or a site's root page
# changes; the timeout bounds the lag of another process without a shared cache.
SITES_VERSION_KEY = "portal:sites:version"
SITE_FOR_HOST_KEY = "portal:site:{version}:{host}:{port}"
SITE_FOR_HOST_SECONDS = 60
NO_SITE = "-"


def site_for_request(request: HttpRequest) -> Site | None:
    """``Site.find_for_request`` from the cache; Wagtail's own lookup then reuses the answer
    for the rest of the request."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    try:
        # Only hosts Django accepts (ALLOWED_HOSTS) are remembered: any other Host header
        # would add a cache entry per made-up name. Django answers those with a 400 later.
        host = split_domain_port(request.get_host())[0]
    except DisallowedHost:
        return Site.find_for_request(request)
    port = request.get_port()
    scope = _fresh_scope.get()
    if scope is not None:
        key = SITE_FOR_HOST_KEY.format(version="run", host=host, port=port)
        site = scope.get(key)
    else:
        version = cache.get_or_set(SITES_VERSION_KEY, 1, timeout=None)
        key = SITE_FOR_HOST_KEY.format(version=version, host=host, port=port)
        site = cache.get(key)
    if site is None:
        site = Site._find_for_request(request)
        if site is not None:
            # Kept with the site, so Wagtail's serve view finds the root page's own type
            # without a query (``specific`` is cached on the instance).
            site.root_page.specific  # noqa: B018
        if scope is not None:
            scope[key] = site or NO_SITE
        else:
            cache.set(key, site or NO_SITE, timeout=SITE_FOR_HOST_SECONDS)
    elif site == NO_SITE:
        site = None
    request._wagtail_site = site  # type: ignore[attr-defined]
    return site


# The article lookup on every article page, as SQL: Django compiles the same query (the 35
# columns of a page and an article) in three times the time the database runs it.
ARTICLE_ON_PATH_SQL = """
SELECT * FROM {page} page JOIN {article} article ON article.page_ptr_id = page.id
WHERE page.slug = %s AND page.depth = %s AND page.url_path = %s AND page.path LIKE %s
"""


def page_on_path(*, root: Page, components: list[str]) -> tuple[Page, list[str]] | None:
    """The deepest page below ``root`` whose URL is a prefix of ``components``, and the
    components left after it, in one query (Wagtail walks the tree, one or two queries per
    segment). None when no child of ``root`` matches, or when a page on the way routes its
    children itself (then Wagtail's walk must run)."""
    from zaixian.portal.models import ArticlePage, ChannelPage

    # Nearly every page is an article, and an article's ancestors (channels, topics, the
    # home page) all route to their children plainly: look for one first, in its own type,
    # which saves the query for the page's type.
    article = next(
        iter(
            ArticlePage.objects.raw(
                ARTICLE_ON_PATH_SQL.format(
                    page=Page._meta.db_table, article=ArticlePage._meta.db_table
                ),
                [
                    components[-1],
                    root.depth + len(components),
                    root.url_path + "/".join(components) + "/",
                    root.path + "%",
                ],
            )
        ),
        None,
    )
    if article is not None:
        return article, []
    prefixes = {
        root.url_path + "/".join(components[:count]) + "/": count
        for count in range(1, len(components) + 1)
    }
    rows = list(
        Page.objects.filter(
            slug__in=set(components),
            depth__gt=root.depth,
            depth__lte=root.depth + len(components),
            url_path__in=list(prefixes),
            path__startswith=root.path,
        )
        .order_by("depth")
        .only("id", "path", "depth", "url_path", "content_type_id", "live", "alias_of_id")
    )
    if not rows:
        return None
    # Pages above the last one must route to their children the way Page does (a channel's
    # own routing only adds page/<n>/ after its children).
    plain_routes = {Page.route, ChannelPage.route}
    for row in rows[:-1]:
        model = ContentType.objects.get_for_id(row.content_type_id).model_class()
        if model is None or model.route not in plain_routes:
            return None
    deepest = rows[-1]
    return deepest, components[prefixes[deepest.url_path] :]


def channel_articles(*, channel: ChannelPage) -> QuerySet[ArticlePage]:
    """Live articles anywhere below a channel, newest first."""
    from zaixian.portal.models import ArticlePage

    return (
        public(ArticlePage.objects.live().descendant_of(channel))
        .order_by("-publish_time", "-pk")
        .only(*LIST_FIELDS)
    )


class ArticleIdList:
    """A channel's articles for a paginator, from their ids in list order: one page is one
    query by id, and the count is the list's length. Deep pages cost the same as the first,
    where an OFFSET would read every article before them."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, window: slice) -> list[ArticlePage]:
        from zaixian.portal.models import ArticlePage

        ids = self.ids[window]
        by_id = ArticlePage.objects.only(*LIST_FIELDS).in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]


def channel_article_list(*, channel: ChannelPage) -> QuerySet[ArticlePage] | ArticleIdList:
    """What a channel's paginator pages through. In a publish run, which renders every page
    of every channel, the ids of the channel's articles are read once per run; a visitor's
    request pages the queryset."""
    articles = channel_articles(channel=channel)
    scope = _fresh_scope.get()
    if scope is None:
        return articles
    key = f"channel-articles:{channel.pk}"
    if key not in scope:
        scope[key] = ArticleIdList(list(articles.values_list("pk", flat=True)))
    return scope[key]


def sub_channels(*, channel: ChannelPage | TopicPage) -> QuerySet[ChannelPage]:
    from zaixian.portal.models import ChannelPage

    return public(ChannelPage.objects.live().child_of(channel)).order_by("path")


RELATED_SQL = """
SELECT article.page_ptr_id, page.id, page.title, page.url_path, page.path, page.depth,
  article.publish_time
FROM {related} link
  JOIN {article} article ON article.page_ptr_id = link.related_id
  JOIN {page} page ON page.id = article.page_ptr_id
WHERE link.page_id = %s AND page.live {private}
ORDER BY link.sort_order, link.id
"""


def related_articles(*, article: ArticlePage) -> list[ArticlePage]:
    """The editor's chosen related articles that are live and public, in the editor's order
    (title, URL and time: what a list of articles shows)."""
    from zaixian.portal.models import ArticlePage, RelatedArticle

    private_paths = restricted_paths()
    sql = RELATED_SQL.format(
        related=RelatedArticle._meta.db_table,
        article=ArticlePage._meta.db_table,
        page=Page._meta.db_table,
        private=" ".join("AND page.path NOT LIKE %s" for _path in private_paths),
    )
    return list(ArticlePage.objects.raw(sql, [article.pk, *(f"{path}%" for path in private_paths)]))


def topic_sections(*, topic: TopicPage) -> list[dict[str, Any]]:
    return [
        {"channel": channel, "articles": list(channel_articles(channel=channel)[:HOME_LIST_LENGTH])}
        for channel in sub_channels(channel=topic)
    ]


def home_page_sections(*, home: HomePage) -> dict[str, Any]:
    """What a home page lists: headline news, notices and the channels marked for it."""
    from zaixian.portal.models import ChannelPage

    sections: dict[str, Any] = {"headlines": [], "notices": [], "home_channels": []}
    if home.headline_channel_id:
        sections["headlines"] = list(
            channel_articles(channel=home.headline_channel)[:HOME_LIST_LENGTH]
        )
    if home.notice_channel_id:
        sections["notices"] = list(channel_articles(channel=home.notice_channel)[:HOME_LIST_LENGTH])
    channels = (
        public(ChannelPage.objects.live().descendant_of(home))
        .filter(show_on_home=True)
        .exclude(pk__in=[home.headline_channel_id or 0, home.notice_channel_id or 0])
        .order_by("home_order", "path")
    )
    sections["home_channels"] = [
        {"channel": channel, "articles": list(channel_articles(channel=channel)[:HOME_LIST_LENGTH])}
        for channel in channels
    ]
    return sections


# --- Navigation, feeds and the other sites of the group (public front end) -------------------


@dataclass(frozen=True)
class NavLink:
    """A page as the navigation shows it: enough to link it and mark the current section."""

    pk: int
    title: str
    url: str
    url_path: str


@dataclass(frozen=True)
class SiteChrome:
    """What every page of a site shows around its content: the name, the main menu, the
    footer, and the sections (pages with pages below) that breadcrumbs name. The same for every
    page of the site, so it is read once per site and page-cache generation, not per page."""

    site_id: int
    built_at: int  # when read: fragments rendered from this chrome are keyed by it
    name: str
    menu: tuple[NavLink, ...]
    sections: dict[str, NavLink]
    footer: SiteFooterSettings | None


CHROME_KEY = "portal:chrome:{site_id}:{generation}"


FRAGMENT_KEY = "portal:fragment:{name}:{site_id}:{built_at}:{variant}"


def chrome_fragment(*, chrome: SiteChrome, name: str, variant: str, render: Any) -> str:
    """A piece of a site's chrome (the masthead, the footer) as rendered HTML, made once per
    chrome, template and ``variant`` (the language and the marked menu item) by ``render()``
    rather than on every page; a new chrome (a new generation) makes it again."""
    key = FRAGMENT_KEY.format(
        name=name, site_id=chrome.site_id, built_at=chrome.built_at, variant=variant
    )
    scope = _fresh_scope.get()
    html = scope.get(key) if scope is not None else cache.get(key)
    if html is None:
        html = render()
        if scope is not None:
            scope[key] = html
        else:
            cache.set(key, html, timeout=max(settings.PORTAL_PAGE_CACHE_SECONDS, 60))
    return html


def _nav_link(page: Page, *, root: Page) -> NavLink:
    return NavLink(
        pk=page.pk,
        title=page.title,
        url=page.url_path[len(root.url_path) - 1 :],
        url_path=page.url_path,
    )


def _build_site_chrome(*, site: Site) -> SiteChrome:
    from zaixian.portal.models import SiteFooterSettings

    root = site.root_page
    # Every live page with pages below it: the ancestors that breadcrumbs name.
    sections = public(
        Page.objects.live()
        .descendant_of(root)
        .filter(numchild__gt=0)
        .only("pk", "title", "url_path", "path")
    )
    return SiteChrome(
        site_id=site.pk,
        built_at=time.time_ns(),
        name=site.site_name or root.title,
        menu=tuple(_nav_link(page, root=root) for page in menu_channels(site_root=root)),
        sections={page.path: _nav_link(page, root=root) for page in sections},
        # Not ``for_site``: it creates the row on first read, and a write here would move the
        # generation this chrome is cached under.
        footer=SiteFooterSettings.objects.filter(site=site).first()
        or SiteFooterSettings(site=site),
    )


def site_chrome(*, site: Site) -> SiteChrome:
    """The site's chrome, from the cache of its current page-cache generation (publishing,
    moving or deleting a page, or changing the site or its footer, moves the generation on)."""
    scope = _fresh_scope.get()
    if scope is not None:
        key = CHROME_KEY.format(site_id=site.pk, generation="run")
        if key not in scope:
            scope[key] = _build_site_chrome(site=site)
        return scope[key]
    key = CHROME_KEY.format(site_id=site.pk, generation=page_cache_generation(site_id=site.pk))
    chrome = cache.get(key)
    if not isinstance(chrome, SiteChrome):
        chrome = _build_site_chrome(site=site)
        cache.set(key, chrome, timeout=max(settings.PORTAL_PAGE_CACHE_SECONDS, 60))
    return chrome


FEED_LENGTH = 20


def menu_channels(*, site_root: Page) -> QuerySet[Page]:
    """The main navigation: live, public children of the site's root page marked "show in
    menus", in the editors' tree order."""
    return public(site_root.get_children().live().in_menu()).order_by("path")


def breadcrumb_pages(*, page: Page, site_root: Page, chrome: SiteChrome | None = None) -> list[Any]:
    """The pages from the site root (exclusive) down to ``page`` (inclusive). Pages outside the
    site (e.g. a preview of another site's page) get no breadcrumbs. With the site's
    ``chrome``, ancestors that are its sections are named from it without a query."""
    if page.pk == site_root.pk or not page.is_descendant_of(site_root):
        return []
    step = page.steplen
    paths = [page.path[:end] for end in range(len(site_root.path) + step, len(page.path), step)]
    if chrome is not None and all(path in chrome.sections for path in paths):
        return [*(chrome.sections[path] for path in paths), page]
    ancestors = page.get_ancestors().filter(depth__gt=site_root.depth)
    return [*(_nav_link(ancestor, root=site_root) for ancestor in ancestors), page]


def other_sites(*, site: Site | None) -> list[Site]:
    """The other sites of the group (the department sites), by name, for the home page."""
    sites = Site.objects.select_related("root_page").order_by("site_name", "hostname")
    if site is not None:
        sites = sites.exclude(pk=site.pk)
    return list(sites)


# Previous/next in a channel, asked on every article page. Written as SQL because Django's
# compilation of the same query (two correlated subqueries) costs a hundred times its run.
NEIGHBOUR_SQL = """
SELECT article.page_ptr_id, page.id, page.title, page.url_path, page.path, page.depth,
  article.publish_time
FROM {article} article JOIN {page} page ON page.id = article.page_ptr_id
WHERE article.page_ptr_id IN (
  (SELECT a.page_ptr_id FROM {article} a JOIN {page} p ON p.id = a.page_ptr_id
   WHERE a.channel_id = %s AND p.live {private}
     AND (a.publish_time, a.page_ptr_id) > (%s, %s)
   ORDER BY a.publish_time, a.page_ptr_id LIMIT 1),
  (SELECT a.page_ptr_id FROM {article} a JOIN {page} p ON p.id = a.page_ptr_id
   WHERE a.channel_id = %s AND p.live {private}
     AND (a.publish_time, a.page_ptr_id) < (%s, %s)
   ORDER BY a.publish_time DESC, a.page_ptr_id DESC LIMIT 1)
)
"""


def article_neighbours(*, article: ArticlePage) -> dict[str, ArticlePage | None]:
    """The live, public articles just newer and just older than ``article`` in the same
    channel (its parent), for "previous/next" links: one query, two subqueries on the index
    of (channel, publish time)."""
    from zaixian.portal.models import ArticlePage

    neighbours: dict[str, ArticlePage | None] = {"newer": None, "older": None}
    if article.channel_id is None:
        return neighbours
    # Tree paths are made of digits and capital letters: no LIKE wildcards to escape.
    private_paths = restricted_paths()
    private = " ".join("AND p.path NOT LIKE %s" for _path in private_paths)
    sql = NEIGHBOUR_SQL.format(
        article=ArticlePage._meta.db_table, page=Page._meta.db_table, private=private
    )
    when = connection.ops.adapt_datetimefield_value(article.publish_time)
    sibling = [article.channel_id]
    excluded = [f"{path}%" for path in private_paths]
    # Row values: the index on (channel, publish time, id) is searched from the article on.
    bounds = [when, article.pk]
    rows = ArticlePage.objects.raw(sql, [*sibling, *excluded, *bounds] * 2)
    for page in rows:
        is_newer = (page.publish_time, page.pk) > (article.publish_time, article.pk)
        neighbours["newer" if is_newer else "older"] = page
    return neighbours


def feed_channel(*, page_id: int) -> ChannelPage | None:
    """The channel an RSS feed is asked for, if it is live and public."""
    from zaixian.portal.models import ChannelPage

    return public(ChannelPage.objects.live().filter(pk=page_id)).first()


def feed_articles(*, channel: ChannelPage) -> list[ArticlePage]:
    """The newest live articles of a channel, for its RSS feed."""
    return list(channel_articles(channel=channel).defer(None)[:FEED_LENGTH])


# --- Reads for the yearly work report ----------------------------------------------------------


def articles_by_channel_kind(*, site: Site, start: Any, end: Any) -> dict[str, int]:
    """Live articles of ``site`` published in [``start``, ``end``), counted by the kind of
    the channel they are in (news, notice, policy, other; "" outside any channel)."""
    from zaixian.portal.models import ArticlePage, ChannelPage

    root = site.root_page
    kinds = dict(ChannelPage.objects.descendant_of(root).values_list("path", "kind"))
    counts: dict[str, int] = {}
    step = ArticlePage.steplen
    paths = (
        ArticlePage.objects.live()
        .descendant_of(root)
        .filter(publish_time__gte=start, publish_time__lt=end)
        .values_list("path", flat=True)
    )
    for path in paths.iterator(chunk_size=5000):
        kind = kinds.get(path[:-step], "")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def topic_counts(*, site: Site, start: Any, end: Any) -> tuple[int, int]:
    """Live special topics (专题) of ``site``: how many there are, and how many were first
    published in [``start``, ``end``)."""
    from zaixian.portal.models import TopicPage

    topics = TopicPage.objects.live().descendant_of(site.root_page)
    opened = topics.filter(first_published_at__gte=start, first_published_at__lt=end)
    return topics.count(), opened.count()


def site_footer(*, site: Site) -> Any:
    """The site's footer settings (sponsor, identification code, filing numbers, contact)."""
    from zaixian.portal.models import SiteFooterSettings

    return SiteFooterSettings.for_site(site)
