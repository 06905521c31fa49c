"""Reads behind the event page: the key words that link an event to cases and articles."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zaixian.opinion import queries
from zaixian.opinion.models import Event
from zaixian.opinion.tests.factories import STORY, TopicFactory, ingest

pytestmark = pytest.mark.django_db


def test_event_keywords_start_with_topic_words_and_skip_title_tags():
    queries.forget_cached_indexes()
    TopicFactory()
    now = timezone.now()
    for i in range(2):
        ingest(
            url=f"http://k{i}.example/{i}",
            title="【关注】城东小区停水三天无人管",
            body=STORY + str(i),
            at=now - timedelta(minutes=i),
        )

    words = queries.event_keywords(Event.objects.get())

    assert words[:2] == ["停水", "小区"]
    assert "关注" not in words
