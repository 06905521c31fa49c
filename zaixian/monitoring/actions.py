"""Writes of the monitoring engine: fetching a source, importing a file, storing items with
their fingerprints and sentiment, and the source's health record."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zaixian.core.fetching import FetchError, FetchResult, PoliteFetcher
from zaixian.core.text import normalize
from zaixian.monitoring import queries, registry, similarity
from zaixian.monitoring.matching import default_lexicon
from zaixian.monitoring.models import FetchRun, Item, ItemSample, Source, SourceCollection
from zaixian.monitoring.parsing import (
    ItemDraft,
    ParseError,
    canonical_url,
    clean_text,
    flat_text,
    parse_article,
    parse_feed,
    parse_file,
    parse_json_api,
    parse_list_page,
    parse_sitemap,
    parse_sitemap_index,
)
from zaixian.monitoring.rules import next_fetch_time, truncate

logger = logging.getLogger(__name__)

# A list page or sitemap names many articles; each is one more request to the host, so one
# run reads at most this many articles it has not seen before.
MAX_ARTICLES_PER_RUN = 30
# The files of a sitemap index read in one run, the newest first.
MAX_SITEMAP_FILES_PER_RUN = 3
# Items deleted per transaction by the pruning job: short transactions, short locks.
PRUNE_BATCH_SIZE = 1000


class SourceError(Exception):
    """A source that could not be read; the message is what the health record shows."""


def create_source_collection(*, name: str, slug: str, weight: float = 1.0) -> SourceCollection:
    collection, _created = SourceCollection.objects.update_or_create(
        slug=slug, defaults={"name": name, "weight": weight}
    )
    return collection


def _drafts_for(source: Source, fetcher: PoliteFetcher) -> tuple[list[ItemDraft], bool]:
    """The source's drafts and whether the server said "not modified"."""
    result = fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
    if result.is_not_modified:
        return [], True
    drafts = _parse_listing(source, fetcher, result)
    # The validators are kept only once the content was usable: a broken document must be
    # fetched whole again next time, not answered "not modified".
    source.etag = result.etag[:300]
    source.last_modified = result.last_modified[:100]
    return drafts, False


def _sitemap_urls(result: FetchResult, fetcher: PoliteFetcher) -> list[str]:
    """The pages a sitemap lists; for a sitemap index, those of its newest files (a large
    site splits its sitemap, as the portal's own ``/sitemap.xml`` does)."""
    files = parse_sitemap_index(result.content)
    if files is None:
        return [url for url, _lastmod in parse_sitemap(result.content)]
    urls: list[str] = []
    for url in files[:MAX_SITEMAP_FILES_PER_RUN]:
        try:
            urls.extend(loc for loc, _lastmod in parse_sitemap(fetcher.fetch(url).content))
        except (FetchError, ParseError) as exc:
            logger.info("Sitemap file %s skipped: %s", url, exc)
    return urls


def _parse_listing(source: Source, fetcher: PoliteFetcher, result: FetchResult) -> list[ItemDraft]:
    if source.kind == Source.Kind.FEED:
        return parse_feed(result.content, base_url=result.url)
    if source.kind == Source.Kind.JSON_API:
        return parse_json_api(result.content, field_map=source.field_map, base_url=result.url)
    if source.kind == Source.Kind.SITEMAP:
        urls = _sitemap_urls(result, fetcher)
    elif source.kind == Source.Kind.LIST_PAGE:
        urls = parse_list_page(
            result.content, base_url=result.url, link_selector=source.link_selector
        )
    else:
        raise SourceError(_("A file import is not fetched; import a file instead."))
    known = queries.known_canonical_urls(source, [canonical_url(u) for u in urls])
    drafts = []
    for url in [u for u in urls if canonical_url(u) not in known][:MAX_ARTICLES_PER_RUN]:
        try:
            page = fetcher.fetch(url)
            drafts.append(
                parse_article(
                    page.content,
                    url=page.url,
                    title_selector=source.title_selector,
                    time_selector=source.time_selector,
                    body_selector=source.body_selector,
                )
            )
        except (FetchError, ParseError) as exc:
            # One broken article does not fail the list; it is logged and retried next run.
            logger.info("Article %s of source %s skipped: %s", url, source.pk, exc)
    return drafts


def fetch_source(
    *, source: Source, fetcher: PoliteFetcher | None = None, now: datetime | None = None
) -> FetchRun:
    """Fetch one source now, store its new items and update its health record. Never raises
    for a bad source: the error is recorded in words on the run and the source."""
    now = now or timezone.now()
    fetcher = fetcher or PoliteFetcher()
    run = FetchRun(source=source, started_at=now)
    try:
        drafts, not_modified = _drafts_for(source, fetcher)
    except (FetchError, ParseError, SourceError) as exc:
        run.outcome = FetchRun.Outcome.ERROR
        run.message = truncate(str(exc), 2000)
        _record_health(source=source, now=now, error=run.message)
    else:
        run.items_seen = len(drafts)
        run.outcome = FetchRun.Outcome.NOT_MODIFIED if not_modified else FetchRun.Outcome.OK
        run.items_new = len(ingest_drafts(source=source, drafts=drafts, now=now))
        _record_health(source=source, now=now, error="")
    run.finished_at = timezone.now()
    run.save()
    return run


def _record_health(*, source: Source, now: datetime, error: str) -> None:
    source.last_fetched_at = now
    if error:
        source.consecutive_errors += 1
        source.last_error = error
    else:
        source.consecutive_errors = 0
        source.last_success_at = now
    source.next_fetch_at = next_fetch_time(
        now=now, interval=source.interval, consecutive_errors=source.consecutive_errors
    )
    source.save(
        update_fields=[
            "etag",
            "last_modified",
            "last_fetched_at",
            "last_success_at",
            "consecutive_errors",
            "last_error",
            "next_fetch_at",
        ]
    )


