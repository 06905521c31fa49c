"""Factories and helpers of the opinion watch's tests."""

from __future__ import annotations

from datetime import datetime

import factory
from django.contrib.auth.models import Group

from zaixian.core.roles import GROUP_NAMES, Role
from zaixian.core.tests.factories import UserFactory
from zaixian.monitoring import actions as monitoring_actions
from zaixian.monitoring.models import Item, Source
from zaixian.monitoring.parsing import ItemDraft
from zaixian.monitoring.tests.factories import SourceFactory
from zaixian.opinion.models import AlertRule, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("name",)

    name = "城市供水"
    all_words = "停水"
    any_words = "小区 街道 居民"


class AlertRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertRule

    name = "供水负面激增"
    topic = factory.SubFactory(TopicFactory)
    window_hours = 6
    min_items = 3
    growth_factor = 2.0
    min_negative_share = 0.5


def user_in(role: Role | None, **kwargs: object) -> object:
    user = UserFactory(**kwargs)
    if role is not None:
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        user.groups.add(group)
    return user


STORY = (
    "近日，市民反映城东某小区停水已经三天，居民生活受到严重影响，多次投诉物业和供水公司，"
    "均被相互推诿，至今没有答复。记者来到现场看到，不少居民提着水桶到附近取水，老人和孩子"
    "用水尤其困难。居民表示，停水前没有任何通知，希望有关部门尽快解决。"
)


def ingest(*, source: Source | None = None, url: str, title: str, body: str, at: datetime) -> Item:
    """Store one item through the engine (and so through the opinion watch's processing)."""
    [item] = monitoring_actions.ingest_drafts(
        source=source or SourceFactory(), drafts=[ItemDraft(url, title, body, at)], now=at
    )
    return item
