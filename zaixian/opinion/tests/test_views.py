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


# Incidents: steps, milestones, closing ----------------------------------------------------


@pytest.fixture
def incident(alert):
    analyst = staff(Role.OPINION_ANALYST)
    return actions.confirm_alert(alert=alert, user=analyst)


def test_dashboard_shows_incident_forms_and_links_the_event(client, incident):
    client.force_login(staff(Role.OPINION_ANALYST))

    html = client.get(reverse("opinion_admin:dashboard")).content.decode()

    assert reverse("opinion_admin:record_milestone", args=[incident.pk]) in html
    assert reverse("opinion_admin:close_incident", args=[incident.pk]) in html
    assert reverse("opinion_admin:complete_step", args=[incident.steps.first().pk]) in html
    assert reverse("opinion_admin:event", args=[incident.event_id]) in html


def test_step_is_completed_with_a_note(client, incident):
    client.force_login(staff(Role.OPINION_ANALYST))
    step = incident.steps.first()

    response = client.post(
        reverse("opinion_admin:complete_step", args=[step.pk]), {"note": "已联系供水公司"}
    )

    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_at is not None
    assert step.note == "已联系供水公司"


def test_step_done_twice_is_a_conflict(client, incident):
    client.force_login(staff(Role.OPINION_ANALYST))
    url = reverse("opinion_admin:complete_step", args=[incident.steps.first().pk])
    client.post(url, {"note": "a"})

    response = client.post(url, {"note": "b"})

    assert response.status_code == 409
    assert "该步骤已完成" in response.content.decode()


def test_milestone_stops_the_five_hour_clock(client, incident):
    client.force_login(staff(Role.OPINION_ANALYST))

    response = client.post(
        reverse("opinion_admin:record_milestone", args=[incident.pk]),
        {"milestone": "first_release_at", "at": ""},
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.first_release_at is not None


@pytest.mark.parametrize(
    "data",
    [
        {"milestone": "bogus"},
        {"milestone": "response_at", "at": "yesterday"},
        {"milestone": "response_at", "at": "2001-01-01T08:00"},
    ],
)
def test_bad_milestone_is_a_client_error_with_a_message(client, incident, data):
    client.force_login(staff(Role.OPINION_ANALYST))

    response = client.post(reverse("opinion_admin:record_milestone", args=[incident.pk]), data)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode() or "error" in response.content.decode()
    incident.refresh_from_db()
    assert incident.response_at is None


def test_close_incident_then_closing_again_is_a_conflict(client, incident):
    client.force_login(staff(Role.OPINION_ANALYST))
    url = reverse("opinion_admin:close_incident", args=[incident.pk])

    first = client.post(url)
    second = client.post(url)
    step = client.post(
        reverse("opinion_admin:complete_step", args=[incident.steps.first().pk]), {"note": ""}
    )

    assert first.status_code == 302
    assert second.status_code == 409
    assert step.status_code == 409
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CASE_OFFICER])
def test_others_cannot_touch_incidents(client, incident, role):
    client.force_login(staff(role))
    step = incident.steps.first()

    responses = [
        client.post(reverse("opinion_admin:complete_step", args=[step.pk]), {"note": "x"}),
        client.post(
            reverse("opinion_admin:record_milestone", args=[incident.pk]),
            {"milestone": "first_release_at"},
        ),
        client.post(reverse("opinion_admin:close_incident", args=[incident.pk])),
    ]

    assert [(r.status_code, r.url) for r in responses] == [(302, "/admin/")] * 3
    incident.refresh_from_db()
    step.refresh_from_db()
    assert (incident.status, incident.first_release_at, step.done_at) == ("open", None, None)


def test_incident_forms_refuse_get_and_unknown_ids(client, incident):
    client.force_login(staff(Role.OPINION_ANALYST))

    get = client.get(reverse("opinion_admin:close_incident", args=[incident.pk]))
    missing = client.post(reverse("opinion_admin:close_incident", args=[incident.pk + 99]))
    missing_step = client.post(reverse("opinion_admin:complete_step", args=[10**6]))

    assert get.status_code == 405
    assert missing.status_code == 404
    assert missing_step.status_code == 404


def test_anonymous_post_goes_to_the_login(client, incident):
    response = client.post(reverse("opinion_admin:close_incident", args=[incident.pk]))

    assert response.status_code == 302
    assert "login" in response.url
