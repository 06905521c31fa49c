# ruff: noqa: S311 — random.Random makes reproducible demo data, not secrets
"""Every write of the demo city: ``load_demo`` builds Jincheng from the seed (departments,
sites, channels, articles, one account per role) and ``generate_articles`` bulk-creates
articles for benchmarks."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from modelcluster.models import get_serializable_data_for_fields
from wagtail.models import Locale, Page, PageLogEntry, Revision, Site

from zaixian.core import actions as core_actions
from zaixian.core.models import Department, User
from zaixian.core.roles import Role
from zaixian.demo import queries, rules
from zaixian.demo.seed import (
    ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_PORT,
    DEPARTMENT_TREE,
    SITES,
    ChannelSpec,
    DepartmentSpec,
    SiteSpec,
)
from zaixian.portal import actions as portal_actions
from zaixian.portal.models import ArticlePage, ChannelPage, HomePage, SiteFooterSettings, TopicPage

DEFAULT_SEED = 2012
MAX_GENERATED_ARTICLES = 200_000
# Rows per INSERT batch of the generator: large enough to amortise round trips, small enough
# to stay under SQLite's bound-variable limit with the widest table (~20 columns).
GENERATOR_BATCH_SIZE = 1000

Progress = Callable[[str], None]


def _silent(message: str) -> None:
    """The default progress reporter: say nothing."""


class DemoError(Exception):
    """A demo command cannot do what was asked; the message is for the person who asked."""


class SiteNotFoundError(DemoError):
    pass


class ChannelNotFoundError(DemoError):
    pass


class ArticleCountOutOfRangeError(DemoError):
    pass


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    departments: int
    sites: int
    channels: int
    articles: int
    accounts: int
    seconds: float


def demo_counts() -> dict[str, int]:
    """The sizes of what the demo creates; a second load must leave them unchanged."""
    return {
        "departments": Department.objects.count(),
        "sites": Site.objects.count(),
        "channels": ChannelPage.objects.count() + TopicPage.objects.count(),
        "articles": ArticlePage.objects.count(),
        "accounts": get_user_model().objects.count(),
        "revisions": Revision.objects.count(),
    }


def remove_wagtail_welcome_site() -> None:
    """Wagtail's first migration makes a ``localhost:80`` site whose root is its welcome page;
    left in place it would answer http://localhost:8000/ instead of the portal."""
    from wagtail.models import Page, Site

    for site in Site.objects.filter(hostname="localhost", port=80, is_default_site=False):
        root = site.root_page
        site.delete()
        if type(root.specific) is Page and root.depth == 2 and not root.get_children().exists():
            root.delete()


def load_demo(
    *, article_scale: float = 1.0, seed: int = DEFAULT_SEED, progress: Progress = _silent
) -> DemoSummary:
    """Load the demo city once. A second call finds the portal site and changes nothing.

    One transaction: a failure leaves no half-built city that the marker would mistake for
    a finished one (and on SQLite one transaction is also much faster than hundreds)."""
    started = time.monotonic()
    if queries.is_demo_loaded():
        counts = demo_counts()
        return DemoSummary(
            created=False,
            departments=counts["departments"],
            sites=counts["sites"],
            channels=counts["channels"],
            articles=counts["articles"],
            accounts=counts["accounts"],
            seconds=time.monotonic() - started,
        )
    rng = random.Random(seed)
    with transaction.atomic():
        departments = create_demo_departments(spec=DEPARTMENT_TREE)
        progress(f"departments: {len(departments)} ({time.monotonic() - started:.1f} s)")
        sites = {spec.key: create_demo_site(spec=spec, departments=departments) for spec in SITES}
        remove_wagtail_welcome_site()
        progress(f"sites: {len(sites)} ({time.monotonic() - started:.1f} s)")
        accounts = create_demo_accounts(departments=departments, sites=sites)
        progress(f"accounts: {len(accounts)} ({time.monotonic() - started:.1f} s)")
        owner = accounts.get("editor")
        channel_count = 0
        article_ids: list[int] = []
        for spec in SITES:
            channels = create_demo_channels(site=sites[spec.key], spec=spec)
            channel_count += len(channels)
            created = create_demo_articles(
                spec=spec, channels=channels, scale=article_scale, rng=rng, owner=owner
            )
            article_ids += created
            progress(
                f"{spec.site_name}: {len(channels)} channels, {len(created)} articles "
                f"({time.monotonic() - started:.1f} s)"
            )
        indexed = index_generated_articles(page_ids=article_ids)
        progress(f"search index: {indexed} articles ({time.monotonic() - started:.1f} s)")
    return DemoSummary(
        created=True,
        departments=len(departments),
        sites=len(sites),
        channels=channel_count,
        articles=len(article_ids),
        accounts=len(accounts),
        seconds=time.monotonic() - started,
    )


