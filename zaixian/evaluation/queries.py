"""Reads of the self-evaluation: who sees which sites, the latest run of each site, a site's
score history and trend, a run's findings and their counts. (The documents' own reads are in
``reports``: the two modules are one layer and do not import each other.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from zaixian.core.queries import departments_visible_to, user_has_role
from zaixian.core.roles import Role
from zaixian.evaluation import rules
from zaixian.evaluation.models import EvaluationRun, EvaluationTarget, Finding


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def latest_runs(*, done_only: bool = False) -> list[EvaluationRun]:
    """The latest run of every active target (targets never evaluated are left out), in the
    targets' order. One query."""
    runs = EvaluationRun.objects.filter(target=OuterRef("pk"))
    if done_only:
        runs = runs.filter(status=EvaluationRun.Status.DONE)
    latest_ids = (
        EvaluationTarget.objects.filter(is_active=True)
        .annotate(latest=Subquery(runs.order_by("-started_at", "-pk").values("pk")[:1]))
        .exclude(latest=None)
        .values_list("latest", flat=True)
    )
    return list(
        EvaluationRun.objects.filter(pk__in=latest_ids)
        .select_related("target")
        .order_by("target__name", "target__pk")
    )


def done_runs(*, target: EvaluationTarget) -> QuerySet[EvaluationRun]:
    """The target's finished runs (with a score), newest first."""
    return target.runs.done()


@dataclass(frozen=True)
class HistoryPoint:
    run_id: int
    day: date
    started_at: datetime
    score: Decimal
    vetoes_failed: int
    is_passed: bool


def scorecard_history(
    *, target: EvaluationTarget, days: int = 90, today: date | None = None
) -> list[HistoryPoint]:
    """The target's finished runs of the last ``days`` days, oldest first."""
    today = today or timezone.localdate()
    since = _day_start(today - timedelta(days=days - 1))
    rows = (
        done_runs(target=target)
        .filter(started_at__gte=since, started_at__lt=_day_start(today + timedelta(days=1)))
        .order_by("started_at", "pk")
        .values_list("pk", "started_at", "score", "vetoes_failed", "is_passed")
    )
    return [
        HistoryPoint(
            run_id=pk,
            day=timezone.localdate(started_at),
            started_at=started_at,
            score=score,
            vetoes_failed=vetoes_failed,
            is_passed=bool(is_passed),
        )
        for pk, started_at, score, vetoes_failed, is_passed in rows
    ]


def score_series(
    *, target: EvaluationTarget, days: int = 90, today: date | None = None
) -> list[tuple[date, Decimal | None]]:
    """One point a day for a trend chart: the score of the day's last finished run, None on
    days without one."""
    today = today or timezone.localdate()
    by_day = {
        point.day: point.score for point in scorecard_history(target=target, days=days, today=today)
    }
    start = today - timedelta(days=days - 1)
    return [(start + timedelta(days=n), by_day.get(start + timedelta(days=n))) for n in range(days)]


def findings_for_run(
    *, run: EvaluationRun, severity: str | None = None, check: str | None = None
) -> QuerySet[Finding]:
    """A run's findings in the scorecard's order (severity, check, then as found)."""
    findings = run.findings.all()
    if severity:
        findings = findings.filter(severity=severity)
    if check:
        findings = findings.filter(check_code=check)
    return findings.in_scorecard_order()


@dataclass
class RunSummary:
    """How many findings a run has, by severity, by area of the table, by indicator and by
    check."""

    total: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    by_area: dict[str, int] = field(default_factory=dict)
    by_indicator: dict[str, int] = field(default_factory=dict)
    by_check: dict[str, int] = field(default_factory=dict)


def run_summary(run: EvaluationRun) -> RunSummary:
    """One grouped query."""
    summary = RunSummary()
    rows = (
        run.findings.order_by()
        .values_list("severity", "indicator", "check_code")
        .annotate(n=Count("pk"))
    )
    for severity, indicator_code, check_code, n in rows:
        indicator = rules.INDICATOR_BY_CODE.get(indicator_code)
        area = str(indicator.area) if indicator else ""
        summary.total += n
        for counter, key in (
            (summary.by_severity, severity),
            (summary.by_area, area),
            (summary.by_indicator, indicator_code),
            (summary.by_check, check_code),
        ):
            counter[key] = counter.get(key, 0) + n
    return summary


def scorecard_of(run: EvaluationRun) -> rules.Scorecard | None:
    """The run's stored scorecard (None before it is scored)."""
    return rules.Scorecard.from_json(run.scorecard) if run.scorecard else None


# Who sees what (the admin); the run page and `zaixian evaluate --json` --------------------


def can_view_evaluation(user: Any) -> bool:
    """Site and platform administrators and leaders see the self-evaluation."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        user_has_role(user, role) for role in (Role.SITE_ADMIN, Role.PLATFORM_ADMIN, Role.LEADER)
    )


def can_start_evaluation(user: Any) -> bool:
    """Site and platform administrators may start a run; leaders only read."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(
        user.is_superuser
        or user_has_role(user, Role.SITE_ADMIN)
        or user_has_role(user, Role.PLATFORM_ADMIN)
    )


