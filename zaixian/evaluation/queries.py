"""Reads of the self-evaluation: the latest run of each site, a site's score history and
trend, a run's findings and their counts. (The documents' own reads are in ``reports``: the
two modules are one layer and do not import each other.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

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
    return target.runs.filter(status=EvaluationRun.Status.DONE, score__isnull=False).order_by(
        "-started_at", "-pk"
    )


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
    return findings.order_by("severity", "indicator", "check_code", "pk")


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
