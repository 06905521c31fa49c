"""The demo watch loads once from the recorded feeds, with events, an alert, an incident and
reprints; its feed sources point at the demo server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zaixian.core.roles import Role
from zaixian.monitoring.models import Source
from zaixian.monitoring.parsing import parse_feed
from zaixian.opinion import queries
from zaixian.opinion.demo import load_opinion_demo
from zaixian.opinion.models import Alert, Event, Incident, Report, Reprint
from zaixian.opinion.tests.factories import user_in

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_events_incident_and_reprints():
    from zaixian.portal.tests.factories import make_article, make_site_tree

    tree = make_site_tree(articles=0)
    make_article(
        parent=tree.news,
        title="我市召开优化营商环境大会",
        body="<p>3月6日，我市召开优化营商环境大会，总结去年工作，部署今年任务。会议指出，"
        "过去一年全市新增市场主体两万余户，政务服务事项网上可办率达到百分之九十八。会议强调，"
        "要深化放管服改革，推行一件事一次办，压缩企业开办时间到一个工作日以内；要加强"
        "诚信建设，依法保护企业家合法权益；要畅通政企沟通渠道，及时回应企业诉求。</p>",
    )
    user_in(Role.OPINION_ANALYST)
    queries.forget_cached_indexes()

    made = load_opinion_demo(items=300)
    again = load_opinion_demo(items=300)

    assert made > 250
    assert again == 0
    assert Event.objects.count() >= 3
    assert Alert.objects.filter(status=Alert.Status.CONFIRMED).count() == 1
    assert Incident.objects.get().first_release_at is not None
    assert Reprint.objects.filter(article_id__isnull=False).exists()
    assert Report.objects.filter(kind=Report.Kind.FLASH).count() == 1
    assert Incident.objects.get().steps.filter(done_at__isnull=False).count() == 1
    source = Source.objects.filter(kind=Source.Kind.FEED).first()
    assert "/monitoring/demo-feeds/" in source.url
    assert source.last_success_at is not None
    assert source.next_fetch_at <= timezone.now()  # the scheduler fetches the rest at once


def test_demo_feed_is_served_only_in_the_demo(client, settings):
    settings.DEBUG = False
    hidden = client.get("/monitoring/demo-feeds/central-1.xml")
    settings.DEBUG = True

    feed = client.get("/monitoring/demo-feeds/central-1.xml")
    again = client.get("/monitoring/demo-feeds/central-1.xml", HTTP_IF_NONE_MATCH=feed["ETag"])
    missing = client.get("/monitoring/demo-feeds/nothing.xml")
    moved = client.get("/monitoring/demo-feeds/forum-1.xml?shift=86400")
    original = client.get("/monitoring/demo-feeds/forum-1.xml")
    bad_shift = client.get("/monitoring/demo-feeds/forum-1.xml?shift=soon")

    assert hidden.status_code == 404
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/rss+xml")
    assert len(parse_feed(feed.content)) > 100
    assert again.status_code == 304
    assert missing.status_code == 404
    newest = [parse_feed(r.content)[0].published_at for r in (moved, original)]
    assert newest[0] - newest[1] == timedelta(days=1)
    assert bad_shift.status_code == 400
