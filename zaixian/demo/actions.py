# ruff: noqa: S311 — random.Random makes reproducible demo data, not secrets
"""Every write of the demo city: ``load_demo`` builds Jincheng from the seed (departments,
sites, channels, articles, one account per role) and ``generate_articles`` bulk-creates
articles for benchmarks."""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext
from modelcluster.models import get_serializable_data_for_fields
from wagtail.models import Locale, Page, PageLogEntry, Revision, Site

from zaixian.accounts import actions as account_actions
from zaixian.accounts.models import PublicProfile
from zaixian.analytics.demo import load_analytics_demo
from zaixian.cases import actions as case_actions
from zaixian.cases import registry
from zaixian.cases.models import Case, CaseAttachment, CaseEvent, private_storage
from zaixian.core import actions as core_actions
from zaixian.core import workdays
from zaixian.core.models import Department, User
from zaixian.core.queries import users_with_role
from zaixian.core.roles import Role
from zaixian.demo import queries, rules, service_seed
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
from zaixian.disclosure import actions as disclosure_actions
from zaixian.disclosure.demo import load_disclosure_demo
from zaixian.disclosure.models import DisclosureIndexPage
from zaixian.evaluation.demo import load_evaluation_demo
from zaixian.hotline.demo import load_hotline_demo
from zaixian.opinion.demo import load_opinion_demo
from zaixian.portal import actions as portal_actions
from zaixian.portal.models import ArticlePage, ChannelPage, HomePage, SiteFooterSettings, TopicPage
from zaixian.services import actions as service_actions
from zaixian.services import reports
from zaixian.services.models import (
    Application,
    ApplicationMaterial,
    DecisionDocument,
    LifeEvent,
    ServiceFAQ,
    ServiceFormField,
    ServiceItem,
    ServiceMaterial,
    ServiceRating,
    ServiceTopic,
)
from zaixian.services.queries import APPLICATION_CASE_TYPE, RATING_FOLLOW_UP_CASE_TYPE

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
    service_hall_created: bool = False
    service_items: int = 0
    cases: int = 0


SERVICE_CASE_TYPE_PREFIX = "services."


