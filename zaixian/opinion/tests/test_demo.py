"""The demo watch loads once, with events, an alert, an incident and reprints."""

import pytest

from zaixian.core.roles import Role
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

    assert made > 300
    assert again == 0
    assert Event.objects.count() >= 3
    assert Alert.objects.filter(status=Alert.Status.CONFIRMED).count() == 1
    assert Incident.objects.get().first_release_at is not None
    assert Reprint.objects.filter(article_id__isnull=False).exists()
    assert Report.objects.filter(kind=Report.Kind.FLASH).count() == 1
