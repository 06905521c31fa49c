"""Every write of proactive disclosure: the ``/zwgk/`` page, each organisation's catalogue with
its editors' and reviewers' page permissions and review workflow, its guide, index numbers,
and the items themselves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from zaixian.core.models import Department, User
from zaixian.core.workdays import add_working_days
from zaixian.disclosure import queries, rules
from zaixian.disclosure.models import (
    DisclosureCataloguePage,
    DisclosureCategory,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureItemPage,
    IndexNumberSequence,
    PolicyInterpretationLink,
)

ROOT_SLUG = "zwgk"
# Page titles and group names are stored data in the site's language (like the portal's).
ROOT_TITLE = "政府信息公开"
CATALOGUE_TITLE = "{name}政府信息公开目录"
GUIDE_TITLE = "{name}政府信息公开指南"
NAME_SEPARATOR = "·"
EDITORS_SUFFIX = "信息公开编辑"
REVIEWERS_SUFFIX = "信息公开审核"

# Editors add and change items; only the office's reviewers publish (Wagtail page permission
# types, granted on the organisation's catalogue page and inherited below it).
EDITOR_PAGE_PERMISSIONS = ("add", "change", "lock")
REVIEWER_PAGE_PERMISSIONS = ("add", "change", "lock", "publish")
EDITOR_MEDIA_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)
REVIEWER_MEDIA_PERMISSIONS = (
    *EDITOR_MEDIA_PERMISSIONS,
    ("wagtaildocs", "change_document"),
)


class DisclosureSetupError(Exception):
    """The ``/zwgk/`` page cannot be set up (no default site with a portal home page)."""


# --- The /zwgk/ page and the catalogues -------------------------------------------------------


@transaction.atomic
def ensure_disclosure_root(*, site: Site | None = None) -> DisclosureIndexPage:
    """The live ``/zwgk/`` page under the home page of ``site`` (default: the default site).

    Idempotent. If a plain channel already holds the slug (the portal's "政务公开" channel),
    its sub-channels (policy documents, annual reports…) move under the new page, which keeps
    their place in the ``/zwgk/`` tree, and the emptied channel is removed."""
    site = site or Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise DisclosureSetupError("There is no default site to put /zwgk/ under.")
    home = site.root_page
    existing = DisclosureIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    squatter = home.get_children().filter(slug=ROOT_SLUG).first()
    # With a squatter, the new page is made under a temporary slug, takes the squatter's
    # children, and only then the slug: Wagtail creates redirects for moved and renamed pages
    # when the transaction commits, so every page they point to must still exist by then.
    slug = f"{ROOT_SLUG}-new" if squatter is not None else ROOT_SLUG
    root = DisclosureIndexPage(title=ROOT_TITLE, slug=slug, live=True, show_in_menus=True)
    Page.objects.get(pk=home.pk).add_child(instance=root)
    if squatter is not None:
        for child in squatter.get_children():
            child.specific.move(DisclosureIndexPage.objects.get(pk=root.pk), pos="last-child")
        Page.objects.get(pk=squatter.pk).delete()
        root = DisclosureIndexPage.objects.get(pk=root.pk)
        root.slug = ROOT_SLUG
        root.save(clean=False)
    root.save_revision().publish()
    return DisclosureIndexPage.objects.get(pk=root.pk)


@dataclass(frozen=True)
class CatalogueGroups:
    """The two groups of an organisation's catalogue, made by ``setup_catalogue_permissions``."""

    editors: Group
    reviewers: Group
    workflow: Workflow
    collection: Collection


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def setup_catalogue_permissions(*, catalogue: DisclosureCataloguePage) -> CatalogueGroups:
    """The organisation's editors (信息公开编辑: add and change items) and reviewers
    (信息公开审核: also publish), with page permissions on this catalogue only — so an
    editor of one organisation cannot publish into another's — a one-step review workflow,
    and a document collection for attachments. Idempotent."""
    department = catalogue.department
    label = department.name
    editors = Group.objects.get_or_create(name=f"{label}{NAME_SEPARATOR}{EDITORS_SUFFIX}")[0]
    reviewers = Group.objects.get_or_create(name=f"{label}{NAME_SEPARATOR}{REVIEWERS_SUFFIX}")[0]
    editors.permissions.add(_permission("wagtailadmin", "access_admin"))
    reviewers.permissions.add(
        _permission("wagtailadmin", "access_admin"),
        _permission("disclosure", "view_disclosure_reports"),
    )
    page_permissions = ((editors, EDITOR_PAGE_PERMISSIONS), (reviewers, REVIEWER_PAGE_PERMISSIONS))
    for group, types in page_permissions:
        for permission_type in types:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=catalogue,
                permission=_permission("wagtailcore", f"{permission_type}_page"),
            )

    root_collection = Collection.get_first_root_node()
    collection_name = f"{label}{NAME_SEPARATOR}信息公开"
    collection = root_collection.get_children().filter(name=collection_name).first()
    if collection is None:
        collection = root_collection.add_child(instance=Collection(name=collection_name))
    for group, codenames in (
        (editors, EDITOR_MEDIA_PERMISSIONS),
        (reviewers, REVIEWER_MEDIA_PERMISSIONS),
    ):
        for app_label, codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )

    # The catalogue's own workflow replaces the site's three-step review below it: the
    # organisation's disclosure office approves its own items.
    workflow = Workflow.objects.get_or_create(
        name=f"{label}{NAME_SEPARATOR}{REVIEWERS_SUFFIX}", defaults={"active": True}
    )[0]
    task = GroupApprovalTask.objects.filter(name=reviewers.name).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=reviewers.name)
    task.groups.set([reviewers])
    WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})
    return CatalogueGroups(
        editors=editors, reviewers=reviewers, workflow=workflow, collection=collection
    )