def create_demo_departments(*, spec: DepartmentSpec) -> dict[str, Department]:
    """The department tree, by code. Existing codes are kept (the core app or an
    administrator may have created the municipal government already)."""
    by_code = {department.code: department for department in Department.objects.all()}

    def add(node: DepartmentSpec, parent: Department | None) -> None:
        department = by_code.get(node.code)
        if department is None:
            fields = {
                "name": node.name,
                "short_name": node.short_name,
                "code": node.code,
                "kind": node.kind,
            }
            if parent is None:
                department = Department.add_root(**fields)
            else:
                # add_child on a fresh copy: treebeard's numchild on the cached parent is stale
                # after its first child.
                department = Department.objects.get(pk=parent.pk).add_child(**fields)
            by_code[node.code] = department
        for child in node.children:
            add(child, department)

    add(spec, None)
    return by_code


def create_demo_site(*, spec: SiteSpec, departments: dict[str, Department]) -> Site:
    """A site of the site group with its home page and filled-in footer."""
    site = portal_actions.create_site(
        hostname=spec.hostname,
        port=DEMO_PORT,
        site_name=spec.site_name,
        root_title=spec.root_title,
        is_default=spec.is_default,
    )
    footer, _created = SiteFooterSettings.objects.get_or_create(site=site)
    footer.department = departments.get(spec.department_code)
    for name, value in vars(spec.footer).items():
        setattr(footer, name, value)
    footer.full_clean()
    footer.save()
    return site


def _publish(page: Page, *, user: User | None = None) -> None:
    """Make a page live through a revision, as in the admin. The demo's history stands for
    articles that already passed the three-step review, so the editor's revision is
    published without the permission check that (rightly) stops editors publishing."""
    page.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)


def create_demo_channels(*, site: Site, spec: SiteSpec) -> dict[str, ChannelPage]:
    """The channel tree of a site, by slug; sets the home page's headline and notice
    channels."""
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        raise DemoError(site.hostname)
    channels: dict[str, ChannelPage] = {}

    def add(node: ChannelSpec, parent: Page, order: int) -> None:
        page: ChannelPage | TopicPage
        if node.is_topic:
            page = TopicPage(
                title=node.title, slug=node.slug, intro=node.intro, show_in_menus=node.in_menu
            )
        else:
            page = ChannelPage(
                title=node.title,
                slug=node.slug,
                kind=node.kind,
                intro=node.intro,
                show_on_home=node.show_on_home,
                home_order=order,
                show_in_menus=node.in_menu,
            )
        parent.add_child(instance=page)
        _publish(page)
        if isinstance(page, ChannelPage):
            channels[node.slug] = page
        for child_order, child in enumerate(node.children):
            add(child, Page.objects.get(pk=page.pk), child_order)

    for order, node in enumerate(spec.channels):
        add(node, Page.objects.get(pk=home.pk), order)

    home = HomePage.objects.get(pk=home.pk)
    home.intro = spec.intro
    home.headline_channel = channels[spec.headline_slug]
    home.notice_channel = channels[spec.notice_slug]
    _publish(home)
    return channels


def _leaf_specs(specs: Iterable[ChannelSpec]) -> Iterator[ChannelSpec]:
    for spec in specs:
        if spec.theme and spec.share:
            yield spec
        yield from _leaf_specs(spec.children)


def create_demo_articles(
    *,
    spec: SiteSpec,
    channels: dict[str, ChannelPage],
    scale: float,
    rng: random.Random,
    owner: User | None,
) -> list[int]:
    """The site's articles, spread over the last two years in every channel, each live with
    one published revision and a "publish" entry in its history.

    They go through ``bulk_create_articles`` rather than ``save_revision().publish()`` per
    page: the result in the database is the same, and 430 articles take about a second
    instead of 40 (each Wagtail publish costs dozens of queries). Search indexing, which the
    publish signal would have done, is done by ``load_demo`` afterwards."""
    leaves = list(_leaf_specs(spec.channels))
    total = max(len(leaves), round(spec.articles * scale))
    counts = rules.split_by_share(total=total, shares=[leaf.share for leaf in leaves])
    now = timezone.now()
    new_ids: list[int] = []
    for leaf, count in zip(leaves, counts, strict=True):
        drafts = [
            rules.compose_article(theme=leaf.theme, rng=rng, when=when, sources=spec.source_names)
            for when in rules.spread_publish_times(count=max(count, 1), now=now, rng=rng)
        ]
        new_ids += bulk_create_articles(channel=channels[leaf.slug], drafts=drafts, owner=owner)
    return new_ids


