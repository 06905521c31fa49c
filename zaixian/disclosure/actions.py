"""Every write of proactive disclosure: the ``/zwgk/`` page, each organisation's catalogue with
its editors' and reviewers' page permissions and review workflow, its guide, index numbers,
and the items themselves."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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

from zaixian.cases import actions as case_actions
from zaixian.cases.models import Case, CaseEvent
from zaixian.cases.registry import ClockEffect
from zaixian.core import uploads
from zaixian.core.models import Department, User
from zaixian.core.queries import departments_visible_to, user_has_role
from zaixian.core.roles import Role
from zaixian.core.validators import (
    validate_credit_code,
    validate_mobile_phone,
    validate_resident_id,
)
from zaixian.core.workdays import add_working_days
from zaixian.disclosure import documents, queries, rules
from zaixian.disclosure.models import (
    AnnualReportFigures,
    DisclosureCataloguePage,
    DisclosureCategory,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureItemPage,
    DisclosureRequest,
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
# What an applicant may upload with a request (an authorisation, an identity document…).
REQUEST_UPLOAD_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "ofd")
REQUEST_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

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


# =============================================================================================
# Disclosure requests (依申请公开) on the case engine
# =============================================================================================


class RequestError(case_actions.CaseError):
    """A refused step of a disclosure request; ``str()`` is the message for the person. A
    ``CaseError``, so the case desk shows it when the refusal comes from a transition."""

    default_message = gettext_lazy("This is not possible for this request.")


class NotPublicUserError(RequestError):
    default_message = gettext_lazy(
        "Requests are made with a citizen's or business account. Staff accounts cannot make "
        "requests; please log in with your personal or business account."
    )


class RequestInvalidError(RequestError):
    """Fields of a request are missing or wrong; ``errors`` maps field names to messages."""

    default_message = gettext_lazy("The request is incomplete. Please correct the fields marked.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__()
        self.errors = errors


@dataclass(frozen=True)
class RequestDetails:
    """What an applicant fills in (the online form, or an officer registering a paper one)."""

    applicant_kind: str
    applicant_name: str
    phone: str
    description: str
    id_number: str = ""
    credit_code: str = ""
    contact_name: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    purpose: str = ""
    form: str = DisclosureRequest.Form.ELECTRONIC
    delivery: str = DisclosureRequest.Delivery.ONLINE


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TEXT_LIMITS = {
    "applicant_name": 100,
    "contact_name": 50,
    "address": 200,
    "purpose": 500,
    "description": 2000,
}


def _clean(text: str, limit: int) -> str:
    return _CONTROL_CHARACTERS.sub("", text or "").strip()[:limit]


def request_details_errors(details: RequestDetails) -> dict[str, list[str]]:
    """Everything wrong with ``details``, by field (the same checks for the form, the API and
    officers): the identity the applicant kind needs, contact, and the request itself."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(str(message))

    def check(name: str, validator: Any) -> None:
        try:
            validator(getattr(details, name))
        except ValidationError as error:
            for message in error.messages:
                add(name, message)

    kinds = {key for key, _label in rules.APPLICANT_KINDS}
    if details.applicant_kind not in kinds:
        add("applicant_kind", _("Choose who is making the request."))
    for name, limit in _TEXT_LIMITS.items():
        if len(getattr(details, name) or "") > limit:
            add(
                name,
                _("Keep this to at most %(limit)d characters (it has %(count)d).")
                % {"limit": limit, "count": len(getattr(details, name))},
            )
    if not details.applicant_name.strip():
        add(
            "applicant_name",
            _("Enter the name of the organisation.")
            if rules.is_organisation(details.applicant_kind)
            else _("Enter your name as on your resident ID card."),
        )
    if details.applicant_kind == rules.NATURAL_PERSON:
        if not details.id_number.strip():
            add("id_number", _("A natural person's request needs the resident ID number."))
        else:
            check("id_number", validate_resident_id)
    elif rules.is_organisation(details.applicant_kind):
        if not details.credit_code.strip():
            add("credit_code", _("An organisation's request needs its unified social credit code."))
        else:
            check("credit_code", validate_credit_code)
        if not details.contact_name.strip():
            add("contact_name", _("Enter the name of the contact person."))
    if not details.phone.strip():
        add("phone", _("Enter a mobile number the office can reach you at."))
    else:
        check("phone", validate_mobile_phone)
    if details.email.strip():
        try:
            EmailValidator()(details.email.strip())
        except ValidationError:
            add("email", _("Enter a valid e-mail address."))
    if not details.description.strip():
        add("description", _("Describe the information you are asking for."))
    if details.form not in DisclosureRequest.Form.values:
        add("form", _("Choose one of the listed forms."))
    if details.delivery not in DisclosureRequest.Delivery.values:
        add("delivery", _("Choose one of the listed ways of delivery."))
    if details.delivery == DisclosureRequest.Delivery.POST and not details.address.strip():
        add("address", _("Delivery by post needs a postal address."))
    if details.delivery == DisclosureRequest.Delivery.EMAIL and not details.email.strip():
        add("email", _("Delivery by e-mail needs an e-mail address."))
    if details.postcode and not re.fullmatch(r"\d{6}", details.postcode.strip()):
        add("postcode", _("A postcode has six digits."))
    return errors


