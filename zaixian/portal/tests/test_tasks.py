"""Scheduled publishing and unpublishing (Wagtail's go_live_at / expire_at), run by the
periodic ``publish_scheduled_pages_task``."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from zaixian.portal.models import ArticlePage
from zaixian.portal.tasks import publish_scheduled_pages_task

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2024, 9, 30, 9, 0, tzinfo=SHANGHAI)


def scheduled_article(*, site, go_live_at: dt.datetime) -> ArticlePage:
    """An approved article waiting for its go-live time."""
    article = ArticlePage(title="国庆假期安排的通知", slug="national-day", body="<p>放假通知</p>")
    article.live = False
    site.channel.add_child(instance=article)
    article.go_live_at = go_live_at
    article.save_revision(user=site.final_approver).publish(user=site.final_approver)
    article.refresh_from_db()
    return article


def test_scheduled_article_waits_for_its_time(site_a):
    with time_machine.travel(NOW, tick=False):
        article = scheduled_article(site=site_a, go_live_at=NOW + dt.timedelta(hours=1))

        publish_scheduled_pages_task.enqueue()

    article.refresh_from_db()
    assert not article.live
    assert article.latest_revision.approved_go_live_at == NOW + dt.timedelta(hours=1)


def test_scheduled_article_goes_live_when_its_time_comes(site_a):
    with time_machine.travel(NOW, tick=False):
        article = scheduled_article(site=site_a, go_live_at=NOW + dt.timedelta(hours=1))

    with time_machine.travel(NOW + dt.timedelta(hours=1, minutes=1), tick=False):
        publish_scheduled_pages_task.enqueue()

    article.refresh_from_db()
    assert article.live
    assert article.first_published_at == NOW + dt.timedelta(hours=1, minutes=1)
    assert article.latest_revision.approved_go_live_at is None


def test_expired_article_is_unpublished_when_its_time_comes(site_a):
    with time_machine.travel(NOW, tick=False):
        article = ArticlePage(title="征求意见公告", slug="consultation", body="<p>公告</p>")
        site_a.channel.add_child(instance=article)
        article.expire_at = NOW + dt.timedelta(days=7)
        article.save_revision().publish()
        article.refresh_from_db()
        assert article.live

        publish_scheduled_pages_task.enqueue()
        article.refresh_from_db()
        assert article.live

    with time_machine.travel(NOW + dt.timedelta(days=7, minutes=1), tick=False):
        publish_scheduled_pages_task.enqueue()

    article.refresh_from_db()
    assert not article.live
    assert article.expired


def test_scheduled_publication_shows_at_once_through_the_page_cache(client, site_a):
    cache.clear()
    channel_url = site_a.channel.relative_url(site_a.site)
    with time_machine.travel(NOW, tick=False):
        scheduled_article(site=site_a, go_live_at=NOW + dt.timedelta(hours=1))
        client.get(channel_url)

    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        publish_scheduled_pages_task.enqueue()
        response = client.get(channel_url)

    assert response.status_code == 200
    assert "国庆假期安排的通知" in response.content.decode()
    assert response.get("X-Cache") != "HIT"


def test_task_runs_with_nothing_to_do(site_a):
    before = timezone.now()

    publish_scheduled_pages_task.enqueue()

    assert not ArticlePage.objects.filter(live=True, last_published_at__gte=before).exists()
