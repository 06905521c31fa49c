"""Every write of the portal: setting up the sites of the site group (站群) with their groups,
permissions and three-step review (三审) workflow, scheduled publishing, and the page cache."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from zaixian.portal import queries
from zaixian.portal.models import ArticlePage, HomePage, SiteFooterSettings

# Group name suffixes. Group names are data (shown in the admin as they are), so they are
# Chinese and not translated: "<site name>·编辑" and so on.
EDITORS_SUFFIX = "编辑"
FIRST_REVIEWERS_SUFFIX = "初审"
SECOND_REVIEWERS_SUFFIX = "复审"
FINAL_APPROVERS_SUFFIX = "终审"
SITE_ADMINS_SUFFIX = "站点管理员"
WORKFLOW_SUFFIX = "三审"
NAME_SEPARATOR = "·"

# Wagtail page permission types (``wagtail.models.PAGE_PERMISSION_TYPES``) per role. Editors
# never get "publish": their work must pass the three steps. Reviewers of the first two steps
# get "change" so they can open, correct and comment on a page in the editor while reviewing.
EDITOR_PAGE_PERMISSIONS = ("add", "change", "lock")
REVIEWER_PAGE_PERMISSIONS = ("change", "lock")
FINAL_APPROVER_PAGE_PERMISSIONS = ("change", "lock", "publish")
SITE_ADMIN_PAGE_PERMISSIONS = ("add", "change", "lock", "unlock", "publish", "bulk_delete")

# Collection (image and document folder) permissions per role.
MEDIA_EDITOR_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)
MEDIA_REVIEWER_PERMISSIONS = (
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "choose_document"),
)
MEDIA_SITE_ADMIN_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "delete_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "delete_document"),
    ("wagtaildocs", "choose_document"),
)


@dataclass(frozen=True)
class SiteGroups:
    """The groups of one site, created by ``setup_site``."""

    editors: Group
    first_reviewers: Group
    second_reviewers: Group
    final_approvers: Group
    site_admins: Group
    workflow: Workflow
    collection: Collection

    @property
    def reviewers(self) -> list[Group]:
        """The groups of the three review steps, in order."""
        return [self.first_reviewers, self.second_reviewers, self.final_approvers]


def site_label(*, site: Site) -> str:
    """The name groups, workflow and collection of a site are named after."""
    return site.site_name or site.hostname


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_page_permissions(*, group: Group, page: Page, types: tuple[str, ...]) -> None:
    for permission_type in types:
        permission = _permission("wagtailcore", f"{permission_type}_page")
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _grant_collection_permissions(
    *, group: Group, collection: Collection, codenames: tuple[tuple[str, str], ...]
) -> None:
    for app_label, codename in codenames:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )


def _site_collection(*, name: str) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    if existing is not None:
        return existing
    return root.add_child(instance=Collection(name=name))


def _review_workflow(*, name: str, steps: list[tuple[str, Group]], root_page: Page) -> Workflow:
    """The three-step workflow: one ``GroupApprovalTask`` per step, in order, assigned to the
    site's root page so that every page below it goes through all the steps."""
    workflow, _created = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    for sort_order, (task_name, group) in enumerate(steps):
        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=task_name)
        task.groups.set([group])
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": sort_order}
        )
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def setup_site(*, site: Site) -> SiteGroups:
    """Create (or complete) the groups, page and collection permissions and the three-step
    review workflow of one site. Idempotent: running it again changes nothing."""
    label = site_label(site=site)
    root_page = site.root_page

    def group(suffix: str) -> Group:
        return Group.objects.get_or_create(name=f"{label}{NAME_SEPARATOR}{suffix}")[0]

    groups = {
        "editors": group(EDITORS_SUFFIX),
        "first_reviewers": group(FIRST_REVIEWERS_SUFFIX),
        "second_reviewers": group(SECOND_REVIEWERS_SUFFIX),
        "final_approvers": group(FINAL_APPROVERS_SUFFIX),
        "site_admins": group(SITE_ADMINS_SUFFIX),
    }
    access_admin = _permission("wagtailadmin", "access_admin")
    for member in groups.values():
        member.permissions.add(access_admin)

    # Page permissions sit on the site root only: Wagtail inherits them down the tree and the
    # explorer then starts every user at their own site.
    page_permissions = {
        "editors": EDITOR_PAGE_PERMISSIONS,
        "first_reviewers": REVIEWER_PAGE_PERMISSIONS,
        "second_reviewers": REVIEWER_PAGE_PERMISSIONS,
        "final_approvers": FINAL_APPROVER_PAGE_PERMISSIONS,
        "site_admins": SITE_ADMIN_PAGE_PERMISSIONS,
    }
    for key, types in page_permissions.items():
        _grant_page_permissions(group=groups[key], page=root_page, types=types)

    collection = _site_collection(name=label)
    media_permissions = {
        "editors": MEDIA_EDITOR_PERMISSIONS,
        "first_reviewers": MEDIA_REVIEWER_PERMISSIONS,
        "second_reviewers": MEDIA_REVIEWER_PERMISSIONS,
        "final_approvers": MEDIA_EDITOR_PERMISSIONS,
        "site_admins": MEDIA_SITE_ADMIN_PERMISSIONS,
    }
    for key, codenames in media_permissions.items():
        _grant_collection_permissions(group=groups[key], collection=collection, codenames=codenames)

    # The footer is a per-site setting: a GroupSitePermission (not a global model permission)
    # lets site administrators edit their own site's footer and no other.
    for codename in ("change_sitefootersettings", "view_sitefootersettings"):
        GroupSitePermission.objects.get_or_create(
            group=groups["site_admins"], site=site, permission=_permission("portal", codename)
        )

    workflow = _review_workflow(
        name=f"{label}{WORKFLOW_SUFFIX}",
        steps=[
            (f"{label}{NAME_SEPARATOR}{FIRST_REVIEWERS_SUFFIX}", groups["first_reviewers"]),
            (f"{label}{NAME_SEPARATOR}{SECOND_REVIEWERS_SUFFIX}", groups["second_reviewers"]),
            (f"{label}{NAME_SEPARATOR}{FINAL_APPROVERS_SUFFIX}", groups["final_approvers"]),
        ],
        root_page=root_page,
    )
    return SiteGroups(**groups, workflow=workflow, collection=collection)