def _public_profile(user: Any) -> Any:
    if user is None or not user.is_authenticated or not user.is_active or user.is_staff:
        return None
    try:
        return user.public_profile
    except ObjectDoesNotExist:
        return None


def _is_on_behalf_of_other(details: RequestDetails, profile: Any) -> bool:
    """A request whose applicant is not the account holder (a relative, a client, …)."""
    if details.applicant_kind == rules.NATURAL_PERSON:
        return bool(profile.resident_id) and (
            details.id_number.strip().upper() != profile.resident_id.upper()
        )
    return bool(profile.credit_code) and (
        details.credit_code.strip().upper() != profile.credit_code.upper()
    )


def _open_request(
    *,
    department: Department,
    details: RequestDetails,
    channel: str,
    received_on: date,
    applicant: Any,
    actor: Any,
    on_behalf_of_other: bool,
) -> DisclosureRequest:
    submitted_at = timezone.make_aware(datetime.combine(received_on, time(9)))
    if channel == rules.Channel.ONLINE:
        submitted_at = timezone.now()
    summary = _clean(details.description, 60).replace("\n", " ")
    with translation.override(settings.LANGUAGE_CODE):  # stored data, in the site's language
        title = _("Disclosure request: %(title)s") % {"title": summary}
    case = case_actions.create_case(
        case_type=rules.REQUEST_CASE_TYPE,
        department=department,
        title=title,
        applicant=applicant,
        applicant_name=_clean(details.applicant_name, 100),
        applicant_phone=details.phone.strip(),
        applicant_email=details.email.strip(),
        actor=actor,
        submitted_at=submitted_at,
    )
    is_person = details.applicant_kind == rules.NATURAL_PERSON
    return DisclosureRequest.objects.create(
        case=case,
        department=department,
        channel=channel,
        received_on=received_on,
        applicant_kind=details.applicant_kind,
        applicant_name=_clean(details.applicant_name, 100),
        id_number=details.id_number.strip().upper() if is_person else "",
        credit_code="" if is_person else details.credit_code.strip().upper(),
        contact_name="" if is_person else _clean(details.contact_name, 50),
        phone=details.phone.strip(),
        email=details.email.strip(),
        address=_clean(details.address, 200),
        postcode=details.postcode.strip(),
        on_behalf_of_other=on_behalf_of_other,
        description=_clean(details.description, 2000),
        purpose=_clean(details.purpose, 500),
        form=details.form,
        delivery=details.delivery,
    )


