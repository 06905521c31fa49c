"""Reads of proactive disclosure: the catalogue listings and their filters, the links between
policies and interpretations, late items, and the counts per organisation and period that the
admin report and the annual report (table 2) use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear, TruncMonth
from django.urls import reverse
from wagtail.models import Page

from zaixian.cases import queries as case_queries
from zaixian.cases.models import Case
from zaixian.core.models import Department
from zaixian.core.queries import departments_visible_to, user_has_role
from zaixian.core.roles import Role
from zaixian.disclosure import rules
from zaixian.disclosure.models import (
    DisclosureCataloguePage,
    DisclosureCategory,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureItemPage,
    DisclosureRequest,
)

REPORTS_PERMISSION = "disclosure.view_disclosure_reports"
MAX_PER_PAGE = 100

_LISTING_FIELDS = (
    "pk",
    "title",
    "url_path",
    "path",
    "depth",
    "index_number",
    "publish_date",
    "date_written",
    "document_number",
    "validity",
    "category__code",
    "category__name",
    "department__name",
)


# --- Public catalogue -----------------------------------------------------------------------


def live_catalogues(*, root: DisclosureIndexPage) -> list[DisclosureCataloguePage]:
    """The live catalogues under the ``/zwgk/`` page with their organisations, in tree order."""
    return list(
        DisclosureCataloguePage.objects.live()
        .public()
        .child_of(root)
        .select_related("department")
        .order_by("path")
    )


def catalogue_guide(*, catalogue: DisclosureCataloguePage) -> DisclosureGuidePage | None:
    return DisclosureGuidePage.objects.live().public().child_of(catalogue).first()


def published_items() -> QuerySet[DisclosureItemPage]:
    """Every live, public disclosure item."""
    return DisclosureItemPage.objects.live().public()


def filtered_items(
    *, root: Page, item_filter: rules.CatalogueFilter
) -> QuerySet[DisclosureItemPage]:
    """The live items below ``root`` (a catalogue, or the ``/zwgk/`` page for every
    organisation) that match the filter, newest first."""
    items = published_items().descendant_of(root)
    if item_filter.category:
        items = items.filter(category__code=item_filter.category)
    if item_filter.year:
        items = items.filter(publish_date__year=item_filter.year)
    if item_filter.validity:
        items = items.filter(validity=item_filter.validity)
    if item_filter.organisation:
        items = items.filter(department__code=item_filter.organisation)
    if item_filter.search:
        for word in item_filter.search.split():
            items = items.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(keywords__icontains=word)
                | Q(document_number__icontains=word)
                | Q(index_number__icontains=word)
            )
    return (
        items.select_related("category", "department")
        .only(*_LISTING_FIELDS)
        .order_by("-publish_date", "-pk")
    )


def catalogue_listing(*, root: Page, params: Mapping[str, str]) -> dict[str, Any]:
    """Everything a catalogue page shows: the parsed filter (with the errors of bad
    parameters), a page of items, and the choices of every filter."""
    validity_choices = {value for value, _label in DisclosureItemPage.Validity.choices}
    item_filter = rules.parse_catalogue_filter(params, validity_choices=validity_choices)
    per_page = getattr(root.specific_deferred, "per_page", 20) or 20
    paginator = Paginator(
        filtered_items(root=root, item_filter=item_filter), min(max(per_page, 1), MAX_PER_PAGE)
    )
    all_items = published_items().descendant_of(root)
    years = sorted(
        set(
            all_items.filter(publish_date__isnull=False)
            .annotate(year=ExtractYear("publish_date"))
            .values_list("year", flat=True)
            .distinct()
        ),
        reverse=True,
    )
    return {
        "item_filter": item_filter,
        "items": paginator.get_page(params.get("page")),
        "categories": list(DisclosureCategory.objects.all()),
        "years": years,
        "validity_choices": DisclosureItemPage.Validity.choices,
        "organisations": list(
            Department.objects.filter(disclosure_catalogues__live=True)
            .order_by("path")
            .only("pk", "code", "name")
        ),
    }


def interpreted_policies(*, item: DisclosureItemPage) -> list[DisclosureItemPage]:
    """The live policies an interpretation interprets, in the editor's order."""
    policy_ids = [link.policy_id for link in item.interpreted_policy_links.all()]
    by_id = published_items().in_bulk(policy_ids)
    return [by_id[pk] for pk in policy_ids if pk in by_id]


