import json

import pytest
from django.core.cache import cache

from zaixian.analytics import actions
from zaixian.analytics.models import AnalyticsSettings, DailySummary, PageView
from zaixian.analytics.tests.conftest import BAIDUSPIDER, CHROME

pytestmark = pytest.mark.django_db

URL = "/analytics/collect"


def beacon(client, payload, **extra):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", HTTP_USER_AGENT=CHROME, **extra)


def test_beacon_is_recorded_and_rolled_up(client, portal):
    response = beacon(
        client,
        {
            "site": "www.jc.test",
            "path": "/news/?utm_campaign=spring",
            "title": "新闻",
            "referrer": "https://www.baidu.com/s?wd=晋城",
            "screen": "1920x1080",
            "language": "zh-CN",
        },
        REMOTE_ADDR="221.204.0.1",
    )

    assert response.status_code == 204
    view = PageView.objects.get()
    assert (view.site, view.path, view.province, view.screen) == (
        portal,
        "/news/",
        "山西",
        "1920x1080",
    )
    assert view.source == "script"
    assert not response.cookies
    actions.roll_up_page_views()
    assert DailySummary.objects.get(site=portal).page_views == 1


def test_a_pixel_with_a_control_character_is_refused(client, portal):
    response = client.get(URL, {"path": "/a\x00b"}, HTTP_HOST="www.jc.test", HTTP_USER_AGENT=CHROME)

    assert response.status_code == 400
    assert "path" in response.json()["detail"]
    assert not PageView.objects.exists()


def test_pixel_records_with_get_and_answers_a_gif(client, portal):
    response = client.get(URL, {"path": "/zwgk/"}, HTTP_HOST="www.jc.test", HTTP_USER_AGENT=CHROME)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert PageView.objects.get().source == "pixel"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{not json", 400),
        (b"\xff\xfe", 400),
        ("[1, 2]", 400),
        ('{"site": "www.jc.test", "path": 5}', 400),
        ('{"site": "www.jc.test", "path": "no-slash"}', 400),
        ('{"site": "www.jc.test", "path": "/", "title": "' + "x" * 600 + '"}', 400),
        ('{"site": "www.jc.test", "path": "/a\\u0000b"}', 400),  # PostgreSQL stores no NUL
        ('{"site": "www.jc.test", "path": "/", "referrer": "https://a.cn/\\n"}', 400),
        ('{"site": "unknown.example", "path": "/"}', 404),
        ('{"site": "www.jc.test", "path": "/", "title": "' + "x" * 5000 + '"}', 413),
    ],
)
def test_bad_beacons_are_refused_with_4xx(client, portal, body, status):
    response = beacon(client, body)

    assert response.status_code == status
    assert response.json()["detail"]
    assert not PageView.objects.exists()


def test_declared_length_over_the_limit_is_refused_before_reading(client, portal):
    response = client.post(URL, "{}", content_type="application/json", CONTENT_LENGTH="1000000")

    assert response.status_code == 413


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_methods_are_refused(client, portal, method):
    response = getattr(client, method)(URL)

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


def test_collect_needs_no_csrf_token(portal):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    assert beacon(client, {"site": "www.jc.test", "path": "/"}).status_code == 204


def test_collect_is_rate_limited(client, portal):
    cache.clear()
    for _ in range(120):
        beacon(client, {"site": "www.jc.test", "path": "/"})

    response = beacon(client, {"site": "www.jc.test", "path": "/"})

    assert response.status_code == 429
    assert response["Retry-After"]


def test_do_not_track_header_is_honoured(client, portal):
    response = beacon(client, {"site": "www.jc.test", "path": "/"}, HTTP_DNT="1")

    assert response.status_code == 204
    assert not PageView.objects.exists()


def test_bot_beacon_is_accepted_but_not_recorded(client, portal):
    response = client.post(
        URL,
        json.dumps({"site": "www.jc.test", "path": "/"}),
        content_type="application/json",
        HTTP_USER_AGENT=BAIDUSPIDER,
    )

    assert response.status_code == 204
    assert not PageView.objects.exists()


def test_portal_pages_include_the_tracker(client, portal):
    response = client.get("/", HTTP_HOST="www.jc.test")

    assert b"analytics/tracker" in response.content
    assert b"/analytics/collect?path=" in response.content


def test_public_summary_only_when_the_site_chooses(client, portal):
    assert client.get("/analytics/summary/", HTTP_HOST="www.jc.test").status_code == 404
    settings = AnalyticsSettings.for_site(portal)
    settings.show_public_summary = True
    settings.save()
    beacon(client, {"site": "www.jc.test", "path": "/"})
    actions.roll_up_page_views()

    response = client.get("/analytics/summary/", HTTP_HOST="www.jc.test")

    assert response.status_code == 200
    assert response.context["summary"]["all_time"] == {"page_views": 1, "visitors": 1}


def test_a_beacon_costs_one_query_once_the_site_and_salt_are_known(
    client, portal, django_assert_num_queries
):
    payload = {"site": "www.jc.test", "path": "/a/"}
    assert beacon(client, payload).status_code == 204  # looks up the site, makes the salt

    with django_assert_num_queries(1):  # the INSERT of the page view
        assert beacon(client, {"site": "www.jc.test", "path": "/b/"}).status_code == 204

    assert list(PageView.objects.order_by("id").values_list("path", flat=True)) == ["/a/", "/b/"]


def test_a_renamed_site_is_known_by_its_new_host_at_once(client, portal):
    assert beacon(client, {"site": "www.jc.test", "path": "/"}).status_code == 204

    portal.hostname = "www.jincheng.test"
    portal.save()

    assert beacon(client, {"site": "www.jc.test", "path": "/"}).status_code == 404
    assert beacon(client, {"site": "www.jincheng.test", "path": "/"}).status_code == 204