def submit_disclosure_request(
    *,
    applicant: Any,
    department: Department,
    details: RequestDetails,
    upload: Any = None,
) -> DisclosureRequest:
    """An online request of a signed-in citizen's or business account. The form confirms
    receipt to the applicant at once, so the date of receipt is today (Article 31 (三)).

    A request for someone other than the account holder needs that person's identity (it is
    checked like any other) and, uploaded with it, the authorisation and proof of identity.
    Everything is checked before anything is stored; nothing is half-saved."""
    profile = _public_profile(applicant)
    if profile is None:
        raise NotPublicUserError
    errors = request_details_errors(details)
    on_behalf = not errors and _is_on_behalf_of_other(details, profile)
    if on_behalf and upload is None:
        errors.setdefault("upload", []).append(
            _(
                "This request is for someone other than the account holder: upload their "
                "authorisation and a copy of their identity document."
            )
        )
    if upload is not None:
        try:
            uploads.check_upload(
                upload, extensions=REQUEST_UPLOAD_EXTENSIONS, max_bytes=REQUEST_UPLOAD_MAX_BYTES
            )
        except ValidationError as error:
            errors.setdefault("upload", []).extend(error.messages)
    if errors:
        raise RequestInvalidError(errors)
    today = timezone.localdate()
    with transaction.atomic():
        request = _open_request(
            department=department,
            details=details,
            channel=rules.Channel.ONLINE,
            received_on=rules.date_of_receipt(channel=rules.Channel.ONLINE, submitted_on=today),
            applicant=applicant,
            actor=applicant,
            on_behalf_of_other=on_behalf,
        )
        if upload is not None:
            case_actions.add_case_attachment(
                case=request.case,
                upload=upload,
                actor=applicant,
                material=_("Applicant's material"),
                extensions=REQUEST_UPLOAD_EXTENSIONS,
                max_bytes=REQUEST_UPLOAD_MAX_BYTES,
            )
    return request


def register_disclosure_request(
    *,
    officer: Any,
    department: Department,
    details: RequestDetails,
    channel: str,
    submitted_on: date,
    signed_for_on: date | None = None,
    confirmed_on: date | None = None,
) -> DisclosureRequest:
    """An officer registers a request that came in person, by post, by letter or by fax; the
    date of receipt follows Article 31 for the channel."""
    if not departments_visible_to(officer).filter(pk=department.pk).exists() or not (
        user_has_role(officer, Role.CASE_OFFICER)
    ):
        raise case_actions.NotPermittedError
    errors = request_details_errors(details)
    if channel not in rules.Channel.ALL or channel == rules.Channel.ONLINE:
        errors.setdefault("channel", []).append(_("Choose how the request came in."))
    else:
        try:
            received_on = rules.date_of_receipt(
                channel=channel,
                submitted_on=submitted_on,
                signed_for_on=signed_for_on,
                confirmed_on=confirmed_on,
            )
        except rules.MissingReceiptDateError:
            field = "signed_for_on" if channel == rules.Channel.POST else "confirmed_on"
            errors.setdefault(field, []).append(
                _("This channel's date of receipt needs this date (Article 31).")
            )
        else:
            if received_on > timezone.localdate() or received_on < submitted_on:
                errors.setdefault("submitted_on", []).append(
                    _("The dates cannot be in the future or before the request was sent.")
                )
    if errors:
        raise RequestInvalidError(errors)
    with transaction.atomic():
        return _open_request(
            department=department,
            details=details,
            channel=channel,
            received_on=received_on,
            applicant=None,
            actor=officer,
            on_behalf_of_other=False,
        )


# --- The steps of the statutory flow (the case engine's hook) ------------------------------------