@transaction.atomic
def create_site(
    *, hostname: str, port: int, site_name: str, root_title: str, is_default: bool = False
) -> Site:
    """Create a site of the site group: a live home page under Wagtail's root, the ``Site``,
    its footer settings and (through ``setup_site``) its groups and review workflow.

    Idempotent: an existing site on the same host and port keeps its home page. A site there
    whose root is not one of our home pages (Wagtail's stock welcome page) is re-pointed.
    """
    site = Site.objects.filter(hostname=hostname, port=port).select_related("root_page").first()
    if site is None or not isinstance(site.root_page.specific, HomePage):
        wagtail_root = Page.get_first_root_node()
        slug = slugify(f"{hostname}-{port}", allow_unicode=True)
        home = HomePage.objects.filter(depth=2, slug=slug).first()
        if home is None:
            home = HomePage(title=root_title, slug=slug, live=True)
            wagtail_root.add_child(instance=home)
            home.save_revision().publish()
        if site is None:
            site = Site(hostname=hostname, port=port)
        site.root_page = home
    site.site_name = site_name
    if is_default:
        Site.objects.exclude(pk=site.pk).filter(is_default_site=True).update(is_default_site=False)
        site.is_default_site = True
    site.save()
    SiteFooterSettings.objects.get_or_create(site=site)
    setup_site(site=site)
    return site


def publish_scheduled_pages() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's
    scheduled publishing)."""
    call_command("publish_scheduled", verbosity=0)


# --- Page cache ---------------------------------------------------------------------------


def invalidate_page_cache(*, site_id: int) -> None:
    """Make every cached page of a site stale at once by moving to the next generation.
    Old entries are never read again and expire on their own TTL. Works across processes
    when the cache is Redis (``incr`` is atomic there)."""
    key = queries.PAGE_CACHE_GENERATION_KEY.format(site_id=site_id)
    try:
        cache.incr(key)
    except ValueError:
        # No generation yet (or evicted): any fresh clock value differs from the old one.
        cache.set(key, time.time_ns(), timeout=None)


def invalidate_page_cache_for_pages(*, pages: list[Page]) -> None:
    """Invalidate the cache of every site whose tree holds one of ``pages``. Done at once and
    again after the transaction commits, so a visitor who asks in between cannot put the
    old content back into the cache for the whole TTL."""
    paths = [page.path for page in pages if page.path]
    site_ids = [
        site.pk
        for site in Site.objects.select_related("root_page")
        if any(path.startswith(site.root_page.path) for path in paths)
    ]
    for site_id in site_ids:
        invalidate_page_cache(site_id=site_id)

    def again() -> None:
        for site_id in site_ids:
            invalidate_page_cache(site_id=site_id)

    transaction.on_commit(again)


def forget_view_restrictions(*, page: Page) -> None:
    """A private section was made, changed or opened: forget the cached restricted paths,
    and every cached page of the sites holding it (their lists may show its pages)."""
    cache.delete(queries.RESTRICTED_PATHS_KEY)
    transaction.on_commit(lambda: cache.delete(queries.RESTRICTED_PATHS_KEY))
    invalidate_page_cache_for_pages(pages=[page])


def forget_sites() -> None:
    """A site, or a site's root page, changed: forget which site serves which host."""
    try:
        cache.incr(queries.SITES_VERSION_KEY)
    except ValueError:
        cache.set(queries.SITES_VERSION_KEY, time.time_ns(), timeout=None)


def file_article(*, article: ArticlePage) -> None:
    """Note the page an article sits under (``ArticlePage.channel``) before it is saved."""
    if not article.path or len(article.path) <= article.steplen:
        return
    article.channel_id = (
        Page.objects.filter(path=article.path[: -article.steplen])
        .values_list("pk", flat=True)
        .first()
    )


def refile_moved_article(*, article_id: int, parent_id: int) -> None:
    """A moved article is listed under its new parent."""
    ArticlePage.objects.filter(pk=article_id).update(channel_id=parent_id)