def demo_counts() -> dict[str, int]:
    """The sizes of what the demo creates; a second load must leave them unchanged."""
    return {
        "departments": Department.objects.count(),
        "sites": Site.objects.count(),
        "channels": ChannelPage.objects.count() + TopicPage.objects.count(),
        "articles": ArticlePage.objects.count(),
        "accounts": get_user_model().objects.count(),
        "revisions": Revision.objects.count(),
        "service_items": ServiceItem.objects.count(),
        "applications": Application.objects.count(),
        # the service hall's (the hotline and disclosure requests load their own cases)
        "cases": Case.objects.filter(case_type__startswith=SERVICE_CASE_TYPE_PREFIX).count(),
        "case_events": CaseEvent.objects.filter(
            case__case_type__startswith=SERVICE_CASE_TYPE_PREFIX
        ).count(),
        "ratings": ServiceRating.objects.count(),
        "decisions": DecisionDocument.objects.count(),
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


class _ProgressWriter:
    """Lets modules that report to a stream report to the demo's progress function."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def write(self, message: str) -> None:
        if message.strip():
            self.progress(message.rstrip("\n"))


def load_demo(
    *, article_scale: float = 1.0, seed: int = DEFAULT_SEED, progress: Progress = _silent
) -> DemoSummary:
    """Load the demo city once. A second call finds the portal site and changes nothing.

    One transaction: a failure leaves no half-built city that the marker would mistake for
    a finished one (and on SQLite one transaction is also much faster than hundreds)."""
    started = time.monotonic()
    if queries.is_demo_loaded():
        # A city loaded before the service hall existed gets the hall now, once.
        hall_created = not queries.is_service_hall_loaded()
        if hall_created:
            load_service_hall(seed=seed, progress=progress)
        load_disclosure_demo(stdout=_ProgressWriter(progress))
        load_hotline_demo(stdout=_ProgressWriter(progress))
        load_analytics_demo(stdout=_ProgressWriter(progress))
        load_opinion_demo(stdout=_ProgressWriter(progress))
        load_evaluation_demo(stdout=_ProgressWriter(progress))
        counts = demo_counts()
        return DemoSummary(
            created=False,
            departments=counts["departments"],
            sites=counts["sites"],
            channels=counts["channels"],
            articles=counts["articles"],
            accounts=counts["accounts"],
            seconds=time.monotonic() - started,
            service_hall_created=hall_created,
            service_items=counts["service_items"],
            cases=counts["cases"],
        )
    rng = random.Random(seed)
    with transaction.atomic():
        departments = create_demo_departments(spec=DEPARTMENT_TREE)
        progress(f"departments: {len(departments)} ({time.monotonic() - started:.1f} s)")
        sites = {spec.key: create_demo_site(spec=spec, departments=departments) for spec in SITES}
        remove_wagtail_welcome_site()
        disclosure_actions.ensure_disclosure_root()
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
        # The hall is loaded once, even into a database that got it before the city.
        hall_created = not queries.is_service_hall_loaded()
        if hall_created:
            load_service_hall(seed=seed, progress=progress)
        load_disclosure_demo(stdout=_ProgressWriter(progress))
        load_hotline_demo(stdout=_ProgressWriter(progress))
        load_analytics_demo(stdout=_ProgressWriter(progress))
        load_opinion_demo(stdout=_ProgressWriter(progress))
        load_evaluation_demo(stdout=_ProgressWriter(progress))
    counts = demo_counts()
    return DemoSummary(
        created=True,
        departments=len(departments),
        sites=len(sites),
        channels=channel_count,
        articles=len(article_ids),
        accounts=counts["accounts"],
        seconds=time.monotonic() - started,
        service_hall_created=hall_created,
        service_items=counts["service_items"],
        cases=counts["cases"],
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
        existing = DisclosureIndexPage.objects.child_of(parent).filter(slug=node.slug).first()
        if existing is not None:
            # 政务公开 is the open-government tree at /zwgk/ (the disclosure app's page): its
            # sub-channels (policy documents, annual reports, …) go under that page.
            for child_order, child in enumerate(node.children):
                add(child, Page.objects.get(pk=existing.pk), child_order)
            return
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
                channel_id=parent.pk,
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
    "load_service_hall",
]


def index_generated_articles(
    *, page_ids: list[int], on_batch: Callable[[int], None] | None = None
) -> int:
    """Index new pages for search (the generator bypasses the publish signals that index an
    editor's article), through search's bulk path: one transaction and one multi-row write
    per batch, segmentation outside the transaction."""
    from zaixian.search import actions as search_actions

    indexed = 0
    with search_actions.bulk_indexing():
        for start in range(0, len(page_ids), GENERATOR_BATCH_SIZE):
            batch = page_ids[start : start + GENERATOR_BATCH_SIZE]
            pages = ArticlePage.objects.filter(pk__in=batch).order_by("path")
            indexed += search_actions.index_pages(pages=pages)
            if on_batch is not None:
                on_batch(len(batch))
    return indexed


# --- The service hall ----------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceHallSummary:
    items: int
    officers: int
    public_accounts: int
    applicants: int
    cases: int
    showcase_cases: int


# The historic applicants behind the bulk cases: enough that "my applications" of each looks
# like a person's (a handful each), few enough to create in one statement.
POOL_CITIZENS = 160
POOL_ORGANISATIONS = 60
BULK_BATCH_SIZE = 500


def load_service_hall(
    *, seed: int = DEFAULT_SEED, progress: Progress = _silent, now: datetime | None = None
) -> ServiceHallSummary:
    """The demo's service hall, once: life events, topics, the items of ``service_seed``
    with their guides, template documents and forms, a case officer per department, the two
    public demo accounts, and some 2,400 applications of the last 14 months in every state.

    The bulk of the history is written with bulk inserts that hold what the actions would
    have written (cases, history, applications, materials, decision numbers, ratings and
    follow-up cases, deadline fields from the working-day calendar): through the actions it
    would take minutes, mostly rendering decision PDFs. The demo accounts' own applications
    go through the real actions (``showcase_applications``)."""
    started = time.monotonic()
    now = now or timezone.now()
    rng = random.Random(seed)
    with transaction.atomic():
        departments = {department.code: department for department in Department.objects.all()}
        items = create_demo_service_items(departments=departments)
        officers = create_demo_officers(departments=departments)
        progress(f"service items: {len(items)} ({time.monotonic() - started:.1f} s)")
        accounts = create_demo_public_accounts()
        pool = create_demo_applicants(rng=rng)
        progress(
            f"public accounts: {len(accounts)} + {len(pool)} ({time.monotonic() - started:.1f} s)"
        )
        cases = create_demo_case_history(
            items=items, officers=officers, applicants=pool, rng=rng, now=now
        )
        progress(f"historic cases: {cases} ({time.monotonic() - started:.1f} s)")
        showcase = showcase_applications(items=items, accounts=accounts, officers=officers)
        progress(f"demo accounts' cases: {showcase} ({time.monotonic() - started:.1f} s)")
        # Past months are stored once (the nightly job's work) and months cached before these
        # past-dated cases existed would stay stale (shared caches): store and forget anew.
        months = service_actions.rebuild_statistics_months()
        progress(f"statistics months stored: {months} ({time.monotonic() - started:.1f} s)")
        transaction.on_commit(reports.invalidate_statistics_cache)
    return ServiceHallSummary(
        items=len(items),
        officers=len(officers),
        public_accounts=len(accounts),
        applicants=len(pool),
        cases=cases + showcase,
        showcase_cases=showcase,
    )


def create_demo_service_items(*, departments: dict[str, Department]) -> dict[str, ServiceItem]:
    """Life events, topics and the catalogue's items (with materials, blank-form templates
    as Wagtail documents, application form fields and FAQ), by code. Existing codes are
    kept as they are: an office may have edited its items."""
    events = {}
    for order, spec in enumerate(service_seed.LIFE_EVENTS):
        events[spec.slug], _created = LifeEvent.objects.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "audience": spec.audience, "sort_order": order},
        )
    topics = {}
    for order, spec in enumerate(service_seed.TOPICS):
        topics[spec.slug], _created = ServiceTopic.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "sort_order": order}
        )
    existing = {
        item.code: item
        for item in ServiceItem.objects.filter(code__in=[i.code for i in service_seed.ITEMS])
    }
    items: dict[str, ServiceItem] = {}
    for spec in service_seed.ITEMS:
        if spec.code in existing:
            items[spec.code] = existing[spec.code]
            continue
        department = departments[spec.department_code]
        item = ServiceItem(
            code=spec.code,
            name=spec.name,
            department=department,
            kind=spec.kind,
            for_citizens=spec.for_citizens,
            for_businesses=spec.for_businesses,
            summary=spec.summary,
            legal_basis=spec.legal_basis,
            conditions=spec.conditions,
            fees=spec.fees,
            statutory_days=spec.statutory_days,
            promised_days=spec.promised_days,
            online_depth=spec.online_depth,
            visits_needed=spec.visits_needed,
            venue=f"{service_seed.VENUE}{spec.window}",
            office_hours=service_seed.OFFICE_HOURS,
            consultation_phone=spec.consultation_phone,
            complaint_phone=service_seed.COMPLAINT_PHONE,
        )
        item.full_clean()
        item.life_events.set([events[slug] for slug in spec.life_events])
        item.topics.set([topics[slug] for slug in spec.topics])
        item.save()
        ServiceMaterial.objects.bulk_create(
            [
                ServiceMaterial(
                    item=item,
                    sort_order=order,
                    name=material.name,
                    is_required=material.is_required,
                    form=material.form,
                    copies=material.copies,
                    note=material.note,
                    template=_template_document(
                        item=item, name=material.name, kind=material.template
                    )
                    if material.template
                    else None,
                )
                for order, material in enumerate(spec.materials)
            ]
        )
        ServiceFormField.objects.bulk_create(
            [
                ServiceFormField(
                    item=item,
                    sort_order=order,
                    key=field_spec.key,
                    label=field_spec.label,
                    field_type=field_spec.field_type,
                    is_required=field_spec.is_required,
                    choices="\n".join(field_spec.choices),
                    help_text=field_spec.help_text,
                )
                for order, field_spec in enumerate(spec.fields)
            ]
        )
        ServiceFAQ.objects.bulk_create(
            [
                ServiceFAQ(item=item, sort_order=order, question=question, answer=answer)
                for order, (question, answer) in enumerate(spec.faqs)
            ]
        )
        items[spec.code] = item
    return items


def _template_document(*, item: ServiceItem, name: str, kind: str) -> Any:
    """A blank form (PDF or Word) to download from the item's guide, made now and stored as
    a Wagtail document in the root collection."""
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    lines = [
        f"事项名称：{item.name}（{item.code}）",
        f"受理部门：{item.department.name}",
        "申请人（单位）：____________________",
        "统一社会信用代码 / 公民身份号码：____________________",
        "联系电话：____________________",
        "申请事项及理由：",
        "____________________________________________",
        "本人（单位）承诺所填信息及所附材料真实、有效。",
        "申请人（签字或盖章）：__________    日期：____年__月__日",
    ]
    if kind == "docx":
        content = rules.simple_docx(title=name, paragraphs=lines)
        filename = f"{item.code}-{name}.docx"
    else:
        content = rules.simple_pdf(title=name, lines=lines)
        filename = f"{item.code}-{name}.pdf"
    document_model = get_document_model()
    document = document_model(title=f"{name}（模板）", collection=Collection.get_first_root_node())
    document.file.save(filename, ContentFile(content), save=False)
    document.file_size = len(content)
    document.save()
    return document


def create_demo_officers(*, departments: dict[str, Department]) -> dict[str, User]:
    """A case officer for each department with items (``service_seed.OFFICERS``; the city's
    ``officer`` serves the administrative approval bureau), by department code."""
    password_hash = make_password(DEMO_PASSWORD)
    officers: dict[str, User] = {}
    for spec in service_seed.OFFICERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "last_name": spec.last_name,
                "first_name": spec.first_name,
                "department": departments[spec.department_code],
                "job_title": spec.job_title,
                "email": f"{spec.username}@demo.zaixian.local",
                "password": password_hash,
            },
        )
        if created:
            core_actions.assign_user(
                user=user, department=departments[spec.department_code], roles=[Role.CASE_OFFICER]
            )
        officers[spec.department_code] = user
    for department in departments.values():
        if department.code not in officers:
            officer = (
                users_with_role(Role.CASE_OFFICER, department=department).order_by("pk").first()
            )
            if officer is not None:
                officers[department.code] = officer
    return officers


def create_demo_public_accounts() -> dict[str, User]:
    """The citizen's and the business's demo accounts, registered and verified through the
    accounts app's actions (valid resident ID number and credit code), by username."""
    accounts: dict[str, User] = {}
    for spec in service_seed.PUBLIC_ACCOUNTS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            is_citizen = spec.kind == PublicProfile.Kind.CITIZEN
            user = account_actions.register_public_user(
                kind=spec.kind,
                password=DEMO_PASSWORD,
                mobile_phone=spec.mobile_phone,
                email=spec.email,
                username=spec.username,
                real_name=spec.name if is_citizen else "",
                resident_id=rules.resident_id(
                    division=spec.division, birth=spec.birth_date, sequence=spec.sequence
                )
                if is_citizen
                else "",
                organisation_name="" if is_citizen else spec.name,
                credit_code=""
                if is_citizen
                else rules.credit_code(
                    division=spec.division, organisation_body=spec.organisation_body
                ),
                legal_representative=spec.legal_representative,
            )
            account_actions.verify_email(token=account_actions.email_verification_token(user=user))
            user.refresh_from_db()
        accounts[spec.username] = user
    return accounts


def create_demo_applicants(*, rng: random.Random) -> list[tuple[User, rules.SampleApplicant]]:
    """The pool of verified citizens and businesses behind the historic cases (they have no
    usable password: nobody logs in as them), bulk-inserted."""
    taken = set(PublicProfile.objects.values_list("mobile_phone", flat=True))
    people = rules.compose_applicants(
        rng=rng, citizens=POOL_CITIZENS, organisations=POOL_ORGANISATIONS, taken_phones=taken
    )
    taken_ids = set(PublicProfile.objects.values_list("resident_id", flat=True))
    people = [p for p in people if p.kind == "organisation" or p.resident_id not in taken_ids]
    unusable = make_password(None)
    first = User.objects.filter(username__startswith="jc-").count()
    users = User.objects.bulk_create(
        [
            User(
                username=f"jc-{first + index:04d}",
                last_name=person.display_name[:150],
                email=f"jc-{first + index:04d}@demo.zaixian.local",
                phone=person.mobile_phone,
                password=unusable,
                is_active=True,
            )
            for index, person in enumerate(people)
        ]
    )
    verified = timezone.now() - timedelta(days=rules.CASE_HISTORY_DAYS + 30)
    PublicProfile.objects.bulk_create(
        [
            PublicProfile(
                user=user,
                kind=person.kind,
                real_name=person.name if person.kind == "citizen" else "",
                resident_id=person.resident_id if person.kind == "citizen" else "",
                organisation_name=person.organisation_name,
                credit_code=person.credit_code,
                legal_representative=person.legal_representative,
                mobile_phone=person.mobile_phone,
                email=user.email,
                phone_verified_at=verified,
            )
            for user, person in zip(users, people, strict=True)
        ]
    )
    return list(zip(users, people, strict=True))


def _demo_calendars() -> rules.Calendars:
    """The working-day calendar (admin-entered years, the bundled schedules, the statutory
    fallback), one lookup per year for the thousands of dates of the history."""
    years: dict[int, Any] = {}

    def lookup(year: int) -> Any:
        if year not in years:
            years[year] = workdays.year_calendar(year)
        return years[year]

    return lookup


def _actor_name(user: User | None) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:100]