def _day_of(case: Case, transition: str) -> date:
    """The day a transition took effect, as the engine recorded it on the clock."""
    move = case.type.transition(transition)
    effect = move.clock
    if effect is ClockEffect.STOP and case.suspended_since is not None:
        return case.suspended_since
    if effect is ClockEffect.RESTART and case.clock_started_on is not None:
        return case.clock_started_on
    if case.finished_on is not None and (effect is ClockEffect.FINISH or case.is_closed):
        return case.finished_on
    return timezone.localdate()


def after_request_transition(*, case: Case, event: CaseEvent, actor: Any) -> None:
    """The case engine calls this inside every transition of a request: the rules the state
    map cannot say (one correction, within 7 working days; one extension; the correction
    and fee periods), the dates the annual report counts, and the reply letter. Raising
    ``RequestError`` undoes the transition."""
    request = DisclosureRequest.objects.select_for_update().get(case=case)
    name = event.transition
    today = _day_of(case, name)
    if name == "request_correction":
        if request.correction_due_on is not None:
            raise RequestError(
                _("A request is sent back for correction only once, with everything to correct.")
            )
        last_day = add_working_days(request.received_on, rules.CORRECTION_NOTICE_WORKING_DAYS)
        if today > last_day:
            raise RequestError(
                _(
                    "The correction had to be asked for within 7 working days of receipt (by "
                    "%(date)s); answer the request instead."
                )
                % {"date": last_day.isoformat()}
            )
        request.correction_due_on = add_working_days(today, rules.CORRECTION_PERIOD_WORKING_DAYS)
    elif name == "correct":
        request.corrected_description = _clean(event.note, 2000)
        request.corrected_on = today
    elif name == "close_not_corrected":
        if request.correction_due_on is None or today <= request.correction_due_on:
            raise RequestError(
                _("The applicant has until %(date)s to correct the request.")
                % {"date": request.correction_due_on}
            )
    elif name == "consult":
        request.consultation_due_on = add_working_days(
            today, rules.CONSULTATION_PERIOD_WORKING_DAYS
        )
    elif name == "extend":
        if case.events.filter(transition="extend").count() > 1:
            raise RequestError(_("The time limit may be extended only once."))
    elif name == "issue_fee_notice":
        if request.fee_yuan is None or request.fee_notice_on != today:
            raise RequestError(_("Work out the fee on the request's panel first."))
    elif name == "record_payment":
        request.fee_paid_on = today
    elif name == "close_fee_unpaid" and (request.fee_due_on is None or today <= request.fee_due_on):
        raise RequestError(
            _("The applicant has until %(date)s to pay.") % {"date": request.fee_due_on}
        )
    outcome = rules.outcome_of_transition(name)
    if outcome == "unavailable_still_unclear" and request.corrected_on is None:
        raise RequestError(_("This answer is only possible after a correction."))
    if outcome is not None:
        request.outcome = outcome
        request.concluded_on = today
    request.save()
    if name == "issue_fee_notice":
        _attach_letter(request=request, letter=fee_notice_letter(request=request), actor=actor)
    elif outcome is not None and name != "withdraw":
        _attach_letter(
            request=request, letter=reply_letter(request=request, note=event.note), actor=actor
        )


def _attach_letter(*, request: DisclosureRequest, letter: documents.Letter, actor: Any) -> None:
    try:
        pdf = documents.letter_pdf(letter)
    except documents.DocumentRenderingUnavailableError as error:
        raise RequestError(
            _(
                "The letter could not be produced, so nothing was recorded. PDF generation "
                "needs WeasyPrint with Pango and a Chinese font on the server; please tell the "
                "administrator."
            )
        ) from error
    base = f"{letter.title}-{request.case.tracking_number}"
    case_actions.add_generated_attachment(
        case=request.case,
        name=f"{base}.pdf",
        content=pdf,
        content_type="application/pdf",
        material=letter.title,
        actor=actor,
    )
    case_actions.add_generated_attachment(
        case=request.case,
        name=f"{base}.docx",
        content=documents.letter_docx(letter),
        content_type=documents.DOCX_CONTENT_TYPE,
        material=f"{letter.title} (DOCX)",
        actor=actor,
    )


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _letter_number(request: DisclosureRequest, word: str) -> str:
    department = request.department
    prefix = department.short_name or department.name
    serial = request.case.tracking_number[-7:]
    return f"{prefix}依申请{word}〔{request.received_on.year}〕{serial}号"


