"""Reads of the monitoring engine, permission-aware where people see them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from zaixian.core.queries import user_has_role
from zaixian.core.roles import Role
from zaixian.monitoring import similarity
from zaixian.monitoring.models import FetchRun, Item, ItemSample, Source

# Near-duplicates are looked for among the items of this many recent days: stories older than
# that are a new story when they come back.
CLUSTER_LOOKBACK = timedelta(days=14)


def can_watch(user: Any) -> bool:
    """Analysts and leaders see the monitoring data; nobody else does."""
    return user_has_role(user, Role.OPINION_ANALYST) or user_has_role(user, Role.LEADER)


def require_watcher(user: Any) -> None:
    if not can_watch(user):
        raise PermissionDenied(_("Only public-opinion analysts and leaders may see the watch."))


def sources_for_user(user: Any) -> QuerySet[Source]:
    """Every source with its health record, for analysts and leaders."""
    require_watcher(user)
    return Source.objects.select_related("collection").order_by("-consecutive_errors", "name")


def unhealthy_sources() -> QuerySet[Source]:
    return Source.objects.filter(is_active=True, consecutive_errors__gt=0)


def due_sources(*, now: datetime) -> QuerySet[Source]:
    """Active sources to fetch now (file imports are run by hand, never scheduled)."""
    return (
        Source.objects.filter(is_active=True)
        .exclude(kind=Source.Kind.FILE_IMPORT)
        .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
    )


def recent_runs(source: Source, *, limit: int = 20) -> QuerySet[FetchRun]:
    return source.runs.all()[:limit]


def known_canonical_urls(source: Source, urls: list[str]) -> set[str]:
    return set(
        Item.objects.filter(source=source, canonical_url__in=urls).values_list(
            "canonical_url", flat=True
        )
    )


def near_duplicate_cluster(
    *, fingerprint: int, samples: frozenset[int], since: datetime
) -> int | None:
    """The cluster of the nearest recent item: by SimHash first (within ``MAX_DISTANCE``
    bits, only items sharing one of the four bands are read), else by the overlap of sampled
    shingles counted in SQL (see ``zaixian.monitoring.similarity``)."""
    found = simhash_cluster(fingerprint=fingerprint, since=since)
    if found is None and samples:
        found = sample_cluster(samples=samples, since=since)
    return found


def sample_cluster(*, samples: frozenset[int], since: datetime) -> int | None:
    signed = [similarity.to_signed(value) for value in samples]
    rows = (
        ItemSample.objects.filter(value__in=signed, item__published_at__gte=since)
        .values("item_id", "item__cluster_id", "item__sample_count")
        .annotate(shared=Count("id"))
        .filter(shared__gte=similarity.MIN_SHARED)
        .order_by("-shared")[:10]
    )
    best: tuple[float, int] | None = None
    for row in rows:
        score = similarity.overlap_score(row["shared"], len(samples), row["item__sample_count"])
        if score >= similarity.MIN_OVERLAP and (best is None or score > best[0]):
            best = (score, row["item__cluster_id"] or row["item_id"])
    return None if best is None else best[1]


def simhash_cluster(*, fingerprint: int, since: datetime) -> int | None:
    """The cluster id of the closest recent item within ``MAX_DISTANCE`` bits."""
    b0, b1, b2, b3 = similarity.bands(fingerprint)
    candidates = Item.objects.filter(
        Q(band0=b0) | Q(band1=b1) | Q(band2=b2) | Q(band3=b3), published_at__gte=since
    ).values_list("simhash", "cluster_id", "id")
    best: tuple[int, int] | None = None
    for other, cluster_id, item_id in candidates:
        d = similarity.distance(fingerprint, other)
        if d <= similarity.MAX_DISTANCE and (best is None or d < best[0]):
            best = (d, cluster_id or item_id)
    return None if best is None else best[1]


# Recorded feeds of the demo -------------------------------------------------------------------

DEMO_FEEDS_DIR = Path(__file__).resolve().parent / "data" / "demo_feeds"
_DEMO_FEED_NAME = re.compile(r"^[a-z0-9-]{1,60}$")


def demo_feed_names() -> list[str]:
    return sorted(path.stem for path in DEMO_FEEDS_DIR.glob("*.xml"))


_FEED_TIME = re.compile(r"<(pubDate|published|updated)>([^<]+)</\1>")


def demo_feed(name: str, *, shift: timedelta = timedelta(0)) -> bytes | None:
    """The bundled recorded feed ``name`` (``data/demo_feeds/<name>.xml``) with every time
    moved by ``shift`` (the demo moves its recording to end when it was loaded), or None."""
    if not _DEMO_FEED_NAME.match(name):
        return None
    path = DEMO_FEEDS_DIR / f"{name}.xml"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if shift:

        def moved(match: re.Match[str]) -> str:
            tag, value = match.groups()
            if tag == "pubDate":
                return f"<{tag}>{format_datetime(parsedate_to_datetime(value) + shift)}</{tag}>"
            return f"<{tag}>{(datetime.fromisoformat(value) + shift).isoformat()}</{tag}>"

        text = _FEED_TIME.sub(moved, text)
    return text.encode()