def _event_row(
    *,
    case: Case,
    at: datetime,
    actor: User | None,
    transition: str,
    to_state: str,
    from_state: str = "",
    note: str = "",
    is_public: bool = True,
) -> dict[str, Any]:
    """A history row as ``create_case`` / ``transition_case`` / ``assign_case`` write it."""
    return {
        "case_id": case.pk,
        "at": at,
        "actor_id": actor.pk if actor is not None else None,
        "actor_name": _actor_name(actor),
        "transition": transition,
        "from_state": from_state,
        "to_state": to_state,
        "note": note,
        "is_public": is_public,
    }


@dataclass
class _SampleFile:
    name: str
    size: int
    sha256: str


def _sample_files(*, item: ServiceItem) -> dict[str, _SampleFile]:
    """One scanned-looking PDF per required material and file field of ``item``, stored
    once in the private storage; every historic application's attachment points at it."""
    files: dict[str, _SampleFile] = {}
    labels = [m.name for m in item.materials.all()] + [
        f.label for f in item.form_fields.all() if f.field_type == ServiceFormField.FieldType.FILE
    ]
    for index, label in enumerate(labels):
        content = rules.simple_pdf(
            title=label, lines=[f"{item.name}（{item.code}）", "申请材料扫描件（演示数据）"]
        )
        name = private_storage().save(f"demo/{item.code}/{index:02d}.pdf", ContentFile(content))
        files[label] = _SampleFile(
            name=name, size=len(content), sha256=hashlib.sha256(content).hexdigest()
        )
    return files