@transaction.atomic
def create_disclosure_catalogue(
    *, root: DisclosureIndexPage, department: Department, intro: str = ""
) -> DisclosureCataloguePage:
    """The organisation's live catalogue under ``/zwgk/`` (slug: its code in lower case) with
    its groups. Idempotent: an organisation has one catalogue."""
    catalogue = DisclosureCataloguePage.objects.filter(department=department).first()
    if catalogue is None:
        catalogue = DisclosureCataloguePage(
            title=CATALOGUE_TITLE.format(name=department.name),
            slug=department.code.lower(),
            department=department,
            intro=intro,
            live=True,
        )
        DisclosureIndexPage.objects.get(pk=root.pk).add_child(instance=catalogue)
        catalogue.save_revision().publish()
    setup_catalogue_permissions(catalogue=catalogue)
    return catalogue


@transaction.atomic
def ensure_disclosure_guide(
    *, catalogue: DisclosureCataloguePage, **fields: Any
) -> DisclosureGuidePage:
    """The catalogue's live guide with ``fields`` (Article 12 contents). Idempotent: an
    existing guide is kept as the office edited it."""
    guide = DisclosureGuidePage.objects.child_of(catalogue).first()
    if guide is not None:
        return guide
    guide = DisclosureGuidePage(
        title=GUIDE_TITLE.format(name=catalogue.department.name), slug="guide", live=True, **fields
    )
    guide.full_clean(exclude=["path", "depth", "url_path"])
    DisclosureCataloguePage.objects.get(pk=catalogue.pk).add_child(instance=guide)
    guide.save_revision().publish()
    return guide


def ensure_disclosure_categories() -> int:
    """The fixed category list (``rules.DISCLOSURE_CATEGORIES``), as the data migration loads
    it; for databases emptied since (test flushes). Returns how many were missing."""
    missing = 0
    for order, (code, name, article, is_interpretation) in enumerate(rules.DISCLOSURE_CATEGORIES):
        _category, created = DisclosureCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "article": article,
                "sort_order": (order + 1) * 10,
                "is_policy_interpretation": is_interpretation,
            },
        )
        missing += created
    return missing


# --- Index numbers and items --------------------------------------------------------------


@transaction.atomic
def allocate_index_number(
    *, department: Department, category: DisclosureCategory, year: int
) -> str:
    """The next free index number of an organisation's category in a year. The counter row is
    locked, so two editors saving at once get different numbers; numbers taken by hand are
    skipped, and a number is never handed out twice."""
    sequence, _created = IndexNumberSequence.objects.get_or_create(
        department=department, category=category, year=year
    )
    sequence = IndexNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    number = sequence.last_number
    while True:
        number += 1
        candidate = rules.format_index_number(
            organisation=department.code, category=category.code, year=year, sequence=number
        )
        if not queries.index_number_in_use(index_number=candidate):
            break
    sequence.last_number = number
    sequence.save(update_fields=["last_number"])
    return candidate


def prepare_disclosure_item(
    *, item: DisclosureItemPage, catalogue: DisclosureCataloguePage
) -> DisclosureItemPage:
    """Fill in what the editor does not enter: the publishing organisation (the catalogue's),
    the Article 26 publication deadline, and the index number when there is none yet (its
    year is the publish date's, or this year's). Saves nothing itself."""
    item.department = catalogue.department
    item.publication_deadline = add_working_days(
        item.date_written, rules.PUBLICATION_PERIOD_WORKING_DAYS
    )
    if not item.index_number:
        year = (item.publish_date or timezone.localdate()).year
        item.index_number = allocate_index_number(
            department=catalogue.department, category=item.category, year=year
        )
    return item


