"""Accessibility of the analysts' and site administrators' admin pages (the opinion watch and
the site self-evaluation): axe-core's serious and critical WCAG 2.1 AA violations fail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.e2e.helpers import PASSWORD, admin_login
from tests.e2e.test_accessibility import describe, serious_violations
from zaixian.core.roles import GROUP_NAMES, Role
from zaixian.core.tests.factories import UserFactory
from zaixian.evaluation import rules
from zaixian.evaluation.tests.factories import (
    AvailabilityProbeFactory,
    EvaluationRunFactory,
    EvaluationTargetFactory,
    FindingFactory,
)
from zaixian.opinion import actions, queries
from zaixian.opinion.models import Reprint
from zaixian.opinion.tests.factories import STORY, AlertRuleFactory, ingest, user_in

pytestmark = pytest.mark.browser


def _audit(page, urls: dict[str, str]) -> dict[str, str]:
    found = {}
    for name, url in urls.items():
        page.goto(url)
        assert page.locator("table.listing").count() >= 1, name
        assert "Traceback" not in page.content(), name
        if violations := serious_violations(page):
            found[name] = describe(violations)
    return found


def test_opinion_admin_pages(page):
    queries.forget_cached_indexes()
    AlertRuleFactory()
    now = timezone.now()
    for i in range(4):
        ingest(
            url=f"http://o{i}.example/{i}",
            title="城东小区停水三天无人管",
            body=STORY + str(i),
            at=now - timedelta(minutes=30 * i),
        )
    [alert] = actions.evaluate_alert_rules(now=now)
    analyst = user_in(Role.OPINION_ANALYST, is_staff=True, username="analyst1")
    analyst.set_password(PASSWORD)
    analyst.save()
    incident = actions.confirm_alert(alert=alert, user=analyst)
    AlertRuleFactory(name="第二条规则", topic=alert.rule.topic)
    assert actions.evaluate_alert_rules(now=now)  # a second alert stays open
    item = incident.event.cluster
    Reprint.objects.create(
        item=item,
        article_title="文章",
        outlet="新华网",
        url=item.url,
        reprinted_at=now,
        containment=0.9,
    )
    admin_login(page, username="analyst1")

    found = _audit(
        page,
        {
            "dashboard": "/admin/opinion/",
            "event": f"/admin/opinion/events/{incident.event_id}/",
            "reprints": "/admin/opinion/reprints/",
        },
    )

    assert not found, "\n".join(f"{n}:\n{t}" for n, t in found.items())


def test_evaluation_admin_pages(page):
    admin = UserFactory(is_staff=True, username="webmaster1")
    admin.set_password(PASSWORD)
    admin.save()
    admin.groups.add(Group.objects.get_or_create(name=GROUP_NAMES[Role.PLATFORM_ADMIN])[0])
    target = EvaluationTargetFactory(name="晋城在线")
    AvailabilityProbeFactory(target=target)
    AvailabilityProbeFactory(target=target, is_up=False, status_code=None, error="超时")
    findings = [
        FindingFactory.build(indicator="availability.links"),
        FindingFactory.build(indicator="veto.home_not_updated"),
    ]
    card = rules.score(findings)
    EvaluationRunFactory(
        target=target, started_at=timezone.now() - timedelta(days=1), score=Decimal("92.0")
    )
    run = EvaluationRunFactory(
        target=target,
        score=card.total,
        vetoes_failed=card.vetoes_failed,
        is_passed=card.is_passed,
        scorecard=card.to_json(),
    )
    FindingFactory(run=run)
    FindingFactory(
        run=run,
        indicator="veto.home_not_updated",
        check_code="home.not_updated",
        severity="veto",
        link_url="",
        evidence="首页最近一次更新在 20 天前。",
    )
    admin_login(page, username="webmaster1")

    found = _audit(
        page,
        {
            "dashboard": "/admin/evaluation/",
            "run": f"/admin/evaluation/runs/{run.pk}/",  # with the trend since the earlier run
        },
    )

    assert not found, "\n".join(f"{n}:\n{t}" for n, t in found.items())
