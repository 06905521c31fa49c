"""Permission-aware reads of the hotline: who sees which case, the caller lookup, likely
duplicates, the knowledge-base search, Open311 lookups and the public lists."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zaixian.cases.models import Case
from zaixian.core.models import Department
from zaixian.core.queries import departments_visible_to, user_has_role
from zaixian.core.roles import Role
from zaixian.core.text import segment_query
from zaixian.hotline import rules
from zaixian.hotline.models import (
    DispatchRule,
    HotlineCase,
    HotlineCategory,
    HotlineSettings,
    KnowledgeEntry,
    Open311Client,
    TypicalCase,
)

CALLER_LOOKUP_LIMIT = 10


def hotline_settings() -> HotlineSettings:
    return HotlineSettings.load()


def hotline_centre() -> Department | None:
    """The department of the hotline centre (set in the admin's hotline settings)."""
    return hotline_settings().centre


def is_centre_staff(user: Any) -> bool:
    """Operators and supervisors of the centre see and act on every hotline case."""
    return user_has_role(user, Role.HOTLINE_OPERATOR)


def hotline_cases_for(user: Any) -> QuerySet[HotlineCase]:
    """The hotline cases ``user`` may see: all for the centre; for a department's case
    officers and leaders, those ever dispatched to a department they see (lead or
    assisting); none for anyone else."""
    cases = HotlineCase.objects.select_related("case", "category", "lead_department")
    if is_centre_staff(user):
        return cases
    if not (user_has_role(user, Role.CASE_OFFICER) or user_has_role(user, Role.LEADER)):
        return cases.none()
    departments = departments_visible_to(user)
    assigned = HotlineCase.objects.filter(
        Q(lead_department__in=departments)
        | Q(assisting_departments__in=departments)
        | Q(dispatches__department__in=departments)
    ).values("pk")
    return cases.filter(pk__in=assigned)


def hotline_case_for(user: Any, pk: int) -> HotlineCase | None:
    return hotline_cases_for(user).filter(pk=pk).first()


def hotline_case_of(case: Case) -> HotlineCase | None:
    return HotlineCase.objects.filter(case=case).select_related("category").first()


@dataclass(frozen=True)
class CallerCase:
    pk: int
    tracking_number: str
    received_at: Any
    kind: str
    category: str
    state: str
    summary: str


def caller_history(*, user: Any, phone: str, limit: int = CALLER_LOOKUP_LIMIT) -> list[CallerCase]:
    """The caller's earlier cases, newest first (the operator's console); the centre only.
    One index range scan on (caller_phone, received_at)."""
    phone = rules.normalise_phone(phone)
    if not is_centre_staff(user) or len(phone) < 7:
        return []
    rows = (
        HotlineCase.objects.filter(caller_phone=phone)
        .order_by("-received_at")
        .values_list(
            "pk",
            "case__tracking_number",
            "received_at",
            "kind",
            "category__name",
            "case__state",
            "content",
        )[:limit]
    )
    return [
        CallerCase(
            pk=pk,
            tracking_number=number,
            received_at=received_at,
            kind=str(rules.Kind(kind).label),
            category=category,
            state=str(rules.HOTLINE_CASE.state(state).label),
            summary=content[:60],
        )
        for pk, number, received_at, kind, category, state, content in rows
    ]


def likely_duplicates(
    *,
    phone: str,
    content: str,
    address: str,
    category_id: int | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[HotlineCase]:
    """Open cases of the last weeks that look like the new one: the same caller, or
    near-identical text at about the same place (``rules.is_likely_duplicate``)."""
    phone = rules.normalise_phone(phone)
    since = timezone.now() - timedelta(days=rules.DUPLICATE_WINDOW_DAYS)
    recent = HotlineCase.objects.filter(
        received_at__gte=since, case__is_closed=False, merged_into__isnull=True
    ).select_related("case", "category")
    if exclude_pk is not None:
        recent = recent.exclude(pk=exclude_pk)
    same_place = Q(pk__in=[])
    if category_id is not None:
        same_place |= Q(category_id=category_id)
    if address:
        same_place |= Q(caller_address__startswith=address[:6])
    candidates: list[HotlineCase] = []
    if len(phone) >= 7:
        candidates.extend(recent.filter(caller_phone=phone).order_by("-received_at")[:limit])
    if content.strip():
        for other in recent.filter(same_place).order_by("-received_at")[:200]:
            if other in candidates:
                continue
            if rules.is_likely_duplicate(
                same_caller=False,
                content=content,
                other_content=other.content,
                address=address,
                other_address=other.caller_address,
            ):
                candidates.append(other)
    return candidates[:limit]


def suggested_departments(*, category_id: int | None, text: str, area: str) -> list[Department]:
    """Departments the dispatch rules suggest for a case, best first."""
    specs = [rule.spec() for rule in DispatchRule.objects.filter(is_active=True)]
    ids = rules.suggest_departments(specs, category_id=category_id, text=text, area=area)
    departments = Department.objects.in_bulk(ids)
    return [departments[pk] for pk in ids if pk in departments]


def dispatchable_departments() -> QuerySet[Department]:
    centre = hotline_centre()
    departments = Department.objects.filter(is_active=True).order_by("path")
    return departments.exclude(pk=centre.pk) if centre is not None else departments


def active_categories() -> QuerySet[HotlineCategory]:
    return HotlineCategory.objects.filter(is_active=True)


# --- Knowledge base ------------------------------------------------------------------------


def search_knowledge(query: str, *, limit: int = 10) -> list[KnowledgeEntry]:
    """Entries in use whose text holds every word of ``query`` (segmented with the search
    engine's jieba dictionary), the most matching first; with no full match, those holding the
    most words."""
    words = [word for word in segment_query(query) if word.strip()]
    if not words:
        return []
    entries = KnowledgeEntry.objects.filter(is_published=True).select_related("department")
    condition = Q()
    for word in words:
        condition |= Q(search_tokens__contains=f" {word} ") | Q(question__icontains=word)
    matches = list(entries.filter(condition)[:200])

    def score(entry: KnowledgeEntry) -> tuple[int, int]:
        hits = sum(
            1 for word in words if f" {word} " in entry.search_tokens or word in entry.question
        )
        in_question = sum(1 for word in words if word in entry.question)
        return (hits, in_question)

    matches.sort(key=score, reverse=True)
    return matches[:limit]


def may_keep_knowledge(user: Any) -> bool:
    """The centre keeps every knowledge-base entry; a department's case officers and leaders
    keep their departments' entries."""
    return is_centre_staff(user) or (
        (user_has_role(user, Role.CASE_OFFICER) or user_has_role(user, Role.LEADER))
        and departments_visible_to(user).exists()
    )


def knowledge_for_user(user: Any) -> QuerySet[KnowledgeEntry]:
    """The entries a department keeps (the centre keeps all)."""
    if is_centre_staff(user):
        return KnowledgeEntry.objects.all()
    return KnowledgeEntry.objects.filter(department__in=departments_visible_to(user))


# --- Open311 -------------------------------------------------------------------------------


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def open311_client_for_key(raw_key: str) -> Open311Client | None:
    """The active client whose key this is. Keys are 160-bit random strings, so a plain
    SHA-256 (looked up by the key's prefix, compared in constant time) is enough."""
    import hmac

    prefix = (raw_key or "").split(".", 1)[0]
    if not raw_key or len(raw_key) > 100 or not prefix:
        return None
    client = Open311Client.objects.filter(key_prefix=prefix, is_active=True).first()
    if client is None or not hmac.compare_digest(client.key_hash, hash_api_key(raw_key)):
        return None
    return client


def open311_requests(
    *,
    ids: list[str] | None = None,
    service_code: str = "",
    start: Any = None,
    end: Any = None,
    status: str = "",
    limit: int = 1000,
) -> QuerySet[HotlineCase]:
    """Public requests for the Open311 GET: no personal data is read from these."""
    cases = HotlineCase.objects.select_related("case", "category", "lead_department").exclude(
        case__state=rules.MERGED
    )
    if ids:
        cases = cases.filter(case__tracking_number__in=ids)
    if service_code:
        cases = cases.filter(category__code=service_code)
    if start is not None:
        cases = cases.filter(received_at__gte=start)
    if end is not None:
        cases = cases.filter(received_at__lte=end)
    if status == "open":
        cases = cases.filter(case__is_closed=False)
    elif status == "closed":
        cases = cases.filter(case__is_closed=True)
    return cases.order_by("-received_at")[:limit]


def open311_request_for_token(token: str) -> HotlineCase | None:
    return HotlineCase.objects.select_related("case").filter(open311_token=token).first()


# --- Public lists --------------------------------------------------------------------------


def published_typical_cases() -> QuerySet[TypicalCase]:
    return TypicalCase.objects.filter(status=TypicalCase.Status.PUBLISHED).select_related(
        "hotline_case__category", "hotline_case__lead_department"
    )


def public_closed_cases() -> QuerySet[HotlineCase]:
    """Closed cases whose caller agreed to publication (shown masked)."""
    return (
        HotlineCase.objects.filter(
            agrees_to_publish=True, case__is_closed=True, case__state=rules.CLOSED
        )
        .exclude(reply="")
        .select_related("case", "category", "lead_department")
        .order_by("-case__closed_at")
    )


def cases_to_warn(*, now: Any) -> QuerySet[HotlineCase]:
    """Open hour-limited cases at a department, not yet overdue and not yet warned."""
    return HotlineCase.objects.filter(
        case__state__in=rules.OPEN_AT_DEPARTMENT,
        case__limit_hours__isnull=False,
        case__due_at__gte=now,
        warned_at__isnull=True,
        lead_department__isnull=False,
    ).select_related("case", "lead_department")


def assisting_department_of(*, hotline_case: HotlineCase, user: Any) -> Department | None:
    """The assisting department of ``hotline_case`` that ``user`` acts for as a case officer,
    or None."""
    if not user_has_role(user, Role.CASE_OFFICER):
        return None
    return (
        hotline_case.assisting_departments.filter(pk__in=departments_visible_to(user))
        .order_by("path")
        .first()
    )


def cases_to_supervise(*, now: Any = None) -> QuerySet[HotlineCase]:
    """Open cases at a department past their moment or date (hour and day limits)."""
    now = now or timezone.now()
    overdue = Case.objects.overdue(on=timezone.localdate(now), now=now)
    return HotlineCase.objects.filter(
        case__in=overdue, case__state__in=rules.OPEN_AT_DEPARTMENT
    ).select_related("case", "lead_department")


# --- Reads for the site self-evaluation and the yearly work report ---------------------------

# Kinds of message that expect an answer (咨询、求助、投诉、举报、建议): praise and public
# sentiment are recorded, not answered, so they never count as unanswered.
KINDS_EXPECTING_REPLY = (
    rules.Kind.CONSULTATION,
    rules.Kind.HELP,
    rules.Kind.COMPLAINT,
    rules.Kind.REPORT,
    rules.Kind.SUGGESTION,
)


def _held_by(department: Department | None) -> Q:
    """Cases of ``department`` and its sub-departments: those it leads, and those not yet
    dispatched that it holds (None: every case)."""
    if department is None:
        return Q()
    path = Department.objects.values_list("path", flat=True).get(pk=department.pk)
    return Q(lead_department__path__startswith=path) | Q(
        lead_department__isnull=True, case__department__path__startswith=path
    )


def late_replied_cases(
    *, since: Any, now: Any, department: Department | None = None
) -> QuerySet[HotlineCase]:
    """Cases (merged ones left out) whose reply was due between ``since`` and ``now`` and came
    after its due moment, or has not come and the case is still open; the latest due first."""
    from django.db.models import F

    return (
        HotlineCase.objects.filter(
            _held_by(department),
            merged_into__isnull=True,
            reply_due_at__gte=since,
            reply_due_at__lt=now,
        )
        .filter(
            Q(replied_at__gt=F("reply_due_at")) | Q(replied_at__isnull=True, case__is_closed=False)
        )
        .select_related("case", "lead_department")
        .order_by("-reply_due_at", "-pk")
    )


def unanswered_cases(
    *, received_from: Any, received_before: Any, department: Department | None = None
) -> QuerySet[HotlineCase]:
    """Open cases expecting a reply, received between ``received_from`` and
    ``received_before``, that have no reply yet; the oldest first."""
    return (
        HotlineCase.objects.filter(
            _held_by(department),
            merged_into__isnull=True,
            kind__in=KINDS_EXPECTING_REPLY,
            received_at__gte=received_from,
            received_at__lt=received_before,
            replied_at__isnull=True,
            case__is_closed=False,
        )
        .select_related("case", "lead_department")
        .order_by("received_at", "pk")
    )


@dataclass(frozen=True)
class MessageFigures:
    """The yearly work report's 留言办理 figures of the cases received in a year."""

    received: int
    closed: int
    average_days: float | None  # from receipt to closing, of the closed ones
    published: int  # closed with the caller's consent to publication and a reply


def message_figures(
    *, start: Any, end: Any, department: Department | None = None
) -> MessageFigures:
    """Cases received in [``start``, ``end``) (merged ones left out) and how they ended."""
    from django.db.models import Avg, Count, ExpressionWrapper, F, fields

    cases = HotlineCase.objects.filter(
        _held_by(department), merged_into__isnull=True, received_at__gte=start, received_at__lt=end
    )
    closed = cases.filter(case__state=rules.CLOSED, case__closed_at__isnull=False)
    figures = closed.aggregate(
        n=Count("pk"),
        duration=Avg(
            ExpressionWrapper(
                F("case__closed_at") - F("received_at"), output_field=fields.DurationField()
            )
        ),
        published=Count("pk", filter=Q(agrees_to_publish=True) & ~Q(reply="")),
    )
    duration = figures["duration"]
    return MessageFigures(
        received=cases.count(),
        closed=figures["n"],
        average_days=round(duration.total_seconds() / 86400, 1) if duration is not None else None,
        published=figures["published"],
    )


@dataclass(frozen=True)
class MentioningCase:
    """A hotline case as the opinion watch shows it next to an event: no caller's data."""

    pk: int
    tracking_number: str
    received_at: Any
    category: str
    state: str
    summary: str
    words_found: int


def cases_mentioning(
    *, words: list[str], start: Any, end: Any, limit: int = 10
) -> list[MentioningCase]:
    """Cases received in [``start``, ``end``] whose text contains any of ``words``, those with
    the most words first, then the newest (the opinion watch's links from an event)."""
    words = [word for word in words if word.strip()][:5]
    if not words:
        return []
    mentions = Q(pk__in=[])
    for word in words:
        mentions |= Q(content__contains=word)
    rows = (
        HotlineCase.objects.filter(mentions, received_at__gte=start, received_at__lte=end)
        .order_by("-received_at")
        .values_list(
            "pk", "case__tracking_number", "received_at", "category__name", "case__state", "content"
        )[:200]
    )
    found = [
        MentioningCase(
            pk=pk,
            tracking_number=number,
            received_at=received_at,
            category=category,
            state=str(rules.HOTLINE_CASE.state(state).label),
            summary=content[:80],
            words_found=sum(word in content for word in words),
        )
        for pk, number, received_at, category, state, content in rows
    ]
    found.sort(key=lambda case: -case.words_found)  # stable: the newest first among equals
    return found[:limit]