def disclosure_item_errors(
    *,
    item: DisclosureItemPage,
    catalogue: DisclosureCataloguePage,
    policies: Sequence[DisclosureItemPage],
    stored_index_number: str | None,
) -> dict[str, list[str]]:
    """Every metadata error of an item about to be saved, by field (the editor's form and
    ``create_disclosure_item`` both use it)."""
    category = item.category if item.category_id else None
    errors = rules.item_metadata_errors(
        date_written=item.date_written,
        publish_date=item.publish_date,
        today=timezone.localdate(),
        validity=item.validity,
        validity_changed_on=item.validity_changed_on,
        genre=item.genre,
        document_number=item.document_number,
        is_interpretation=bool(category and category.is_policy_interpretation),
        policy_count=len(policies),
    )
    if any(policy.pk is not None and policy.pk == item.pk for policy in policies):
        errors.setdefault("category", []).append(_("An interpretation cannot interpret itself."))
    index_number = (item.index_number or "").strip()
    if stored_index_number and index_number != stored_index_number:
        errors.setdefault("index_number", []).append(_("An index number never changes once given."))
    elif index_number and not stored_index_number:
        messages = rules.index_number_errors(
            index_number,
            organisation=catalogue.department.code,
            category=category.code if category else "",
        )
        in_use = queries.index_number_in_use(index_number=index_number, exclude_pk=item.pk)
        if not messages and in_use:
            messages = [_("This index number is already used by another item.")]
        if messages:
            errors.setdefault("index_number", []).extend(messages)
    return errors


@transaction.atomic
def create_disclosure_item(
    *,
    catalogue: DisclosureCataloguePage,
    title: str,
    category: DisclosureCategory,
    summary: str,
    date_written: date,
    publish_date: date | None = None,
    index_number: str | None = None,
    document_number: str = "",
    subject: str = DisclosureItemPage.Subject.GENERAL,
    genre: str = DisclosureItemPage.Genre.NOTICE,
    validity: str = DisclosureItemPage.Validity.VALID,
    validity_changed_on: date | None = None,
    keywords: str = "",
    body: str = "",
    interprets: Iterable[DisclosureItemPage] = (),
    slug: str | None = None,
    publish: bool = True,
    with_revision: bool = True,
    user: User | None = None,
) -> DisclosureItemPage:
    """Create an item in a catalogue (scripts, imports, the demo), checked like the editor's
    form: a bad field raises ``ValidationError`` and nothing is saved.

    ``with_revision=False`` (bulk imports of already-published items) inserts the item live
    without a revision or Wagtail's publish events; the caller indexes it for search."""
    policies = list(interprets)
    item = DisclosureItemPage(
        title=title,
        slug=slug or "",
        category=category,
        summary=summary,
        date_written=date_written,
        publish_date=publish_date,
        index_number=index_number or None,
        document_number=document_number,
        subject=subject,
        genre=genre,
        validity=validity,
        validity_changed_on=validity_changed_on,
        keywords=keywords,
        body=body,
        owner=user,
        live=False,  # live only through publication below, as in the editor
    )
    errors = disclosure_item_errors(
        item=item, catalogue=catalogue, policies=policies, stored_index_number=None
    )
    if errors:
        raise ValidationError(errors)
    prepare_disclosure_item(item=item, catalogue=catalogue)
    if not item.slug:
        item.slug = item.index_number.lower() if item.index_number else ""
    item.interpreted_policy_links = [PolicyInterpretationLink(policy=p) for p in policies]
    parent = DisclosureCataloguePage.objects.get(pk=catalogue.pk)
    item.full_clean(exclude=["path", "depth", "url_path", "department"])
    if publish and not with_revision:
        published_at = timezone.make_aware(
            datetime.combine(item.publish_date or timezone.localdate(), time(9, 0))
        )
        item.live = True
        item.has_unpublished_changes = False
        item.first_published_at = item.last_published_at = published_at
        item.live_revision = None
        if item.publish_date is None:
            item.publish_date = timezone.localdate(published_at)
        parent.add_child(instance=item)
        return item
    parent.add_child(instance=item)
    if publish:
        item.save_revision(user=user).publish(user=user, skip_permission_checks=True)
        item.refresh_from_db()
    return item


@transaction.atomic
def adopt_copied_item(*, item: DisclosureItemPage) -> DisclosureItemPage:
    """A copy of an item (Wagtail's "copy") belongs to the catalogue it was copied into: it
    takes that organisation, a fresh index number and its own deadline."""
    item = DisclosureItemPage.objects.get(pk=item.pk)
    parent = item.get_parent()
    catalogue = parent.specific if parent is not None else None
    if not isinstance(catalogue, DisclosureCataloguePage):
        return item
    item.index_number = None
    prepare_disclosure_item(item=item, catalogue=catalogue)
    DisclosureItemPage.objects.filter(pk=item.pk).update(
        department=item.department,
        index_number=item.index_number,
        publication_deadline=item.publication_deadline,
    )
    return item


def record_item_publication(*, item: DisclosureItemPage) -> None:
    """On publication: an item without a publish date takes the day it was first published
    (Wagtail's ``first_published_at``, in the city's time zone)."""
    if item.publish_date is not None or item.first_published_at is None:
        return
    publish_date = timezone.localdate(item.first_published_at)
    DisclosureItemPage.objects.filter(pk=item.pk, publish_date__isnull=True).update(
        publish_date=publish_date
    )
    item.publish_date = publish_date
