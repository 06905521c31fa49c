"""Reads of the service hall: the public catalogue, an applicant's own applications, what an
officer may edit, and the public rating statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from zaixian.cases.models import Case, CaseEvent
from zaixian.core.models import Department
from zaixian.core.queries import departments_visible_to, user_has_role
from zaixian.core.roles import Role
from zaixian.services.models import (
    Application,
    ApplicationMaterial,
    Audience,
    LifeEvent,
    ServiceItem,
    ServiceRating,
    ServiceTopic,
)
from zaixian.services.rules import satisfaction_rate

APPLICATION_CASE_TYPE = "services.application"
RATING_FOLLOW_UP_CASE_TYPE = "services.rating_follow_up"

# --- The catalogue -------------------------------------------------------------------------


def published_items(
    *,
    department: Department | None = None,
    kind: str | None = None,
    audience: str | None = None,
    life_event: LifeEvent | None = None,
    topic: ServiceTopic | None = None,
    search: str = "",
) -> QuerySet[ServiceItem]:
    """Published items, filtered; ``search`` words must each appear in the name or summary."""
    items = ServiceItem.objects.filter(is_published=True).select_related("department")
    if department is not None:
        items = items.filter(department__path__startswith=department.path)
    if kind:
        items = items.filter(kind=kind)
    if audience == Audience.CITIZEN:
        items = items.filter(for_citizens=True)
    elif audience == Audience.BUSINESS:
        items = items.filter(for_businesses=True)
    if life_event is not None:
        items = items.filter(life_events=life_event)
    if topic is not None:
        items = items.filter(topics=topic)
    for word in search.split()[:5]:
        items = items.filter(Q(name__icontains=word) | Q(summary__icontains=word))
    return items.order_by("department__path", "code")


def published_item(*, code: str) -> ServiceItem | None:
    """One published item with everything its guide page shows."""
    return (
        ServiceItem.objects.filter(is_published=True, code=code)
        .select_related("department")
        .prefetch_related("materials__template", "faqs", "form_fields", "life_events", "topics")
        .first()
    )


def catalogue_departments() -> QuerySet[Department]:
    """Departments that publish at least one item, in tree order."""
    return (
        Department.objects.filter(service_items__is_published=True, is_active=True)
        .distinct()
        .order_by("path")
    )


# --- Applications --------------------------------------------------------------------------


def applications_of(*, user: Any) -> QuerySet[Application]:
    """The signed-in applicant's own applications, drafts and submitted, newest first."""
    if user is None or not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(applicant=user)
        .select_related("item", "item__department", "case", "case__rating")
        .order_by("-created_at", "-pk")
    )


def application_for(*, user: Any, pk: int) -> Application | None:
    """One application of the signed-in applicant; None for anyone else's."""
    return applications_of(user=user).filter(pk=pk).first()


def open_draft(*, user: Any, item: ServiceItem) -> Application | None:
    """The applicant's newest unsubmitted draft for ``item``, to continue instead of starting
    another."""
    return applications_of(user=user).filter(item=item, case__isnull=True).order_by("-pk").first()


def correction_request_note(*, case: Case) -> str:
    """What the office asked to be corrected: the note of the latest request."""
    event = (
        CaseEvent.objects.filter(case=case, transition="request_correction", is_public=True)
        .order_by("-at", "-pk")
        .first()
    )
    return event.note if event is not None else ""


def application_of_case(*, case: Case) -> Application | None:
    """The application behind an application case, with its item and materials."""
    return (
        Application.objects.filter(case=case)
        .select_related("item", "item__department")
        .prefetch_related(
            "item__form_fields",
            Prefetch("materials", queryset=ApplicationMaterial.objects.select_related("material")),
        )
        .first()
    )


def application_materials(*, application: Application) -> QuerySet[ApplicationMaterial]:
    return application.materials.select_related("material").order_by("uploaded_at", "pk")


def application_material_for(
    *, user: Any, application_pk: int, material_pk: int
) -> ApplicationMaterial | None:
    """A file the applicant uploaded to their own application."""
    if user is None or not user.is_authenticated:
        return None
    return (
        ApplicationMaterial.objects.select_related("application")
        .filter(pk=material_pk, application_id=application_pk, application__applicant=user)
        .first()
    )


# --- Editing the catalogue -----------------------------------------------------------------


def items_editable_by(user: Any) -> QuerySet[ServiceItem]:
    """The items ``user`` may change in the admin: every item for a platform administrator;
    for case officers and leaders, those of the departments they see; none otherwise."""
    if user_has_role(user, Role.PLATFORM_ADMIN):
        return ServiceItem.objects.all()
    if not (user_has_role(user, Role.CASE_OFFICER) or user_has_role(user, Role.LEADER)):
        return ServiceItem.objects.none()
    return ServiceItem.objects.filter(department__in=departments_visible_to(user))