def interpretations_of(*, policy: DisclosureItemPage) -> list[DisclosureItemPage]:
    """The live interpretations of a policy, newest first."""
    return list(
        published_items()
        .filter(interpreted_policy_links__policy=policy)
        .order_by("-publish_date", "-pk")
        .distinct()
    )


def index_number_in_use(*, index_number: str, exclude_pk: int | None = None) -> bool:
    """True when another item (draft or live) already holds the index number."""
    items = DisclosureItemPage.objects.filter(index_number=index_number)
    if exclude_pk is not None:
        items = items.exclude(pk=exclude_pk)
    return items.exists()


def stored_index_number(*, item_pk: int) -> str | None:
    """The index number an item holds in the database (None: none yet)."""
    return (
        DisclosureItemPage.objects.filter(pk=item_pk).values_list("index_number", flat=True).first()
    )


# --- The office's reports -------------------------------------------------------------------


def can_view_disclosure_reports(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(REPORTS_PERMISSION)
    )


def report_departments(*, user: Any) -> QuerySet[Department]:
    """The organisations whose reports ``user`` may see (PermissionDenied for anybody without
    the reports permission): the user's department and those under it, or every one for a
    platform administrator or a leader of the city government."""
    if not can_view_disclosure_reports(user):
        raise PermissionDenied
    return departments_visible_to(user).order_by("path")


def late_items(*, departments: QuerySet[Department] | None = None) -> QuerySet[DisclosureItemPage]:
    """Items (live or withdrawn later) published after their Article 26 deadline, the
    latest first."""
    items = DisclosureItemPage.objects.filter(
        publish_date__isnull=False,
        publication_deadline__isnull=False,
        publish_date__gt=F("publication_deadline"),
    )
    if departments is not None:
        items = items.filter(department__in=departments)
    return items.select_related("department", "category").order_by("-publish_date", "-pk")


def late_items_for_user(*, user: Any) -> QuerySet[DisclosureItemPage]:
    return late_items(departments=report_departments(user=user))


def _organisation_scope(*, department: Department | None, include_subdepartments: bool) -> Q:
    if department is None:
        return Q()
    if include_subdepartments:
        # Read the path afresh: a sorted insert of a sibling renumbers tree paths, so a
        # department object held since then may carry a stale one.
        path = Department.objects.values_list("path", flat=True).get(pk=department.pk)
        return Q(department__path__startswith=path)
    return Q(department=department)


@dataclass
class DisclosureCounts:
    """Items disclosed proactively by an organisation (or the whole city) in a period: live
    items by publish date, in total, per category and per month."""

    start: date
    end: date
    department: Department | None
    total: int = 0
    by_category: list[tuple[DisclosureCategory, int]] = field(default_factory=list)
    by_month: list[tuple[date, int]] = field(default_factory=list)
    late: int = 0

    @property
    def busiest_month_count(self) -> int:
        return max((count for _month, count in self.by_month), default=0)