def reply_letter(*, request: DisclosureRequest, note: str) -> documents.Letter:
    """The reply (政府信息公开申请答复书) for the request's outcome, in the office's
    language, citing the article of the Regulations the outcome rests on."""
    outcome = rules.OUTCOMES_BY_KEY[request.outcome]
    with translation.override(settings.LANGUAGE_CODE):
        intro = _(
            "This office received your request for government information on %(date)s "
            "(%(number)s). You asked for: %(description)s"
        ) % {
            "date": _chinese_date(request.received_on),
            "number": request.case.tracking_number,
            "description": request.corrected_description or request.description,
        }
        group_texts = {
            "disclosed": _(
                "Having examined your request, this office provides the information you asked "
                "for (%(basis)s of the Regulations on Open Government Information)."
            ),
            "partly_disclosed": _(
                "Having examined your request, this office provides the part of the "
                "information that can be disclosed and withholds the rest (%(basis)s of the "
                "Regulations)."
            ),
            "withheld": _(
                "Having examined your request, the information cannot be disclosed: "
                "%(reason)s (%(basis)s of the Regulations)."
            ),
            "unavailable": _(
                "Having examined your request, this office cannot provide the information: "
                "%(reason)s (%(basis)s of the Regulations)."
            ),
            "not_processed": _(
                "Having examined your request, this office does not process it as a request "
                "for government information: %(reason)s (%(basis)s of the Regulations)."
            ),
            "other_handling": _(
                "This office has stopped handling your request: %(reason)s (%(basis)s)."
            ),
        }
        reason = outcome.label.split(".", 1)[-1]
        paragraphs = [
            intro,
            group_texts[outcome.group] % {"reason": reason, "basis": outcome.basis or "—"},
        ]
        if note.strip():
            paragraphs.append(_clean(note, 4000))
        notes = [
            _(
                "If you consider that this answer infringes your lawful rights and interests, "
                "you may apply for administrative reconsideration within 60 days of receiving "
                "it, or bring an administrative lawsuit within 6 months."
            )
        ]
        return documents.Letter(
            issuer=request.department.name,
            title=_("Reply to a request for government information"),
            number=_letter_number(request, "公开答"),
            addressee=request.applicant_name,
            paragraphs=paragraphs,
            signature=request.department.name,
            date_text=_chinese_date(request.concluded_on or timezone.localdate()),
            notes=notes,
        )


def fee_notice_letter(*, request: DisclosureRequest) -> documents.Letter:
    """The fee notice (收费通知) of 国办函〔2020〕109号 第六条: basis, standard, amount, and the
    20 working days to pay."""
    with translation.override(settings.LANGUAGE_CODE):
        if request.fee_method == rules.FeeMethod.BY_COUNT:
            standard = _(
                "charged by number of requests: this is your request no. %(n)d of the month"
            ) % {"n": monthly_request_number(request=request)}
        else:
            standard = _("charged by volume: %(pages)d pages") % {"pages": request.fee_pages or 0}
        paragraphs = [
            _(
                "Under the Measures on the information-processing fee of open government "
                "information (国办函〔2020〕109号), your request %(number)s of %(date)s is "
                "%(standard)s. The fee is %(fee)d yuan."
            )
            % {
                "number": request.case.tracking_number,
                "date": _chinese_date(request.received_on),
                "standard": standard,
                "fee": request.fee_yuan or 0,
            },
            _(
                "Please pay by %(due)s (20 working days from the day after this notice). The "
                "time until you pay is not counted in the time limit for the answer; if you do "
                "not pay in time, the request is taken as given up and no longer processed."
            )
            % {"due": _chinese_date(request.fee_due_on or timezone.localdate())},
        ]
        return documents.Letter(
            issuer=request.department.name,
            title=_("Notice of the information-processing fee"),
            number=_letter_number(request, "公开收"),
            addressee=request.applicant_name,
            paragraphs=paragraphs,
            signature=request.department.name,
            date_text=_chinese_date(request.fee_notice_on or timezone.localdate()),
        )


