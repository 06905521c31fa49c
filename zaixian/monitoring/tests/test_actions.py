"""Fetching sources into items, the health record, file import and the banded clustering."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from zaixian.core.fetching import HostLimiter, PoliteFetcher
from zaixian.monitoring import actions, registry
from zaixian.monitoring.models import FetchRun, Item, Source
from zaixian.monitoring.parsing import ItemDraft
from zaixian.monitoring.tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fetcher():
    return PoliteFetcher(timeout=0.5, retries=0, retry_base=0.01, limiter=HostLimiter(0))


def test_feed_source_stores_clean_items_with_sentiment(fixture_server, fetcher):
    source = SourceFactory(url=fixture_server.url("/feed.xml"))

    run = actions.fetch_source(source=source, fetcher=fetcher)

    assert (run.outcome, run.items_new) == (FetchRun.Outcome.OK, 2)
    good = Item.objects.get(title__startswith="城区供水")
    assert good.body.startswith("今年以来")
    assert "<p>" not in good.body
    assert good.canonical_url == "http://news.example/a/1.html"
    assert good.sentiment == Item.Sentiment.POSITIVE
    assert Item.objects.get(title__startswith="市民投诉").sentiment == Item.Sentiment.NEGATIVE
    source.refresh_from_db()
    assert source.last_success_at is not None
    assert source.etag == '"feed-v1"'


def test_second_fetch_uses_conditional_get(fixture_server, fetcher):
    source = SourceFactory(url=fixture_server.url("/feed.xml"))
    actions.fetch_source(source=source, fetcher=fetcher)

    run = actions.fetch_source(source=source, fetcher=fetcher)

    assert run.outcome == FetchRun.Outcome.NOT_MODIFIED
    assert Item.objects.count() == 2


def test_refetch_without_validators_does_not_duplicate_items(fixture_server, fetcher):
    source = SourceFactory(url=fixture_server.url("/feed.xml"))
    actions.fetch_source(source=source, fetcher=fetcher)
    Source.objects.filter(pk=source.pk).update(etag="")
    source.refresh_from_db()

    run = actions.fetch_source(source=source, fetcher=fetcher)

    assert (run.outcome, run.items_seen, run.items_new) == (FetchRun.Outcome.OK, 2, 0)


def test_atom_feed_links_are_made_absolute(fixture_server, fetcher):
    source = SourceFactory(url=fixture_server.url("/atom.xml"))

    actions.fetch_source(source=source, fetcher=fetcher)

    item = Item.objects.get()
    assert item.url == fixture_server.url("/news/100.html")
    assert item.published_at == datetime(2024, 3, 6, 2, 0, tzinfo=UTC)


def test_list_page_source_extracts_articles_and_skips_broken_links(fixture_server, fetcher):
    source = SourceFactory(
        kind=Source.Kind.LIST_PAGE,
        url=fixture_server.url("/list.html"),
        link_selector="ul.news-list a",
        title_selector="h1.title",
        time_selector=".meta",
        body_selector=".content p",
    )

    run = actions.fetch_source(source=source, fetcher=fetcher)

    assert (run.outcome, run.items_new) == (FetchRun.Outcome.OK, 2)
    meeting = Item.objects.get(title="市政府召开常务会议")
    assert meeting.published_at.isoformat() == "2024-03-01T01:30:00+00:00"
    assert "track()" not in meeting.body
    assert "植树造林" in meeting.body
    assert Item.objects.get(title__startswith="某街道").canonical_url.endswith("/articles/2.html")


def test_sitemap_source_reads_each_listed_article(fixture_server, fetcher):
    source = SourceFactory(kind=Source.Kind.SITEMAP, url=fixture_server.url("/sitemap.xml"))

    run = actions.fetch_source(source=source, fetcher=fetcher)

    assert run.items_new == 2
    assert set(Item.objects.values_list("title", flat=True)) == {
        "市政府召开常务会议",
        "某街道垃圾成堆 居民不满",
    }


def test_sitemap_index_source_reads_the_articles_of_its_files(fixture_server, fetcher):
    source = SourceFactory(kind=Source.Kind.SITEMAP, url=fixture_server.url("/sitemap-index.xml"))

    run = actions.fetch_source(source=source, fetcher=fetcher)

    # One listed file is missing (404): the other one's articles still come in.
    assert run.items_new == 2
    assert fixture_server.hits["/missing-sitemap.xml"] == 1


def test_json_api_source_follows_the_field_map(fixture_server, fetcher):
    source = SourceFactory(
        kind=Source.Kind.JSON_API,
        url=fixture_server.url("/api.json"),
        field_map={
            "items": "data.list",
            "url": "link",
            "title": "subject",
            "body": "content",
            "time": "ctime",
        },
    )

    run = actions.fetch_source(source=source, fetcher=fetcher)

    assert (run.items_seen, run.items_new) == (1, 1)
    item = Item.objects.get()
    assert item.url == fixture_server.url("/post/7")
    assert item.sentiment == Item.Sentiment.NEGATIVE


@pytest.mark.parametrize(
    ("path", "kind", "message"),
    [
        ("/malformed.xml", Source.Kind.FEED, "The feed is malformed"),
        ("/slow", Source.Kind.FEED, "did not answer within"),
        ("/gone.xml", Source.Kind.FEED, "HTTP 404"),
        ("/loop", Source.Kind.FEED, "Too many redirects"),
        ("/huge", Source.Kind.LIST_PAGE, "larger than the limit"),
        ("/list.html", Source.Kind.JSON_API, "not valid JSON"),
        ("/feed.xml", Source.Kind.SITEMAP, "not a sitemap"),
    ],
)
def test_broken_source_is_recorded_in_its_health(fixture_server, path, kind, message):
    fetcher = PoliteFetcher(timeout=0.5, retries=0, max_bytes=200_000, limiter=HostLimiter(0))
    source = SourceFactory(kind=kind, url=fixture_server.url(path), link_selector="a")
    now = timezone.now()

    run = actions.fetch_source(source=source, fetcher=fetcher, now=now)
    actions.fetch_source(source=source, fetcher=fetcher, now=now)

    assert run.outcome == FetchRun.Outcome.ERROR
    assert message in run.message
    source.refresh_from_db()
    assert source.consecutive_errors == 2
    assert message in source.last_error
    assert source.next_fetch_at == now + source.interval * 4  # backed off twice


def test_success_after_errors_clears_the_health_record(fixture_server, fetcher):
    source = SourceFactory(url=fixture_server.url("/feed.xml"), failing=True)

    actions.fetch_source(source=source, fetcher=fetcher)

    source.refresh_from_db()
    assert source.consecutive_errors == 0
    assert source.is_healthy


def test_file_import_reads_csv_and_jsonl():
    source = SourceFactory(kind=Source.Kind.FILE_IMPORT, url="")
    csv = "url,title,body,published_at\nhttp://x.example/1,标题一,正文一,2024-03-01 10:00\n".encode(
        "gb18030"
    )
    jsonl = b'{"url": "http://x.example/2", "title": "T2", "published_at": "2024-03-02"}\n'

    first = actions.import_items_file(source=source, content=csv, name="a.csv")
    second = actions.import_items_file(source=source, content=jsonl, name="b.jsonl")

    assert (first.items_new, second.items_new) == (1, 1)
    assert Item.objects.get(title="标题一").published_at.isoformat() == "2024-03-01T02:00:00+00:00"


def test_file_import_of_bad_file_is_a_recorded_error():
    source = SourceFactory(kind=Source.Kind.FILE_IMPORT, url="")

    run = actions.import_items_file(source=source, content=b"{not json\n", name="x.jsonl")

    assert run.outcome == FetchRun.Outcome.ERROR
    assert "Line 1 of the file is not valid JSON" in run.message


BODY = (
    "市政府召开新闻发布会，通报近期城区供水管网改造进展情况。据介绍，今年以来共改造老旧管网120"
    "公里，惠及居民3万户。下一步将加快推进剩余工程，确保汛期前全部完工，保障群众用水安全。"
    "发布会上，相关部门负责人回答了记者提问，并就居民关心的水价问题作了说明。"
) * 3


def test_near_duplicates_from_two_sources_share_one_cluster():
    now = timezone.now()
    first = SourceFactory()
    second = SourceFactory()
    [original] = actions.ingest_drafts(
        source=first, drafts=[ItemDraft("http://a.example/1", "供水管网改造", BODY, now)]
    )

    [reprint, other] = actions.ingest_drafts(
        source=second,
        drafts=[
            ItemDraft("http://b.example/9", "供水管网改造", BODY + "（来源：晋城日报）", now),
            ItemDraft("http://b.example/10", "春季植树", "全市开展义务植树活动" * 20, now),
        ],
    )

    assert original.cluster_id == original.pk
    assert reprint.cluster_id == original.pk
    assert other.cluster_id == other.pk


def test_old_items_do_not_capture_a_returning_story():
    now = timezone.now()
    source = SourceFactory()
    [old] = actions.ingest_drafts(
        source=source,
        drafts=[ItemDraft("http://a.example/1", "供水", BODY, now - timedelta(days=30))],
    )

    [new] = actions.ingest_drafts(
        source=source, drafts=[ItemDraft("http://a.example/2", "供水", BODY, now)]
    )

    assert new.cluster_id == new.pk != old.pk


def test_consumers_receive_the_ids_of_new_items():
    received = []
    registry.register_item_consumer("test", received.extend)
    try:
        items = actions.ingest_drafts(
            source=SourceFactory(), drafts=[ItemDraft("http://a.example/1", "T", "B")]
        )
    finally:
        registry._consumers.pop("test")

    assert received == [items[0].pk]


def test_due_sources_are_enqueued_once(fixture_server):
    SourceFactory(url=fixture_server.url("/feed.xml"))
    SourceFactory(kind=Source.Kind.FILE_IMPORT, url="")
    SourceFactory(is_active=False)

    first = actions.enqueue_due_sources()
    second = actions.enqueue_due_sources()

    assert (first, second) == (1, 0)


def scattered_edit(text, every=40):
    """Every ``every``-th character changed: beyond what SimHash's 3 bits catch."""
    return "".join("改" if i % every == every - 1 else ch for i, ch in enumerate(text))


def test_copy_with_scattered_edits_joins_the_cluster_by_shared_samples():
    now = timezone.now()
    [original] = actions.ingest_drafts(
        source=SourceFactory(), drafts=[ItemDraft("http://a.example/1", "供水", BODY, now)]
    )
    edited = scattered_edit(BODY)

    [copy] = actions.ingest_drafts(
        source=SourceFactory(), drafts=[ItemDraft("http://b.example/1", "供水", edited, now)]
    )

    assert original.simhash != copy.simhash
    assert copy.cluster_id == original.pk
    assert copy.samples.count() == copy.sample_count > 0