def create_demo_case_history(
    *,
    items: dict[str, ServiceItem],
    officers: dict[str, User],
    applicants: list[tuple[User, rules.SampleApplicant]],
    rng: random.Random,
    now: datetime,
) -> int:
    """Some 2,400 applications of the last 14 months in every state of the application case
    type, with bulk inserts holding what the actions write: the case with its deadline
    fields (``rules.run_clock``, the engine's clock on the working-day calendar), its
    history, the application with its form data and materials (as case attachments too), the
    decision number of each decision, ratings and the follow-up cases of bad ones. Returns
    the number of application cases."""
    shares = {spec.code: spec.case_share for spec in service_seed.ITEMS}
    online = [item for item in items.values() if item.accepts_online and shares.get(item.code)]
    if not online or not applicants:
        return 0
    calendars = _demo_calendars()
    timings = [
        rules.ItemTiming(
            promised_days=item.promised_days,
            statutory_days=item.statutory_days,
            share=shares[item.code],
            is_licence=item.kind == ServiceItem.Kind.LICENCE,
        )
        for item in online
    ]
    plans = rules.plan_cases(
        rng=rng,
        calendars=calendars,
        now=timezone.localtime(now),
        items=timings,
        applicants=len(applicants),
    )
    citizens = [pair for pair in applicants if pair[1].kind == "citizen"]
    organisations = [pair for pair in applicants if pair[1].kind == "organisation"]
    fields = {
        item.pk: [
            (spec.key, spec.field_type, rules.form_choices(spec.choices))
            for spec in item.form_fields.all()
        ]
        for item in online
    }
    files = {item.pk: _sample_files(item=item) for item in online}
    taken = set(Case.objects.values_list("tracking_number", flat=True))

    def number(on: date, department: Department) -> str:
        while True:
            candidate = rules.tracking_number(on=on, department_code=department.code, rng=rng)
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    cases: list[Case] = []
    chosen: list[tuple[rules.CasePlan, ServiceItem, User, rules.SampleApplicant]] = []
    for plan in plans:
        item = online[plan.item]
        pool = organisations if not item.for_citizens else citizens
        if item.for_citizens and item.for_businesses:
            pool = applicants
        user, person = pool[plan.applicant % len(pool)]
        state = rules.plan_state(plan)
        clock = rules.run_clock(
            calendars=calendars,
            steps=plan.steps,
            promised_days=item.promised_days,
            statutory_days=item.statutory_days,
        )
        is_closed = state in rules.FINAL_STATES
        is_handled = state not in {"submitted", "not_accepted", "withdrawn"}
        officer = officers.get(item.department.code)
        cases.append(
            Case(
                case_type=APPLICATION_CASE_TYPE,
                tracking_number=number(
                    timezone.localtime(plan.submitted_at).date(), item.department
                ),
                title=item.name,
                state=state,
                department=item.department,
                assignee=officer if plan.is_assigned and is_handled else None,
                applicant=user,
                applicant_name=person.display_name,
                applicant_phone=person.mobile_phone,
                applicant_email=user.email,
                submitted_at=plan.submitted_at,
                closed_at=plan.steps[-1].at if is_closed else None,
                is_closed=is_closed,
                statutory_days=item.statutory_days,
                promised_days=item.promised_days,
                version=len(plan.steps),
                **vars(clock),
            )
        )
        chosen.append((plan, item, user, person))
    cases = Case.objects.bulk_create(cases, batch_size=BULK_BATCH_SIZE)

    events: list[dict[str, Any]] = []
    applications: list[Application] = []
    for case, (plan, item, user, person) in zip(cases, chosen, strict=True):
        officer = officers.get(item.department.code)
        events.append(
            _event_row(
                case=case,
                at=plan.submitted_at,
                actor=user,
                transition="created",
                to_state="submitted",
            )
        )
        state = "submitted"
        for step in plan.steps:
            target = rules.APPLICATION_MOVES[step.transition][0]
            events.append(
                _event_row(
                    case=case,
                    at=step.at,
                    actor=user if step.by_applicant else officer,
                    transition=step.transition,
                    from_state=state,
                    to_state=target,
                    note=step.note,
                    is_public=step.is_public,
                )
            )
            if step.transition == "accept" and case.assignee_id is not None:
                events.append(
                    _event_row(
                        case=case,
                        at=step.at + timedelta(minutes=1),
                        actor=officer,
                        transition="assigned",
                        from_state=target,
                        to_state=target,
                        note=_actor_name(officer),
                        is_public=False,
                    )
                )
            state = target
        applications.append(
            Application(
                item=item,
                applicant=user,
                case=case,
                form_data=rules.sample_form_data(
                    rng=rng,
                    fields=fields[item.pk],
                    applicant=person,
                    on=timezone.localtime(plan.submitted_at).date(),
                ),
                created_at=plan.submitted_at - timedelta(minutes=rng.randint(8, 90)),
                submitted_at=plan.submitted_at,
            )
        )
    _insert_rows(CaseEvent, events)
    applications = Application.objects.bulk_create(applications, batch_size=BULK_BATCH_SIZE)
    _bulk_materials(applications=applications, files=files)
    _bulk_decisions(cases=cases, chosen=chosen)
    _bulk_ratings(cases=cases, chosen=chosen, officers=officers, rng=rng, calendars=calendars)
    # What transition_case leaves in updated_at: the time of the case's last change.
    updated = [
        (
            Case._meta.get_field("updated_at").get_db_prep_save(
                plan.steps[-1].at if plan.steps else plan.submitted_at, connection
            ),
            case.pk,
        )
        for case, (plan, _item, _user, _person) in zip(cases, chosen, strict=True)
    ]
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET updated_at = %s WHERE id = %s", updated)  # noqa: S608 — table name from model metadata
    return len(cases)