def create_demo_accounts(
    *, departments: dict[str, Department], sites: dict[str, Site]
) -> dict[str, User]:
    """One account per role, each in a department and the right role and site groups.

    Every account has the same published demo password, so it is hashed once: hashing is
    deliberately slow (about half a second each) and would dominate the load time."""
    password_hash = make_password(DEMO_PASSWORD)
    site_groups = {key: portal_actions.setup_site(site=site) for key, site in sites.items()}
    accounts: dict[str, User] = {}
    for spec in ACCOUNTS:
        user, _created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "last_name": spec.last_name,
                "first_name": spec.first_name,
                "department": departments[spec.department_code],
                "job_title": spec.job_title,
                "email": f"{spec.username}@demo.zaixian.local",
                "password": password_hash,
                "is_staff": spec.is_superuser,
                "is_superuser": spec.is_superuser,
            },
        )
        core_actions.assign_user(
            user=user,
            department=departments[spec.department_code],
            roles=[Role[spec.role]] if spec.role else [],
        )
        if spec.site:
            user.groups.add(*[getattr(site_groups[spec.site], name) for name in spec.site_groups])
        accounts[spec.username] = user
    return accounts


# --- The article generator ------------------------------------------------------------------


def generate_articles(
    *,
    count: int,
    hostname: str | None = None,
    channel_slug: str | None = None,
    seed: int = DEFAULT_SEED,
    on_batch: Callable[[int], None] | None = None,
) -> list[int]:
    """Create ``count`` live articles in a site's channels (round-robin over its leaf
    channels, or in one channel), fast enough for 200,000: pages are bulk-inserted with
    treebeard paths computed here, each with one published revision. Returns the new page
    ids; the caller indexes them for search."""
    if not 1 <= count <= MAX_GENERATED_ARTICLES:
        raise ArticleCountOutOfRangeError(count)
    site = queries.site_for_hostname(hostname=hostname)
    if site is None:
        raise SiteNotFoundError(hostname or "")
    channels = queries.generator_channels(site=site, slug=channel_slug)
    if not channels:
        raise ChannelNotFoundError(channel_slug or "")
    rng = random.Random(seed)
    per_channel = rules.split_by_share(total=count, shares=[1] * len(channels))
    themes = _themes_by_slug()
    sources = next(
        (spec.source_names for spec in SITES if spec.hostname == site.hostname), ("晋城在线",)
    )
    now = timezone.now()
    new_ids: list[int] = []
    for channel, channel_count in zip(channels, per_channel, strict=True):
        if not channel_count:
            continue
        times = rules.spread_publish_times(count=channel_count, now=now, rng=rng)
        for start in range(0, channel_count, GENERATOR_BATCH_SIZE):
            drafts = [
                rules.compose_article(
                    theme=themes.get(channel.slug, ""), rng=rng, when=when, sources=sources
                )
                for when in times[start : start + GENERATOR_BATCH_SIZE]
            ]
            new_ids += bulk_create_articles(channel=channel, drafts=drafts)
            if on_batch is not None:
                on_batch(len(drafts))
    return new_ids


def _themes_by_slug() -> dict[str, str]:
    return {leaf.slug: leaf.theme for spec in SITES for leaf in _leaf_specs(spec.channels)}