def _months(start: date, end: date) -> list[date]:
    months = []
    current = date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def disclosure_counts(
    *,
    start: date,
    end: date,
    department: Department | None = None,
    include_subdepartments: bool = True,
    within: QuerySet[Department] | None = None,
) -> DisclosureCounts:
    """Count the items disclosed between ``start`` and ``end`` (inclusive, by publish date) by
    ``department`` (None: every organisation, or every one of ``within``, the departments the
    asking user may see). Withdrawn (unpublished) items no longer count as disclosed."""
    items = published_items().filter(
        _organisation_scope(department=department, include_subdepartments=include_subdepartments),
        publish_date__gte=start,
        publish_date__lte=end,
    )
    if within is not None:
        items = items.filter(department__in=within)
    per_category = dict(
        items.order_by()
        .values_list("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    per_month = {
        (month.date() if hasattr(month, "date") else month): n
        for month, n in items.order_by()
        .annotate(month=TruncMonth("publish_date"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    }
    late = items.filter(publication_deadline__isnull=False).filter(
        publish_date__gt=F("publication_deadline")
    )
    counts = DisclosureCounts(start=start, end=end, department=department)
    categories = DisclosureCategory.objects.all()
    counts.by_category = [(category, per_category.get(category.pk, 0)) for category in categories]
    counts.total = sum(per_category.values())
    counts.by_month = [(month, per_month.get(month, 0)) for month in _months(start, end)]
    counts.late = late.count()
    return counts


# --- Disclosure requests --------------------------------------------------------------------------


def request_of_case(*, case: Case) -> DisclosureRequest | None:
    return DisclosureRequest.objects.select_related("department").filter(case=case).first()


def request_url(case: Case) -> str:
    """The applicant's page of the request behind ``case`` (named by the case type)."""
    return reverse("disclosure:request_receipt", args=[case.tracking_number])


def requests_of_applicant_in_month(*, request: DisclosureRequest) -> QuerySet[DisclosureRequest]:
    """The requests of the same applicant (resident ID number or credit code) received by the
    same organisation in the same calendar month as ``request``: each organisation charges
    for the requests it answers (国办函〔2020〕109号 第四条)."""
    identity = (
        Q(id_number=request.id_number) if request.id_number else Q(credit_code=request.credit_code)
    )
    return DisclosureRequest.objects.filter(
        identity,
        department_id=request.department_id,
        received_on__year=request.received_on.year,
        received_on__month=request.received_on.month,
    )


def requests_for_officer(*, user: Any) -> QuerySet[DisclosureRequest]:
    """The requests of the cases ``user`` may see as an officer (none for anyone else)."""
    return DisclosureRequest.objects.filter(case__in=case_queries.cases_for_officer(user))


def applicant_request(*, user: Any, tracking_number: str) -> DisclosureRequest | None:
    case = case_queries.applicant_case(user=user, tracking_number=tracking_number)
    if case is None:
        return None
    return request_of_case(case=case)


def request_departments() -> QuerySet[Department]:
    """The organisations that take requests online: those with a live disclosure catalogue."""
    return (
        Department.objects.filter(disclosure_catalogues__live=True)
        .order_by("path")
        .distinct()
        .only("pk", "code", "name")
    )


def may_enter_annual_figures(*, user: Any, department: Department | None) -> bool:
    """Who enters the annual report's figures by hand: a holder of the reports permission
    for an organisation they see; for the whole city, one who sees every organisation (a
    platform administrator or a leader of the city government)."""
    if not can_view_disclosure_reports(user):
        return False
    visible = departments_visible_to(user)
    if department is None:
        return visible.count() == Department.objects.count()
    return visible.filter(pk=department.pk).exists()


def request_departments_for_officer(*, user: Any) -> QuerySet[Department]:
    """The organisations for which ``user`` may register requests: those they see."""
    return departments_visible_to(user).order_by("path")


def may_register_requests(*, user: Any) -> bool:
    """Case officers register the requests that reach their organisations on paper."""
    return user_has_role(user, Role.CASE_OFFICER)


# --- Reads for the site self-evaluation and the yearly work report ---------------------------


def late_requests(
    *, since: date, today: date, department: Department | None = None
) -> QuerySet[DisclosureRequest]:
    """Requests received since ``since`` that are past their deadline: still open on
    ``today`` with the clock running after their due date, or answered after it (Article 33's
    20 working days, extended or stopped as the case engine's clock records)."""
    # A concluded request stays open (not closed) for a while, but its clock has stopped.
    open_overdue = Q(
        concluded_on__isnull=True,
        case__is_closed=False,
        case__finished_on__isnull=True,
        case__suspended_since__isnull=True,
        case__due_on__lt=today,
    )
    answered_late = Q(case__is_on_time=False) | Q(
        concluded_on__isnull=False,
        case__due_on__isnull=False,
        concluded_on__gt=F("case__due_on"),
    )
    return (
        DisclosureRequest.objects.filter(
            _organisation_scope(department=department, include_subdepartments=True),
            received_on__gte=since,
        )
        .filter(open_overdue | answered_late)
        .select_related("case", "department")
        .order_by("received_on", "pk")
    )


def items_published_under(*, root: Page, start: date, end: date) -> QuerySet[DisclosureItemPage]:
    """Live items below ``root`` (a site's root page) published between ``start`` and
    ``end`` inclusive."""
    return (
        published_items().descendant_of(root).filter(publish_date__gte=start, publish_date__lte=end)
    )
