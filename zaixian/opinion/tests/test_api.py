"""The opinion API: who may read it, and the shape of each answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zaixian.core.roles import Role
from zaixian.opinion import actions, queries
from zaixian.opinion.tests.factories import STORY, AlertRuleFactory, ingest, user_in

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/opinion/events",
    "/api/v1/opinion/alerts",
    "/api/v1/opinion/incidents",
    "/api/v1/opinion/reprints?start=2024-01-01&end=2024-12-31",
]


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


@pytest.mark.parametrize("url", URLS)
def test_anonymous_gets_401(client, url):
    response = client.get(url)

    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("url", URLS)
def test_other_users_get_403(client, url):
    client.force_login(user_in(Role.EDITOR))

    response = client.get(url)

    assert response.status_code == 403
    assert response.json()["detail"]


def test_events_timeline_and_alerts_for_an_analyst(client, alert, django_assert_max_num_queries):
    client.force_login(user_in(Role.OPINION_ANALYST))

    with django_assert_max_num_queries(8):
        events = client.get("/api/v1/opinion/events?status=open").json()
    timeline = client.get(f"/api/v1/opinion/events/{alert.event_id}/timeline").json()
    alerts = client.get("/api/v1/opinion/alerts").json()

    assert events[0]["id"] == alert.event_id
    assert events[0]["item_count"] == 4
    assert events[0]["topics"] == ["城市供水"]
    assert len(timeline) == 4
    assert timeline[0]["published_at"] <= timeline[-1]["published_at"]
    assert alerts[0]["event_id"] == alert.event_id


def test_incidents_carry_their_clocks(client, alert):
    analyst = user_in(Role.LEADER)
    incident = actions.confirm_alert(alert=alert, user=user_in(Role.OPINION_ANALYST))
    client.force_login(analyst)

    [row] = client.get("/api/v1/opinion/incidents").json()

    assert row["id"] == incident.pk
    assert [c["hours"] for c in row["clocks"]] == [5, 24, 48]
    assert row["clocks"][0]["done_at"] is None
    assert len(row["steps"]) == 6


def test_unknown_event_is_404_and_bad_period_is_400(client, alert):
    client.force_login(user_in(Role.OPINION_ANALYST))

    missing = client.get(f"/api/v1/opinion/events/{alert.event_id + 9}/timeline")
    backwards = client.get("/api/v1/opinion/reprints?start=2024-12-31&end=2024-01-01")
    bad_by = client.get("/api/v1/opinion/reprints?start=2024-01-01&end=2024-12-31&by=week")

    assert missing.status_code == 404
    assert backwards.status_code == 400
    assert bad_by.status_code == 422


def test_reprint_counts(client, alert):
    client.force_login(user_in(Role.OPINION_ANALYST))

    table = client.get("/api/v1/opinion/reprints?by=month&start=2024-01-01&end=2024-12-31").json()

    assert table == {
        "by": "month",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "periods": [],
        "rows": [],
        "totals": [],
        "total": 0,
    }