def monthly_request_number(*, request: DisclosureRequest) -> int:
    """Which request of its applicant's calendar month this is (按件计收 counts per applicant
    and natural month, by date of receipt)."""
    return (
        queries.requests_of_applicant_in_month(request=request)
        .filter(
            Q(received_on__lt=request.received_on)
            | Q(received_on=request.received_on, pk__lte=request.pk)
        )
        .count()
    )


def issue_fee_notice(
    *,
    request: DisclosureRequest,
    actor: Any,
    method: str,
    pages: int | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> CaseEvent:
    """Work out the fee by the method the office applies to this request (one, never both:
    109号 第三条), send the notice and stop the clock until payment."""
    today = today or timezone.localdate()
    if method == rules.FeeMethod.BY_COUNT:
        pages = None
        fee = rules.fee_for_nth_request(monthly_request_number(request=request))
    elif method == rules.FeeMethod.BY_VOLUME:
        if pages is None or pages < 1:
            raise RequestInvalidError({"pages": [_("Enter the number of pages.")]})
        fee = rules.fee_for_pages(pages)
    else:
        raise RequestInvalidError({"method": [_("Choose how the fee is charged.")]})
    if fee == 0:
        raise RequestError(_("No fee is due for this request under this method."))
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Fee: %(fee)d yuan.") % {"fee": fee}
    with transaction.atomic():
        DisclosureRequest.objects.filter(pk=request.pk).update(
            fee_method=method,
            fee_pages=pages,
            fee_yuan=fee,
            fee_notice_on=today,
            fee_due_on=add_working_days(today, rules.FEE_PAYMENT_PERIOD_WORKING_DAYS),
        )
        event = case_actions.transition_case(
            case=request.case,
            transition="issue_fee_notice",
            actor=actor,
            note=note,
            expected_version=expected_version,
            today=today,
        )
    request.refresh_from_db()
    return event


# --- The annual report's figures entered by hand ----------------------------------------------


class FiguresNotPermittedError(RequestError):
    default_message = gettext_lazy("You may not enter the annual report's figures for this.")


ANNUAL_FIGURE_FIELDS = (
    "overview",
    "problems",
    "other_matters",
    "penalty_decisions",
    "compulsion_decisions",
    "licensing_decisions",
    "fees_collected",
    "reconsideration_upheld",
    "reconsideration_corrected",
    "reconsideration_other",
    "reconsideration_pending",
    "direct_suit_upheld",
    "direct_suit_corrected",
    "direct_suit_other",
    "direct_suit_pending",
    "suit_after_upheld",
    "suit_after_corrected",
    "suit_after_other",
    "suit_after_pending",
)


@transaction.atomic
def save_annual_report_figures(
    *, user: Any, department: Department | None, year: int, values: dict[str, Any]
) -> AnnualReportFigures:
    """Keep the figures the office entered for ``department`` (None: the city) and ``year``."""
    if not queries.may_enter_annual_figures(user=user, department=department):
        raise FiguresNotPermittedError
    figures = (
        AnnualReportFigures.objects.select_for_update()
        .filter(department=department, year=year)
        .first()
    ) or AnnualReportFigures(department=department, year=year)
    for name in ANNUAL_FIGURE_FIELDS:
        if name in values:
            setattr(figures, name, values[name])
    figures.updated_by = user
    figures.full_clean()
    figures.save()
    return figures
