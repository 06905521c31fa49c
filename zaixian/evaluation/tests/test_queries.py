"""Reads of the self-evaluation: latest runs, history and trend, findings and their counts."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zaixian.evaluation import queries, rules
from zaixian.evaluation.models import Finding
from zaixian.evaluation.tests.factories import (
    EvaluationRunFactory,
    EvaluationTargetFactory,
    FindingFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)


def _at(day, hour=2, month=11, year=2026):
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def test_latest_runs_one_per_active_target():
    first = EvaluationTargetFactory(name="网站A")
    second = EvaluationTargetFactory(name="网站B")
    inactive = EvaluationTargetFactory(name="网站C", is_active=False)
    EvaluationTargetFactory(name="网站D")  # never evaluated
    EvaluationRunFactory(target=first, started_at=_at(1))
    newest = EvaluationRunFactory(target=first, started_at=_at(2))
    only = EvaluationRunFactory(target=second, started_at=_at(1))
    running = EvaluationRunFactory(target=second, started_at=_at(3), running=True)
    EvaluationRunFactory(target=inactive, started_at=_at(3))

    assert queries.latest_runs() == [newest, running]
    assert queries.latest_runs(done_only=True) == [newest, only]


def test_latest_runs_query_count(django_assert_num_queries):
    for n in range(3):
        EvaluationRunFactory(target=EvaluationTargetFactory(name=f"网站{n}"))

    with django_assert_num_queries(1):
        runs = queries.latest_runs()
        assert [run.target.name for run in runs] == ["网站0", "网站1", "网站2"]


def test_scorecard_history_of_the_window_oldest_first():
    target = EvaluationTargetFactory()
    EvaluationRunFactory(target=target, started_at=_at(1, month=8), score=Decimal("70"))
    passed = EvaluationRunFactory(target=target, started_at=_at(10), score=Decimal("80"))
    vetoed = EvaluationRunFactory(target=target, started_at=_at(12), failed_veto=True)
    EvaluationRunFactory(target=target, started_at=_at(13), running=True)

    history = queries.scorecard_history(target=target, days=30, today=TODAY)

    assert [(p.run_id, p.day, p.score, p.vetoes_failed, p.is_passed) for p in history] == [
        (passed.pk, date(2026, 11, 10), Decimal("80"), 0, True),
        (vetoed.pk, date(2026, 11, 12), Decimal("88.0"), 1, False),
    ]


def test_score_series_has_one_point_a_day_with_the_days_last_run():
    target = EvaluationTargetFactory()
    EvaluationRunFactory(target=target, started_at=_at(19, 1), score=Decimal("70"))
    EvaluationRunFactory(target=target, started_at=_at(19, 9), score=Decimal("75"))
    EvaluationRunFactory(target=target, started_at=_at(20), score=Decimal("90"))

    series = queries.score_series(target=target, days=3, today=TODAY)

    assert series == [
        (date(2026, 11, 18), None),
        (date(2026, 11, 19), Decimal("75")),
        (date(2026, 11, 20), Decimal("90")),
    ]


def test_findings_for_run_filters():
    run = EvaluationRunFactory()
    broken = FindingFactory.create_batch(2, run=run)
    veto = FindingFactory(run=run, veto=True)
    FindingFactory(run=EvaluationRunFactory())

    assert set(queries.findings_for_run(run=run)) == {*broken, veto}
    assert list(queries.findings_for_run(run=run, severity=Finding.Severity.VETO)) == [veto]
    assert set(queries.findings_for_run(run=run, check="links.broken")) == set(broken)


def test_run_summary_counts_by_area_and_check(django_assert_num_queries):
    run = EvaluationRunFactory()
    FindingFactory.create_batch(3, run=run)
    FindingFactory(run=run, veto=True)
    FindingFactory(run=run, bonus=True)

    with django_assert_num_queries(1):
        summary = queries.run_summary(run)

    assert summary.total == 5
    assert summary.by_severity == {"deduction": 3, "veto": 1, "bonus": 1}
    assert summary.by_check == {
        "links.broken": 3,
        "interaction.unanswered": 1,
        "availability.probes": 1,
    }
    assert summary.by_indicator["availability.links"] == 3
    assert summary.by_area[str(rules.INDICATOR_BY_CODE["availability.links"].area)] == 3


def test_scorecard_of_reads_the_stored_scorecard():
    card = rules.score([FindingFactory.build(veto=True)])
    run = EvaluationRunFactory(scorecard=card.to_json())

    assert queries.scorecard_of(run) == card
    assert queries.scorecard_of(EvaluationRunFactory()) is None
