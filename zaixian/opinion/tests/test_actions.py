"""Processing items into topics, events and reprints; alerts, incidents and report numbers."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from zaixian.core.models import Notification
from zaixian.core.roles import Role
from zaixian.monitoring.tests.factories import SourceCollectionFactory, SourceFactory
from zaixian.opinion import actions, queries, reports
from zaixian.opinion.models import Alert, Event, Incident, Report, Reprint, ResponsePlan
from zaixian.opinion.tests.factories import (
    STORY,
    AlertRuleFactory,
    TopicFactory,
    ingest,
    user_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_indexes():
    queries.forget_cached_indexes()


def spread_story(n, *, start, step=timedelta(minutes=20)):
    """``n`` outlets carrying the same story, a few characters changed each."""
    return [
        ingest(
            url=f"http://outlet{i}.example/a/{i}",
            title="城东小区停水三天无人管",
            body=STORY + f"（来源：媒体{i}）",
            at=start + step * i,
        )
        for i in range(n)
    ]


def test_items_match_topics_and_a_spread_story_becomes_one_event():
    TopicFactory()
    TopicFactory(name="物业服务", all_words="物业", any_words="", window=0)
    now = timezone.now()

    items = spread_story(3, start=now - timedelta(hours=2))
    ingest(url="http://x.example/other", title="春季植树", body="全市开展义务植树。", at=now)

    event = Event.objects.get()
    assert event.cluster_id == items[0].pk
    assert event.item_count == 3
    assert event.source_count == 3
    assert event.negative_count == 3
    assert sorted(event.topics.values_list("name", flat=True)) == ["城市供水", "物业服务"]
    assert event.first_seen_at == items[0].published_at
    assert event.heat > 0


def test_a_single_item_is_not_yet_an_event():
    TopicFactory()

    spread_story(1, start=timezone.now())

    assert not Event.objects.exists()


def test_story_without_topic_is_not_an_event():
    TopicFactory(name="别的", all_words="燃气", any_words="")

    spread_story(3, start=timezone.now())

    assert not Event.objects.exists()


def test_reprint_of_portal_article_is_recorded_despite_new_headline_and_trimmed_body():
    from zaixian.portal.tests.factories import make_article, make_site_tree

    tree = make_site_tree(articles=1)
    article = make_article(
        parent=tree.news,
        title="我市完成城区供水管网改造",
        body="<p>"
        + "今年以来，市住建局共改造老旧供水管网120公里，惠及居民3万户。改造采用新型管材，"
        "漏损率下降到百分之十以内。下一步将推进农村供水工程，确保群众喝上放心水。" * 2 + "</p>",
    )
    provincial = SourceFactory(
        outlet="山西新闻网", collection=SourceCollectionFactory(name="省级媒体", slug="provincial")
    )
    at = timezone.now()

    item = ingest(
        source=provincial,
        url="http://sx.example/1",
        title="晋城：三万户居民用上新水管",
        body="今年以来，市住建局共改造老旧供水管网120公里，惠及居民3万户。改造采用新型管材，"
        "漏损率下降到百分之十以内。",
        at=at,
    )
    ingest(
        url="http://sx.example/2", title="无关", body="全市开展义务植树活动，共植树十万株。", at=at
    )

    reprint = Reprint.objects.get()
    assert reprint.item == item
    assert reprint.article_id == article.pk
    assert reprint.outlet == "山西新闻网"
    assert reprint.containment > 0.7
    day = timezone.localdate(at)  # the day in Shanghai, as the report counts it
    assert reports.reprint_counts(start=day, end=day)[0].outlet == "山西新闻网"


class WebhookHandler(BaseHTTPRequestHandler):
    received: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        WebhookHandler.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()


@pytest.fixture
def webhook_url():
    WebhookHandler.received = []
    server = HTTPServer(("127.0.0.1", 0), WebhookHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_growing_negative_story_raises_one_alert_with_mail_and_webhook(
    webhook_url, django_capture_on_commit_callbacks
):
    analyst = user_in(Role.OPINION_ANALYST, email="analyst@example.org")
    rule = AlertRuleFactory(webhook_url=webhook_url, emails="duty@example.org")
    now = timezone.now()
    spread_story(4, start=now - timedelta(hours=2))

    with django_capture_on_commit_callbacks(execute=True):
        raised = actions.evaluate_alert_rules(now=now)
    again = actions.evaluate_alert_rules(now=now)

    assert [a.rule for a in raised] == [rule]
    assert again == []
    assert "4 items in the window" in raised[0].reason
    assert Notification.objects.filter(recipient=analyst).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["analyst@example.org", "duty@example.org"]
    assert WebhookHandler.received[0]["event"] == raised[0].event_id


def test_slow_growth_raises_no_alert():
    AlertRuleFactory()
    now = timezone.now()
    spread_story(6, start=now - timedelta(hours=11), step=timedelta(hours=2))

    assert actions.evaluate_alert_rules(now=now) == []


@pytest.fixture
def alert():
    AlertRuleFactory()
    now = timezone.now()
    spread_story(4, start=now - timedelta(hours=2))
    [raised] = actions.evaluate_alert_rules(now=now)
    return raised


def test_confirmed_alert_becomes_an_incident_with_plan_steps(alert):
    analyst = user_in(Role.OPINION_ANALYST)
    owner = user_in(Role.OPINION_ANALYST)
    alert.rule.plan = ResponsePlan.objects.create(name="供水预案", steps="核实\n发布\n回应")
    alert.rule.save()

    incident = actions.confirm_alert(alert=alert, user=analyst, owner=owner)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.CONFIRMED
    assert alert.decided_by == analyst
    assert incident.owner == owner
    assert incident.opened_at == alert.raised_at
    assert list(incident.steps.values_list("text", flat=True)) == ["核实", "发布", "回应"]


def test_alert_cannot_be_decided_twice(alert):
    analyst = user_in(Role.OPINION_ANALYST)
    actions.dismiss_alert(alert=alert, user=analyst, note="误报")

    with pytest.raises(actions.AlertAlreadyDecidedError):
        actions.confirm_alert(alert=alert, user=analyst)

    assert not Incident.objects.exists()


@pytest.mark.parametrize("role", [None, Role.EDITOR, Role.HOTLINE_OPERATOR])
def test_others_may_not_decide_alerts_or_see_the_watch(alert, role):
    user = user_in(role)

    with pytest.raises(PermissionDenied):
        actions.confirm_alert(alert=alert, user=user)
    with pytest.raises(PermissionDenied):
        queries.events_for_user(user)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN


def test_leader_sees_the_watch(alert):
    leader = user_in(Role.LEADER)

    assert list(queries.alerts_for_user(leader)) == [alert]


def test_milestones_stop_the_clocks(alert):
    analyst = user_in(Role.OPINION_ANALYST)
    incident = actions.confirm_alert(alert=alert, user=analyst)

    actions.record_incident_milestone(
        incident=incident,
        user=analyst,
        milestone="first_release_at",
        at=incident.opened_at + timedelta(hours=3),
    )

    with pytest.raises(actions.IncidentMilestoneError):
        actions.record_incident_milestone(incident=incident, user=analyst, milestone="bogus")
    with pytest.raises(actions.IncidentMilestoneError):
        actions.record_incident_milestone(
            incident=incident,
            user=analyst,
            milestone="response_at",
            at=incident.opened_at - timedelta(hours=1),
        )
    incident.refresh_from_db()
    assert incident.first_release_at == incident.opened_at + timedelta(hours=3)


def test_reports_are_numbered_per_kind_and_year():
    first = actions.number_report(kind=Report.Kind.FLASH, title="a", year=2024)
    second = actions.number_report(kind=Report.Kind.FLASH, title="b", year=2024)
    other = actions.number_report(kind=Report.Kind.DAILY_DIGEST, title="c", year=2024)
    next_year = actions.number_report(kind=Report.Kind.FLASH, title="d", year=2025)

    assert [first.number, second.number, other.number, next_year.number] == [1, 2, 1, 1]


def test_topic_needs_words():
    with pytest.raises(actions.OpinionError):
        actions.save_topic(name="空", none_words="x")


def test_pruning_keeps_the_evidence_of_incidents_and_reprints():
    from zaixian.monitoring import actions as monitoring_actions
    from zaixian.monitoring.models import Item

    queries.forget_cached_indexes()
    AlertRuleFactory()
    then = timezone.now() - timedelta(days=500)
    for i in range(4):
        ingest(
            url=f"http://o{i}.example/{i}",
            title="城东小区停水三天无人管",
            body=STORY + str(i),
            at=then - timedelta(minutes=30 * i),
        )
    [alert] = actions.evaluate_alert_rules(now=then)
    actions.confirm_alert(alert=alert, user=user_in(Role.OPINION_ANALYST))
    reprinted = ingest(url="http://x.example/r", title="转载", body="转载的正文" * 20, at=then)
    Reprint.objects.create(
        item=reprinted,
        article_title="文章",
        outlet="新华网",
        url=reprinted.url,
        reprinted_at=then,
        containment=0.8,
    )
    ingest(url="http://y.example/old", title="旧闻", body="一条无关的旧闻" * 20, at=then)

    deleted = monitoring_actions.prune_items(older_than_days=400)

    assert deleted == 1
    assert Item.objects.count() == 5
