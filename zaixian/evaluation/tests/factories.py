"""Factories of the self-evaluation's tests: sites, probes, runs and findings, with variants
named after their states (``EvaluationRunFactory(failed_veto=True)``,
``AvailabilityProbeFactory(down=True)``)."""

from decimal import Decimal

import factory
from django.utils import timezone

from zaixian.evaluation.models import (
    AvailabilityProbe,
    EvaluationRun,
    EvaluationTarget,
    Finding,
)


class EvaluationTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationTarget
        django_get_or_create = ("base_url",)

    name = factory.Sequence(lambda n: f"晋城市测试网站{n}")
    base_url = factory.Sequence(lambda n: f"http://site{n}.example.test/")
    admin_emails = "webmaster@example.test"
    requests_per_second = 0


class AvailabilityProbeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityProbe

    target = factory.SubFactory(EvaluationTargetFactory)
    probed_at = factory.LazyFunction(timezone.now)
    is_up = True
    status_code = 200
    elapsed_ms = 300
    error = ""

    class Params:
        down = factory.Trait(
            is_up=False, status_code=None, elapsed_ms=15000, error="No answer within 15 s"
        )


class EvaluationRunFactory(factory.django.DjangoModelFactory):
    """A finished run that passed with 100 points (set ``score`` etc. for others)."""

    class Meta:
        model = EvaluationRun

    target = factory.SubFactory(EvaluationTargetFactory)
    trigger = EvaluationRun.Trigger.SCHEDULE
    status = EvaluationRun.Status.DONE
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda run: run.started_at)
    pages_crawled = 120
    links_checked = 800
    score = Decimal("100.0")
    vetoes_failed = 0
    is_passed = True
    scorecard = factory.LazyFunction(dict)

    class Params:
        running = factory.Trait(
            status=EvaluationRun.Status.RUNNING, finished_at=None, score=None, is_passed=None
        )
        failed_veto = factory.Trait(vetoes_failed=1, is_passed=False, score=Decimal("88.0"))
        failed_score = factory.Trait(is_passed=False, score=Decimal("55.5"))


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    run = factory.SubFactory(EvaluationRunFactory)
    check_code = "links.broken"
    indicator = "availability.links"
    severity = Finding.Severity.DEDUCTION
    page_url = factory.Sequence(lambda n: f"http://site.example.test/news/{n}.html")
    link_url = factory.Sequence(lambda n: f"http://site.example.test/missing/{n}.html")
    evidence = "链接打不开（HTTP 404）。"
    points = Decimal("0.1")
    found_at = factory.LazyFunction(timezone.now)

    class Params:
        veto = factory.Trait(
            check_code="interaction.unanswered",
            indicator="veto.interaction",
            severity=Finding.Severity.VETO,
            link_url="",
            points=Decimal("0"),
            evidence="热线工单超过3个月未答复。",
        )
        bonus = factory.Trait(
            check_code="availability.probes",
            indicator="bonus.availability",
            severity=Finding.Severity.BONUS,
            link_url="",
            points=Decimal("0"),
            evidence="首页一周内每次监测均可访问。",
        )