@transaction.atomic
def bulk_create_articles(
    *, channel: ChannelPage, drafts: list[rules.ArticleDraft], owner: User | None = None
) -> list[int]:
    """Insert live articles under ``channel`` in a few statements instead of Wagtail's
    per-page ``add_child`` + ``save_revision`` + ``publish`` (about 15 queries each).

    What Wagtail would have written is written here by hand: the treebeard ``path``,
    ``depth`` and the parent's ``numchild``; ``url_path``; the ``ArticlePage`` row of the
    multi-table model (Django's ``bulk_create`` refuses those, so it is a plain INSERT);
    one ``Revision`` per page holding its serialised content; and ``live_revision`` /
    ``latest_revision`` pointing at it, with ``live=True`` and no unpublished changes; and
    the "publish" entry of each page's history (Wagtail's audit log)."""
    parent = Page.objects.select_for_update().get(pk=channel.pk)
    last_path = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    next_step = Page._str2int(last_path[-Page.steplen :]) + 1 if last_path else 1
    content_type = ContentType.objects.get_for_model(ArticlePage)
    page_content_type = ContentType.objects.get_for_model(Page)
    locale_id = parent.locale_id or Locale.get_default().pk

    articles: list[ArticlePage] = []
    for offset, draft in enumerate(drafts):
        step = next_step + offset
        slug = f"{draft.publish_time:%Y%m%d}-{Page._int2str(step).lower()}"
        articles.append(
            ArticlePage(
                title=draft.title,
                draft_title=draft.title,
                slug=slug,
                path=Page._get_path(parent.path, parent.depth + 1, step),
                depth=parent.depth + 1,
                numchild=0,
                url_path=f"{parent.url_path}{slug}/",
                content_type=content_type,
                locale_id=locale_id,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=draft.publish_time,
                last_published_at=draft.publish_time,
                latest_revision_created_at=draft.publish_time,
                owner_id=owner.pk if owner else parent.owner_id,
                subtitle=draft.subtitle,
                source=draft.source,
                author=draft.author,
                publish_time=draft.publish_time,
                summary=draft.summary,
                body=draft.body,
            )
        )

    # The base rows through the Page model (bulk_create works on the root of the
    # inheritance chain), then the child rows with the ids the database gave them.
    base_rows = Page.objects.bulk_create([_base_page(article) for article in articles])
    for article, base in zip(articles, base_rows, strict=True):
        article.pk = article.page_ptr_id = base.pk
    _insert_child_rows(articles)

    revisions = Revision.objects.bulk_create(
        [
            Revision(
                content_type=content_type,
                base_content_type=page_content_type,
                object_id=str(article.pk),
                created_at=article.publish_time,
                user_id=article.owner_id,
                object_str=article.title,
                content=_revision_content(article),
            )
            for article in articles
        ]
    )
    _link_revisions(
        [(article.pk, revision.pk) for article, revision in zip(articles, revisions, strict=True)]
    )
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                content_type=content_type,
                label=article.title,
                action="wagtail.publish",
                timestamp=article.publish_time,
                user_id=article.owner_id,
                page_id=article.pk,
                revision_id=revision.pk,
                content_changed=True,
            )
            for article, revision in zip(articles, revisions, strict=True)
        ]
    )
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(articles))
    return [article.pk for article in articles]


def _base_page(article: ArticlePage) -> Page:
    base_fields = {field.attname for field in Page._meta.concrete_fields}
    return Page(**{name: getattr(article, name) for name in base_fields if name != "id"})


def _insert_child_rows(articles: list[ArticlePage]) -> None:
    """INSERT the ``portal_articlepage`` rows (the fields ArticlePage adds to Page)."""
    fields = list(ArticlePage._meta.local_concrete_fields)
    table = connection.ops.quote_name(ArticlePage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = [
        [field.get_db_prep_save(getattr(article, field.attname), connection) for field in fields]
        for article in articles
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 — names come from model metadata, values are bound
            rows,
        )


def _revision_content(article: ArticlePage) -> dict[str, object]:
    """What ``article.serializable_data()`` returns for a page without child objects,
    computed without its per-page queries for (empty) attachments, links and comments."""
    content = get_serializable_data_for_fields(article)
    content.update({"attachments": [], "related_links": [], "comments": []})
    return content


def _link_revisions(pairs: list[tuple[int, int]]) -> None:
    """Point each page's ``live_revision`` and ``latest_revision`` at its revision."""
    pages = [
        Page(pk=page_id, live_revision_id=revision_id, latest_revision_id=revision_id)
        for page_id, revision_id in pairs
    ]
    Page.objects.bulk_update(pages, ["live_revision", "latest_revision"])


def article_counts_by_site() -> dict[str, int]:
    """Live article counts per site name (for the commands' closing line)."""
    result: dict[str, int] = {}
    for site in Site.objects.select_related("root_page"):
        result[site.site_name or site.hostname] = (
            ArticlePage.objects.live().descendant_of(site.root_page).count()
        )
    return result


__all__ = [
    "ArticleCountOutOfRangeError",
    "ChannelNotFoundError",
    "DemoError",
    "DemoSummary",
    "SiteNotFoundError",
    "bulk_create_articles",
    "create_demo_accounts",
    "create_demo_articles",
    "create_demo_channels",
    "create_demo_departments",
    "create_demo_site",
    "demo_counts",
    "generate_articles",
    "load_demo",
]


def index_generated_articles(
    *, page_ids: list[int], on_batch: Callable[[int], None] | None = None
) -> int:
    """Index new pages for search (the generator bypasses the publish signals that index an
    editor's article), through search's bulk path: one transaction and one multi-row write
    per batch, segmentation outside the transaction."""
    from zaixian.search import actions as search_actions

    indexed = 0
    for start in range(0, len(page_ids), GENERATOR_BATCH_SIZE):
        batch = page_ids[start : start + GENERATOR_BATCH_SIZE]
        pages = ArticlePage.objects.filter(pk__in=batch).order_by("path")
        indexed += search_actions.index_pages(pages=pages)
        if on_batch is not None:
            on_batch(len(batch))
    return indexed