def _insert_rows(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT plain rows (attribute names to values) without building model instances: the
    history's ten thousand events and materials take a fraction of ``bulk_create``'s time.
    Fields not given get their defaults."""
    if not rows:
        return
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    defaults = {field.attname: field.get_default() for field in fields}
    values = [
        [
            field.get_db_prep_save(row.get(field.attname, defaults[field.attname]), connection)
            for field in fields
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), BULK_BATCH_SIZE):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 — names from model metadata, values bound
                values[start : start + BULK_BATCH_SIZE],
            )


def _bulk_materials(
    *, applications: list[Application], files: dict[int, dict[str, _SampleFile]]
) -> None:
    """Each application's required materials and file fields, as the draft stored them and
    as submission copied them onto the case (both rows point at the item's sample file)."""
    materials = {
        item_id: list(ServiceMaterial.objects.filter(item_id=item_id))
        for item_id in {application.item_id for application in applications}
    }
    file_fields = {
        item_id: list(
            ServiceFormField.objects.filter(
                item_id=item_id, field_type=ServiceFormField.FieldType.FILE
            )
        )
        for item_id in materials
    }
    stored: list[dict[str, Any]] = []
    attached: list[dict[str, Any]] = []
    for application in applications:
        uploads_of = [(m, "", m.name) for m in materials[application.item_id] if m.is_required]
        uploads_of += [(None, f.key, f.label) for f in file_fields[application.item_id]]
        for material, field_key, label in uploads_of:
            sample = files[application.item_id][label]
            filename = f"{label}.pdf"
            common = {
                "file": sample.name,
                "original_name": filename,
                "content_type": "application/pdf",
                "size": sample.size,
                "sha256": sample.sha256,
            }
            stored.append(
                {
                    "application_id": application.pk,
                    "material_id": material.pk if material is not None else None,
                    "field_key": field_key,
                    "uploaded_at": application.created_at,
                    **common,
                }
            )
            attached.append(
                {
                    "case_id": application.case_id,
                    "event_id": None,
                    "material": label[:200],
                    "uploaded_by_id": application.applicant_id,
                    "uploaded_at": application.submitted_at,
                    "is_public": True,
                    **common,
                }
            )
    _insert_rows(ApplicationMaterial, stored)
    _insert_rows(CaseAttachment, attached)


def _bulk_decisions(*, cases: list[Case], chosen: list[Any]) -> None:
    """The numbered decision of every approval and denial, in the order they were issued,
    each department's serials running on from the last one of the year. (The decision PDF
    is rendered for the demo accounts' own cases only: at about two seconds a document,
    thousands would make the demo slow to load.)"""
    decided = []
    for case, (plan, item, _user, _person) in zip(cases, chosen, strict=True):
        decided.extend(
            (step.at, case, item, step.transition == "approve")
            for step in plan.steps
            if step.transition in {"approve", "deny"}
        )
    decided.sort(key=lambda row: row[0])
    last: dict[tuple[int, int], int] = {}
    for row in DecisionDocument.objects.values("department_id", "year").annotate(top=Max("serial")):
        last[(row["department_id"], row["year"])] = row["top"]
    documents = []
    for at, case, item, is_approval in decided:
        issued = timezone.localtime(at).date()
        key = (item.department_id, issued.year)
        last[key] = last.get(key, 0) + 1
        department = item.department
        documents.append(
            DecisionDocument(
                case=case,
                department=department,
                kind=DecisionDocument.Kind.APPROVAL
                if is_approval
                else DecisionDocument.Kind.DENIAL,
                year=issued.year,
                serial=last[key],
                number=rules.decision_number(
                    prefix=department.short_name or department.name,
                    is_approval=is_approval,
                    year=issued.year,
                    serial=last[key],
                ),
                issued_on=issued,
            )
        )
    DecisionDocument.objects.bulk_create(documents, batch_size=BULK_BATCH_SIZE)


def _bulk_ratings(
    *,
    cases: list[Case],
    chosen: list[Any],
    officers: dict[str, User],
    rng: random.Random,
    calendars: rules.Calendars,
) -> None:
    """Ratings of closed cases; each bad one (grades 1–2) with its follow-up case for the
    department, opened when the rating came in and resolved within 15 working days unless
    it is recent."""
    rated = [
        (case, plan, item, user)
        for case, (plan, item, user, _person) in zip(cases, chosen, strict=True)
        if plan.grade is not None and plan.rated_at is not None
    ]
    taken = set(
        Case.objects.filter(case_type=RATING_FOLLOW_UP_CASE_TYPE).values_list(
            "tracking_number", flat=True
        )
    )
    follow_up_days = registry.case_type(RATING_FOLLOW_UP_CASE_TYPE).statutory_days
    follow_ups: list[Case] = []
    bad: list[tuple[Case, rules.CasePlan, User | None]] = []
    with translation.override(settings.LANGUAGE_CODE):
        for case, plan, item, _user in rated:
            if plan.grade is None or plan.grade > 2 or plan.rated_at is None:
                continue
            steps: tuple[rules.PlannedStep, ...] = ()
            if plan.follow_up_resolved_at is not None:
                steps = (
                    rules.PlannedStep(
                        "resolve", plan.follow_up_resolved_at, note=plan.follow_up_note
                    ),
                )
            clock = rules.run_clock(
                calendars=calendars,
                steps=steps,
                promised_days=None,
                statutory_days=follow_up_days,
                starts_on=timezone.localtime(plan.rated_at).date(),
            )
            on = timezone.localtime(plan.rated_at).date()
            while True:
                number = rules.tracking_number(on=on, department_code=item.department.code, rng=rng)
                if number not in taken:
                    taken.add(number)
                    break
            resolved = plan.follow_up_resolved_at
            follow_ups.append(
                Case(
                    case_type=RATING_FOLLOW_UP_CASE_TYPE,
                    tracking_number=number,
                    title=gettext("Bad rating: %(title)s (%(number)s)")
                    % {"title": case.title, "number": case.tracking_number},
                    state="resolved" if resolved else "open",
                    department=item.department,
                    applicant=case.applicant,
                    applicant_name=case.applicant_name,
                    applicant_phone=case.applicant_phone,
                    applicant_email=case.applicant_email,
                    submitted_at=plan.rated_at,
                    closed_at=resolved,
                    is_closed=resolved is not None,
                    statutory_days=follow_up_days,
                    version=1 if resolved else 0,
                    **vars(clock),
                )
            )
            bad.append((case, plan, officers.get(item.department.code)))
        follow_ups = Case.objects.bulk_create(follow_ups, batch_size=BULK_BATCH_SIZE)
        events = []
        by_case: dict[int, Case] = {}
        for follow_up, (case, plan, officer) in zip(follow_ups, bad, strict=True):
            by_case[case.pk] = follow_up
            grade = ServiceRating.Grade(plan.grade)
            events.append(
                CaseEvent(
                    case=follow_up,
                    at=plan.rated_at,
                    actor=case.applicant,
                    actor_name=_actor_name(case.applicant),
                    transition="created",
                    to_state="open",
                    note=gettext("Rating: %(grade)s. Comment: %(comment)s")
                    % {"grade": grade.label, "comment": plan.comment or "—"},
                )
            )
            if plan.follow_up_resolved_at is not None:
                events.append(
                    CaseEvent(
                        case=follow_up,
                        at=plan.follow_up_resolved_at,
                        actor=officer,
                        actor_name=_actor_name(officer),
                        transition="resolve",
                        from_state="open",
                        to_state="resolved",
                        note=plan.follow_up_note,
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=BULK_BATCH_SIZE)
    ServiceRating.objects.bulk_create(
        [
            ServiceRating(
                case=case,
                item=item,
                department_id=case.department_id,
                grade=plan.grade,
                comment=plan.comment,
                created_at=plan.rated_at,
                follow_up=by_case.get(case.pk),
            )
            for case, plan, item, _user in rated
        ],
        batch_size=BULK_BATCH_SIZE,
    )


def _backdate(*, case: Case, applicant: User, times: list[datetime]) -> None:
    """Give a showcase case's history the dates of the story (the actions stamp "now"; the
    clock itself was run with those dates through ``transition_case(today=...)``)."""
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
    for event, moment in zip(events, times, strict=False):
        event.at = moment
    CaseEvent.objects.bulk_update(events, ["at"])
    Case.objects.filter(pk=case.pk).update(submitted_at=times[0])
    Application.objects.filter(case=case).update(
        submitted_at=times[0], created_at=times[0] - timedelta(minutes=25)
    )
    CaseAttachment.objects.filter(
        case=case, uploaded_by=applicant, uploaded_at__gt=times[0]
    ).update(uploaded_at=times[0])


def _showcase_case(
    *,
    item: ServiceItem,
    applicant: User,
    officer: User | None,
    submitted_days_ago: int | None,
    steps: tuple[tuple[str, int, str], ...] = (),
    grade: int | None = None,
    comment: str = "",
    rng: random.Random,
    today: date,
) -> Case | None:
    """One application of a demo account through the real actions: a draft filled in from
    the account's profile with the required materials uploaded as PDFs, submitted
    ``submitted_days_ago`` working days ago (None: left as a draft), then the officer's and
    the applicant's ``steps`` (transition, working days ago, note) and the rating. Steps of
    0 days ago happen now, so a decision is issued today with its PDF."""
    calendars = _demo_calendars()
    profile = applicant.public_profile
    person = rules.SampleApplicant(
        kind=profile.kind,
        name=profile.legal_representative or profile.real_name,
        resident_id=profile.resident_id
        or rules.resident_id(division="140502", birth="19790308", sequence="017"),
        mobile_phone=profile.mobile_phone,
        address="山西省晋城市城区凤台东街1688号",
        organisation_name=profile.organisation_name,
        credit_code=profile.credit_code,
        legal_representative=profile.legal_representative,
    )
    application = service_actions.start_application(item=item, applicant=applicant)
    fields = [(f.key, f.field_type, rules.form_choices(f.choices)) for f in item.form_fields.all()]
    service_actions.save_application_draft(
        application=application,
        actor=applicant,
        form_data=rules.sample_form_data(rng=rng, fields=fields, applicant=person, on=today),
    )
    uploads = [(m, "", m.name) for m in item.materials.filter(is_required=True)]
    uploads += [
        (None, f.key, f.label)
        for f in item.form_fields.filter(field_type=ServiceFormField.FieldType.FILE)
    ]
    for material, field_key, label in uploads:
        service_actions.add_application_material(
            application=application,
            actor=applicant,
            material=material,
            field_key=field_key,
            upload=ContentFile(
                rules.simple_pdf(title=label, lines=[person.display_name, item.name]),
                name=f"{label}.pdf",
            ),
        )
    if submitted_days_ago is None:
        return None
    case = service_actions.submit_application(application=application, actor=applicant)
    times = [_office_moment(rules.working_day_before(calendars, today, submitted_days_ago), rng)]
    for transition, days_ago, note in steps:
        day = rules.working_day_before(calendars, today, days_ago)
        try:
            if transition == "correct":
                # The applicant's correction resumes the clock on the real today.
                service_actions.correct_application(
                    application=application, actor=applicant, note=note
                )
            else:
                case_actions.transition_case(
                    case=case,
                    transition=transition,
                    actor=officer,
                    note=note,
                    today=day if days_ago else None,
                )
        except case_actions.CaseError:
            # Without a PDF renderer on this machine a decision cannot be recorded (the
            # officer who tries is told why); the story stops under examination.
            break
        times.append(_office_moment(day, rng) if days_ago else timezone.now())
        case.refresh_from_db()
    if grade is not None and case.state == "closed":
        service_actions.rate_service(case=case, actor=applicant, grade=grade, comment=comment)
    _backdate(case=case, applicant=applicant, times=times)
    return case


def showcase_applications(
    *, items: dict[str, ServiceItem], accounts: dict[str, User], officers: dict[str, User]
) -> int:
    """The demo accounts' own applications, through the real actions: what a visitor who
    logs in as the citizen or the business finds (a closed case to rate or already rated,
    a correction to make, cases under way, a draft). Returns how many were submitted."""
    rng = random.Random(DEFAULT_SEED + 1)
    today = timezone.localdate()
    citizen = accounts.get(service_seed.CITIZEN_USERNAME)
    business = accounts.get(service_seed.BUSINESS_USERNAME)
    stories: list[
        tuple[User | None, str, int | None, tuple[tuple[str, int, str], ...], int | None, str]
    ] = [
        (
            citizen,
            "140500-GG-0301",
            7,
            (("accept", 6, ""), ("approve", 0, ""), ("close", 0, "")),
            None,
            "",
        ),
        (
            citizen,
            "140500-QR-0302",
            4,
            (
                ("accept", 3, ""),
                ("request_correction", 2, "请补充上传居民户口簿本人页，需清晰完整。"),
            ),
            None,
            "",
        ),
        (citizen, "140500-JF-0401", 0, (), None, ""),
        (citizen, "140500-GG-0701", None, (), None, ""),
        (
            business,
            "140500-XK-0103",
            8,
            (
                ("accept", 7, ""),
                ("request_correction", 5, "平面布局图未标明功能间面积，请补充。"),
                ("correct", 0, "已补充标注面积的平面布局图。"),
                ("approve", 0, ""),
                ("close", 0, ""),
            ),
            2,
            "补正要求没有一次性告知，来回跑了两趟。",
        ),
        (business, "140500-XK-0601", 2, (("accept", 1, ""),), None, ""),
    ]
    submitted = 0
    for applicant, code, days_ago, steps, grade, comment in stories:
        item = items.get(code)
        if applicant is None or item is None:
            continue
        case = _showcase_case(
            item=item,
            applicant=applicant,
            officer=officers.get(item.department.code),
            submitted_days_ago=days_ago,
            steps=steps,
            grade=grade,
            comment=comment,
            rng=rng,
            today=today,
        )
        submitted += case is not None
    return submitted


def _office_moment(day: date, rng: random.Random) -> datetime:
    return datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(9, 16),
        rng.randint(0, 59),
        tzinfo=timezone.get_current_timezone(),
    )