def can_manage_targets(user: Any) -> bool:
    """Site and platform administrators set up the sites (a site administrator only those of
    their own departments) and keep the wording rules."""
    return can_start_evaluation(user)


def targets_visible_to(user: Any) -> QuerySet[EvaluationTarget]:
    """Every site for platform administrators and the city's leaders; otherwise the sites
    sponsored by the user's own departments."""
    if not can_view_evaluation(user):
        return EvaluationTarget.objects.none()
    if user.is_superuser or user_has_role(user, Role.PLATFORM_ADMIN):
        return EvaluationTarget.objects.all()
    return EvaluationTarget.objects.filter(department__in=departments_visible_to(user))


def target_for_user(user: Any, target_id: int) -> EvaluationTarget | None:
    return targets_visible_to(user).filter(pk=target_id).first()


def run_for_user(user: Any, run_id: int) -> EvaluationRun | None:
    return (
        EvaluationRun.objects.select_related("target")
        .filter(target__in=targets_visible_to(user), pk=run_id)
        .first()
    )


@dataclass(frozen=True)
class DashboardRow:
    target: EvaluationTarget
    latest: EvaluationRun | None
    running: bool
    probes: int
    probe_failures: int

    @property
    def failure_rate(self) -> float | None:
        return self.probe_failures / self.probes if self.probes else None


def dashboard_rows(user: Any, *, today: date) -> list[DashboardRow]:
    """Each site the user sees with its latest finished run and the week's probes, in a
    fixed number of queries whatever the number of sites."""
    since = timezone.make_aware(
        datetime.combine(
            today - timedelta(days=rules.AVAILABILITY_WINDOW_DAYS - 1), datetime.min.time()
        )
    )
    latest = EvaluationRun.objects.filter(target=OuterRef("pk")).done().values("pk")[:1]
    running = EvaluationRun.objects.filter(
        target=OuterRef("pk"), status=EvaluationRun.Status.RUNNING
    )
    targets = list(
        targets_visible_to(user).annotate(
            probes_total=Count("probes", filter=Q(probes__probed_at__gte=since)),
            probes_down=Count(
                "probes", filter=Q(probes__probed_at__gte=since, probes__is_up=False)
            ),
            latest_run_id=Subquery(latest),
            is_running=Exists(running),
        )
    )
    runs = EvaluationRun.objects.in_bulk([t.latest_run_id for t in targets if t.latest_run_id])
    return [
        DashboardRow(
            target=target,
            latest=runs.get(target.latest_run_id),
            running=target.is_running,
            probes=target.probes_total,
            probe_failures=target.probes_down,
        )
        for target in targets
    ]


def run_as_json(run: EvaluationRun) -> dict[str, Any]:
    """The run for `zaixian evaluate --json`: the site, the score and every finding with its
    check, indicator, page, link and evidence."""
    return {
        "site": run.target.name,
        "url": run.target.base_url,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "status": run.status,
        "pages_crawled": run.pages_crawled,
        "links_checked": run.links_checked,
        "score": float(run.score) if run.score is not None else None,
        "passed": run.is_passed,
        "vetoes_failed": run.vetoes_failed,
        "scorecard": run.scorecard,
        "findings": [
            {
                "check": finding.check_code,
                "indicator": finding.indicator,
                "severity": finding.severity,
                "page": finding.page_url,
                "link": finding.link_url,
                "evidence": finding.evidence,
                "points": float(finding.points),
                "screenshot": finding.screenshot.name or None,
            }
            for finding in run.findings.order_by("id")
        ],
    }


@dataclass(frozen=True)
class FindingGroup:
    indicator: str
    name: str
    severity: str
    count: int
    findings: list[Finding]  # the first FINDINGS_SHOWN of them


FINDINGS_SHOWN = 50


def run_detail(run: EvaluationRun) -> dict[str, Any]:
    """What the run page shows: the scorecard and the findings grouped by indicator (the first
    50 of each; the report and the JSON carry all of them). One counting query, then one
    query per group."""
    counts: dict[str, int] = {}
    order: list[str] = []
    rows = (
        run.findings.in_scorecard_order()
        .values_list("indicator", "check_code")
        .annotate(n=Count("pk"))
    )
    for indicator, check_code, n in rows:
        key = indicator or check_code  # notices without an indicator group by their check
        if key not in counts:
            order.append(key)
        counts[key] = counts.get(key, 0) + n
    finding_groups = []
    for key in order:
        of_group = run.findings.in_scorecard_order().filter(
            Q(indicator=key) | Q(indicator="", check_code=key)
        )
        shown = list(of_group[:FINDINGS_SHOWN])
        finding_groups.append(
            FindingGroup(
                indicator=key,
                name=rules._indicator_name(key),
                severity=shown[0].severity,
                count=counts[key],
                findings=shown,
            )
        )
    return {
        "scorecard": scorecard_of(run),
        "summary": run_summary(run),
        "finding_groups": finding_groups,
    }
