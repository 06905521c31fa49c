"""Permission-aware reads of the case engine: officers' worklists, leaders' overview, the
applicant's own cases and the public tracking lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from zaixian.cases.models import Case, CaseAttachment, CaseEvent
from zaixian.cases.rules import DeadlineStatus, is_valid_tracking_number, normalise_tracking_number
from zaixian.core.models import Department
from zaixian.core.queries import departments_visible_to, user_has_role
from zaixian.core.roles import Role
from zaixian.core.workdays import add_working_days


def warning_from(today: date, warning_days: int = 2) -> date:
    """The last due date that counts as "due soon" on ``today``."""
    return add_working_days(today, warning_days)


def cases_for_officer(user: Any) -> QuerySet[Case]:
    """The cases ``user`` may see as an officer: those of the departments they see, for case
    officers and leaders; none for anyone else."""
    if not (user_has_role(user, Role.CASE_OFFICER) or user_has_role(user, Role.LEADER)):
        return Case.objects.none()
    return Case.objects.filter(department__in=departments_visible_to(user))


def cases_for_applicant(*, user: Any) -> QuerySet[Case]:
    """The signed-in applicant's own cases, newest first."""
    if user is None or not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(applicant=user).order_by("-submitted_at")


def applicant_case(*, user: Any, tracking_number: str) -> Case | None:
    return cases_for_applicant(user=user).filter(tracking_number=tracking_number).first()


def filter_by_deadline_status(
    cases: QuerySet[Case], status: str, *, today: date | None = None
) -> QuerySet[Case]:
    today = today or timezone.localdate()
    if status == DeadlineStatus.OVERDUE:
        return cases.overdue(on=today)  # type: ignore[attr-defined, no-any-return]
    if status == DeadlineStatus.WARNING:
        return cases.due_soon(on=today, warning_from=warning_from(today))  # type: ignore[attr-defined, no-any-return]
    if status == DeadlineStatus.SUSPENDED:
        return cases.filter(is_closed=False, suspended_since__isnull=False)
    if status == DeadlineStatus.NORMAL:
        return cases.filter(
            is_closed=False, suspended_since__isnull=True, due_on__gt=warning_from(today)
        )
    if status == DeadlineStatus.NONE:
        return cases.filter(Q(is_closed=True) | Q(due_on__isnull=True))
    return cases


@dataclass(frozen=True)
class WorklistFilters:
    case_type: str = ""
    state: str = ""
    deadline_status: str = ""
    assignee: str = ""  # "" any, "me", "none", or a user id
    department: int | None = None
    include_closed: bool = False
    search: str = ""


def worklist(*, user: Any, filters: WorklistFilters, today: date | None = None) -> QuerySet[Case]:
    """An officer's worklist: open cases (closed ones on request) sorted by deadline, the most
    urgent first; cases without a running clock last."""
    cases = cases_for_officer(user).select_related("department", "assignee")
    if not filters.include_closed:
        cases = cases.filter(is_closed=False)
    if filters.case_type:
        cases = cases.filter(case_type=filters.case_type)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.department:
        cases = cases.filter(department_id=filters.department)
    if filters.assignee == "me":
        cases = cases.filter(assignee=user)
    elif filters.assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    if filters.search:
        number = normalise_tracking_number(filters.search)
        cases = cases.filter(
            Q(tracking_number=number)
            | Q(title__icontains=filters.search)
            | Q(applicant_name=filters.search)
        )
    if filters.deadline_status:
        cases = filter_by_deadline_status(cases, filters.deadline_status, today=today)

    return cases.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "pk")


@dataclass(frozen=True)
class DepartmentDeadlines:
    department: Department
    open: int
    warning: int
    overdue: int
    suspended: int


def deadline_overview(*, user: Any, today: date | None = None) -> list[DepartmentDeadlines]:
    """For leaders: open, due-soon, overdue and stopped cases per department they see, the
    departments with overdue cases first. One grouped query."""
    today = today or timezone.localdate()
    soon = warning_from(today)
    running = Q(is_closed=False, suspended_since__isnull=True)
    rows = (
        cases_for_officer(user)
        .filter(is_closed=False)
        .values("department")
        .annotate(
            open=Count("pk"),
            warning=Count("pk", filter=running & Q(due_on__gte=today, due_on__lte=soon)),
            overdue=Count("pk", filter=running & Q(due_on__lt=today)),
            suspended=Count("pk", filter=Q(suspended_since__isnull=False)),
        )
    )
    departments = Department.objects.in_bulk([row["department"] for row in rows])
    overview = [
        DepartmentDeadlines(
            department=departments[row["department"]],
            open=row["open"],
            warning=row["warning"],
            overdue=row["overdue"],
            suspended=row["suspended"],
        )
        for row in rows
    ]
    overview.sort(key=lambda item: (-item.overdue, -item.warning, item.department.path))
    return overview


def officers_for(*, case: Case) -> QuerySet[Any]:
    """Who may be given ``case``: active case officers of its department and the departments
    above it (a bureau's officers may take a case of one of its offices)."""
    from zaixian.core.models import User
    from zaixian.core.roles import GROUP_NAMES

    department = case.department
    return (
        User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.CASE_OFFICER])
        .filter(Q(department=department) | Q(department__in=department.get_ancestors()))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def case_history(*, case: Case, public_only: bool) -> QuerySet[CaseEvent]:
    events = case.events.select_related("actor")
    return events.filter(is_public=True) if public_only else events


def case_attachments(*, case: Case, public_only: bool) -> QuerySet[CaseAttachment]:
    attachments = case.attachments.all()
    return attachments.filter(is_public=True) if public_only else attachments


def tracked_case(*, tracking_number: str, phone_last4: str) -> Case | None:
    """The public tracking lookup: a case is found only with its exact tracking number and the
    last four digits of the applicant's phone (so numbers cannot be probed on their own)."""
    number = normalise_tracking_number(tracking_number)
    if not is_valid_tracking_number(number) or not (
        len(phone_last4) == 4 and phone_last4.isdigit()
    ):
        return None
    case = Case.objects.filter(tracking_number=number).first()
    if case is None or not case.applicant_phone or case.applicant_phone[-4:] != phone_last4:
        return None
    return case


def attachment_for(*, user: Any, attachment_id: int) -> CaseAttachment | None:
    """An attachment ``user`` may download: the applicant's own (public ones), or any of a
    case the officer may see."""
    attachment = CaseAttachment.objects.select_related("case").filter(pk=attachment_id).first()
    if attachment is None or user is None or not user.is_authenticated:
        return None
    case = attachment.case
    if case.applicant_id == user.pk and attachment.is_public:
        return attachment
    if cases_for_officer(user).filter(pk=case.pk).exists():
        return attachment
    return None
