"""The analysts' dashboard: who sees it, deciding alerts, bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zaixian.core.roles import Role
from zaixian.opinion import actions, queries
from zaixian.opinion.models import Alert, Incident
from zaixian.opinion.tests.factories import STORY, AlertRuleFactory, ingest, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert():
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
    [raised] = actions.evaluate_alert_rules(now=now)
    return raised


def staff(role):
    return user_in(role, is_staff=True)


def test_analyst_sees_alerts_events_and_failing_sources(
    client, alert, django_assert_max_num_queries
):
    from zaixian.monitoring.tests.factories import SourceFactory

    SourceFactory(name="坏掉的来源", failing=True)
    client.force_login(staff(Role.OPINION_ANALYST))

    with django_assert_max_num_queries(40):
        response = client.get(reverse("opinion_admin:dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert alert.reason in html
    assert "坏掉的来源" in html


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CASE_OFFICER])
def test_other_staff_are_refused(client, alert, role):
    client.force_login(staff(role))

    page = client.get(reverse("opinion_admin:dashboard"))
    response = client.post(
        reverse("opinion_admin:decide_alert", args=[alert.pk]), {"decision": "confirm"}
    )
    # Wagtail's admin answers PermissionDenied with a redirect to the admin home and a message.
    assert (page.status_code, page.url) == (302, "/admin/")
    assert (response.status_code, response.url) == (302, "/admin/")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN


def test_confirm_opens_an_incident(client, alert):
    analyst = staff(Role.OPINION_ANALYST)
    client.force_login(analyst)

    response = client.post(
        reverse("opinion_admin:decide_alert", args=[alert.pk]),
        {"decision": "confirm", "note": "属实"},
    )

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.owner == analyst
    assert client.get(reverse("opinion_admin:dashboard")).content.decode().count("（5小时）") >= 1


def test_second_decision_is_a_conflict_with_a_message(client, alert):
    client.force_login(staff(Role.OPINION_ANALYST))
    client.post(reverse("opinion_admin:decide_alert", args=[alert.pk]), {"decision": "dismiss"})

    response = client.post(
        reverse("opinion_admin:decide_alert", args=[alert.pk]), {"decision": "confirm"}
    )

    assert response.status_code == 409
    assert "该预警已被处理" in response.content.decode()


def test_unknown_decision_and_unknown_alert_are_client_errors(client, alert):
    client.force_login(staff(Role.OPINION_ANALYST))

    bad = client.post(
        reverse("opinion_admin:decide_alert", args=[alert.pk]), {"decision": "delete"}
    )
    missing = client.post(
        reverse("opinion_admin:decide_alert", args=[alert.pk + 100]), {"decision": "dismiss"}
    )

    assert bad.status_code == 400
    assert missing.status_code == 404
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
