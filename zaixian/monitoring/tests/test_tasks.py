"""The fetch task through the configured (immediate, in tests) task backend."""

import pytest

from zaixian.monitoring.models import FetchRun, Item
from zaixian.monitoring.tasks import fetch_source_task
from zaixian.monitoring.tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_fetch_task_fetches_the_source(fixture_server):
    source = SourceFactory(url=fixture_server.url("/feed.xml"))

    result = fetch_source_task.enqueue(source.pk)

    assert result.return_value == {"outcome": "ok", "items_new": 2, "message": ""}
    assert Item.objects.filter(source=source).count() == 2


def test_fetch_task_of_a_broken_source_records_the_error(fixture_server):
    source = SourceFactory(url=fixture_server.url("/malformed.xml"))

    result = fetch_source_task.enqueue(source.pk)

    assert result.return_value["outcome"] == FetchRun.Outcome.ERROR
    source.refresh_from_db()
    assert source.consecutive_errors == 1