def may_edit_item(*, user: Any, item: ServiceItem) -> bool:
    if item.pk is None:
        return may_add_items(user=user)
    return items_editable_by(user).filter(pk=item.pk).exists()


def may_add_items(*, user: Any) -> bool:
    if user_has_role(user, Role.PLATFORM_ADMIN):
        return True
    is_officer = user_has_role(user, Role.CASE_OFFICER) or user_has_role(user, Role.LEADER)
    return is_officer and departments_visible_to(user).exists()


def may_edit_catalogue_terms(*, user: Any) -> bool:
    """Life events and topics are shared by every department: platform administrators."""
    return user_has_role(user, Role.PLATFORM_ADMIN)


# --- Rating statistics ---------------------------------------------------------------------


@dataclass(frozen=True)
class RatingRow:
    """Ratings of one department or item: counts per grade (5 … 1), total, 好评率."""

    label: str
    key: int
    counts: tuple[int, int, int, int, int]
    total: int
    satisfaction: float | None
    department: str = ""


_GRADES = (5, 4, 3, 2, 1)


def _grade_annotations() -> dict[str, Any]:
    return {f"g{grade}": Count("pk", filter=Q(grade=grade)) for grade in _GRADES}


def _row(label: str, key: int, values: dict[str, Any], department: str = "") -> RatingRow:
    counts = tuple(int(values[f"g{grade}"]) for grade in _GRADES)
    by_grade = dict(zip(_GRADES, counts, strict=True))
    return RatingRow(
        label=label,
        key=key,
        counts=counts,  # type: ignore[arg-type]  # five grades, always
        total=sum(counts),
        satisfaction=satisfaction_rate(by_grade),
        department=department,
    )


def rating_statistics_by_department() -> list[RatingRow]:
    """Counts per grade and the satisfaction rate of each department, from the ratings
    themselves (one grouped query)."""
    rows = (
        ServiceRating.objects.values("department", "department__name", "department__path")
        .annotate(**_grade_annotations())
        .order_by("department__path")
    )
    return [_row(row["department__name"], row["department"], row) for row in rows]


def rating_statistics_by_item(*, department_id: int | None = None) -> list[RatingRow]:
    ratings = ServiceRating.objects.all()
    if department_id is not None:
        ratings = ratings.filter(department_id=department_id)
    rows = (
        ratings.values("item", "item__name", "item__code", "department__name", "department__path")
        .annotate(**_grade_annotations())
        .order_by("department__path", "item__code")
    )
    return [_row(row["item__name"], row["item"], row, row["department__name"]) for row in rows]


def rating_totals() -> RatingRow:
    values = ServiceRating.objects.aggregate(**_grade_annotations())
    return _row("", 0, values)


def item_rating(*, item: ServiceItem) -> RatingRow:
    values = ServiceRating.objects.filter(item=item).aggregate(**_grade_annotations())
    return _row(item.name, item.pk, values)


def application_url(case: Case) -> str:
    """The applicant's page of the application behind ``case`` (named by the case type)."""
    return reverse("services:application", args=[case.application.pk])


# --- Reads for the yearly work report ----------------------------------------------------------


@dataclass(frozen=True)
class ServiceFigures:
    """The yearly work report's 办事服务 figures."""

    items: int  # published service items
    fully_online_items: int
    applications: int  # submitted in the year
    by_citizens: int  # 自然人办件
    by_organisations: int  # 法人办件


def service_figures(
    *, start: Any, end: Any, department: Department | None = None
) -> ServiceFigures:
    """Published items (now) and the applications submitted in [``start``, ``end``)."""
    items = ServiceItem.objects.filter(is_published=True)
    applications = Application.objects.filter(
        case__isnull=False, submitted_at__gte=start, submitted_at__lt=end
    )
    if department is not None:
        items = items.filter(department__path__startswith=department.path)
        applications = applications.filter(item__department__path__startswith=department.path)
    counts = applications.aggregate(
        total=Count("pk"),
        citizens=Count("pk", filter=Q(applicant__public_profile__kind="citizen")),
        organisations=Count("pk", filter=Q(applicant__public_profile__kind="organisation")),
    )
    return ServiceFigures(
        items=items.count(),
        fully_online_items=items.filter(
            online_depth__gte=ServiceItem.OnlineDepth.FULLY_ONLINE
        ).count(),
        applications=counts["total"],
        by_citizens=counts["citizens"],
        by_organisations=counts["organisations"],
    )


def registered_users(*, before: Any) -> int:
    """Public accounts (citizens and organisations) registered before ``before``: the service
    hall's 注册用户数."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(public_profile__isnull=False, date_joined__lt=before)
        .count()
    )
