"""The demo's recorded feeds fetched from a running server the way the scheduler fetches them."""

import pytest

from zaixian.core.fetching import HostLimiter, PoliteFetcher
from zaixian.monitoring import actions
from zaixian.monitoring.models import FetchRun, Item
from zaixian.monitoring.tests.factories import SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_recorded_feed_is_fetched_then_not_modified(live_server, settings):
    settings.DEBUG = True
    source = SourceFactory(url=f"{live_server.url}/monitoring/demo-feeds/official-1.xml?shift=3600")
    fetcher = PoliteFetcher(timeout=10, retries=0, limiter=HostLimiter(0))

    first = actions.fetch_source(source=source, fetcher=fetcher)
    second = actions.fetch_source(source=source, fetcher=fetcher)

    assert (first.outcome, first.message) == (FetchRun.Outcome.OK, "")
    assert first.items_new > 100
    assert Item.objects.filter(source=source).count() == first.items_new
    assert second.outcome == FetchRun.Outcome.NOT_MODIFIED