def import_items_file(*, source: Source, content: bytes, name: str) -> FetchRun:
    """Import a CSV or JSONL file into a file-import source; a bad file is a recorded error."""
    now = timezone.now()
    run = FetchRun(source=source, started_at=now)
    try:
        drafts = parse_file(content, name=name, field_map=source.field_map)
    except ParseError as exc:
        run.outcome = FetchRun.Outcome.ERROR
        run.message = truncate(str(exc), 2000)
        _record_health(source=source, now=now, error=run.message)
    else:
        run.outcome = FetchRun.Outcome.OK
        run.items_seen = len(drafts)
        run.items_new = len(ingest_drafts(source=source, drafts=drafts, now=now))
        _record_health(source=source, now=now, error="")
    run.finished_at = timezone.now()
    run.save()
    return run


def import_drafts(
    *, source: Source, drafts: Sequence[ItemDraft], now: datetime | None = None
) -> FetchRun:
    """Store drafts read elsewhere (a recorded feed replayed by the demo) as one successful
    run of ``source``, with its health record."""
    now = now or timezone.now()
    run = FetchRun(source=source, started_at=now, outcome=FetchRun.Outcome.OK)
    run.items_seen = len(drafts)
    run.items_new = len(ingest_drafts(source=source, drafts=drafts, now=now))
    _record_health(source=source, now=now, error="")
    run.finished_at = timezone.now()
    run.save()
    return run


def build_item(*, source: Source, draft: ItemDraft, now: datetime) -> tuple[Item, frozenset[int]]:
    """An unsaved item with its clean text, canonical URL, fingerprint and sentiment, and its
    sampled shingles."""
    title = clean_text(draft.title)
    body = clean_text(draft.body)
    text = normalize(flat_text(title, body))
    hashes = similarity.shingle_hashes(text)
    fingerprint = similarity.simhash_of(hashes)
    b0, b1, b2, b3 = similarity.bands(fingerprint)
    sentiment = default_lexicon().score(text, is_normalised=True)
    published = draft.published_at or now
    samples = similarity.samples_of(hashes)
    item = Item(
        source=source,
        url=draft.url[:1000],
        canonical_url=canonical_url(draft.url)[:1000],
        title=title[:500] or draft.url[:500],
        body=body,
        author=draft.author,
        published_at=min(published, now),
        fetched_at=now,
        simhash=similarity.to_signed(fingerprint),
        band0=b0,
        band1=b1,
        band2=b2,
        band3=b3,
        sentiment=sentiment.label,
        sentiment_score=sentiment.score,
        sample_count=len(samples),
    )
    return item, samples


@transaction.atomic
def ingest_drafts(
    *, source: Source, drafts: Sequence[ItemDraft], now: datetime | None = None
) -> list[Item]:
    """Store the drafts the source has not delivered before (by canonical URL), each in the
    near-duplicate cluster of the closest recent item, and hand the new ids to the modules
    built on the engine."""
    now = now or timezone.now()
    known = queries.known_canonical_urls(source, [canonical_url(d.url) for d in drafts])
    created: list[Item] = []
    for draft in drafts:
        item, samples = build_item(source=source, draft=draft, now=now)
        if item.canonical_url in known:
            continue
        known.add(item.canonical_url)
        cluster_id = queries.near_duplicate_cluster(
            fingerprint=item.simhash,
            samples=samples,
            since=item.published_at - queries.CLUSTER_LOOKBACK,
        )
        item.cluster_id = cluster_id
        item.save()
        ItemSample.objects.bulk_create(
            ItemSample(item=item, value=similarity.to_signed(v)) for v in samples
        )
        if cluster_id is None:
            Item.objects.filter(pk=item.pk).update(cluster=item.pk)
            item.cluster_id = item.pk
        created.append(item)
    if created:
        ids = [item.pk for item in created]
        for consumer in registry.item_consumers():
            consumer(ids)
    return created


def enqueue_due_sources(*, now: datetime | None = None) -> int:
    """Enqueue one fetch task per due source (workers fetch them concurrently); marks each
    as not due for its interval so a slow fetch is not enqueued twice."""
    from zaixian.monitoring.tasks import fetch_source_task

    now = now or timezone.now()
    count = 0
    for source in queries.due_sources(now=now):
        Source.objects.filter(pk=source.pk).update(next_fetch_at=now + source.interval)
        transaction.on_commit(partial(fetch_source_task.enqueue, source.pk))
        count += 1
    return count


def prune_items(
    *,
    older_than_days: int | None = None,
    batch_size: int = PRUNE_BATCH_SIZE,
    now: datetime | None = None,
) -> int:
    """Delete items published more than ``older_than_days`` days ago (the setting
    ``MONITORING_ITEM_RETENTION_DAYS`` by default) with their samples, and old fetch runs,
    in batches of one transaction each. Kept: what a module's item keeper names (the
    evidence of incidents and reports) and the first item of every story that still has
    recent items (its event hangs on it). Returns the number of items deleted."""
    days = settings.MONITORING_ITEM_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    candidates = Item.objects.filter(published_at__lt=cutoff).exclude(
        pk__in=Item.objects.filter(published_at__gte=cutoff).values("cluster_id")
    )
    for keeper in registry.item_keepers():
        candidates = candidates.exclude(pk__in=keeper())
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(candidates.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            # Samples first in one statement: the ORM's cascade would load them all.
            ItemSample.objects.filter(item_id__in=ids).delete()
            Item.objects.filter(pk__in=ids).delete()
            deleted += len(ids)
    FetchRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted
