"""Pruning old items: by age, in batches, keeping live stories' first items and what a
module's keeper names."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zaixian.monitoring import actions, registry
from zaixian.monitoring.models import FetchRun, Item, ItemSample
from zaixian.monitoring.parsing import ItemDraft
from zaixian.monitoring.tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

TEXT = "市住建局今年改造老旧供水管网一百二十公里，惠及居民三万户，漏损率明显下降。"


def store(source, *, url, body, days_ago):
    at = timezone.now() - timedelta(days=days_ago)
    [item] = actions.ingest_drafts(
        source=source, drafts=[ItemDraft(url, body[:20], body, at)], now=at
    )
    return item


def test_old_items_and_their_samples_are_deleted_in_batches(settings):
    settings.MONITORING_ITEM_RETENTION_DAYS = 30
    source = SourceFactory()
    old = [
        store(source, url=f"http://a.example/{i}", body=f"{i}号{TEXT}{i * 7}", days_ago=40 + i)
        for i in range(5)
    ]
    recent = store(
        source, url="http://a.example/new", body="全新的一条消息，与旧文无关。" * 3, days_ago=1
    )
    FetchRun.objects.create(source=source, outcome=FetchRun.Outcome.OK)
    FetchRun.objects.filter(source=source).update(started_at=timezone.now() - timedelta(days=90))

    deleted = actions.prune_items(batch_size=2)

    assert deleted == 5
    assert list(Item.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ItemSample.objects.filter(item_id__in=[i.pk for i in old]).exists()
    assert not FetchRun.objects.exists()


def test_first_item_of_a_story_with_recent_items_is_kept():
    source = SourceFactory()
    first = store(source, url="http://a.example/1", body=TEXT, days_ago=500)
    later = store(SourceFactory(), url="http://b.example/1", body=TEXT + "。", days_ago=490)
    Item.objects.filter(pk=later.pk).update(cluster=first.pk, published_at=timezone.now())

    deleted = actions.prune_items(older_than_days=400)

    assert deleted == 0
    assert Item.objects.filter(pk=first.pk).exists()


def test_items_a_keeper_names_are_kept(monkeypatch):
    source = SourceFactory()
    kept = store(source, url="http://a.example/1", body=TEXT, days_ago=500)
    store(source, url="http://a.example/2", body="另一条旧闻，说的是别的事情。" * 3, days_ago=500)
    monkeypatch.setattr(
        registry, "_keepers", {"test": lambda: Item.objects.filter(pk=kept.pk).values("pk")}
    )

    deleted = actions.prune_items(older_than_days=400)

    assert deleted == 1
    assert list(Item.objects.values_list("pk", flat=True)) == [kept.pk]
