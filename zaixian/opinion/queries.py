"""Reads of the opinion watch; everything people see is for analysts and leaders only."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate, TruncHour

from zaixian.core.queries import users_with_role
from zaixian.core.roles import Role
from zaixian.monitoring.matching import RuleMatcher, WordRule, parse_word_list
from zaixian.monitoring.models import Item
from zaixian.monitoring.parsing import clean_text
from zaixian.monitoring.queries import can_watch, require_watcher
from zaixian.monitoring.similarity import ContainmentIndex
from zaixian.opinion.models import Alert, Event, Incident, Reprint, Topic
from zaixian.opinion.rules import WindowCounts

__all__ = ["can_watch", "require_watcher"]

_cache_lock = threading.Lock()
_matcher_cache: dict[str, tuple[object, RuleMatcher]] = {}
_reprint_cache: dict[str, tuple[object, ContainmentIndex]] = {}


def topic_rule(topic: Topic) -> WordRule:
    return WordRule(
        key=topic.pk,
        all_words=parse_word_list(topic.all_words),
        any_words=parse_word_list(topic.any_words),
        none_words=parse_word_list(topic.none_words),
        window=topic.window,
    )


def topic_matcher() -> RuleMatcher:
    """One automaton over the active topics' words, rebuilt only when a topic changed."""
    topics = Topic.objects.filter(is_active=True)
    version = tuple(topics.aggregate(n=Count("id"), t=Max("updated_at")).values())
    with _cache_lock:
        cached = _matcher_cache.get("topics")
        if cached and cached[0] == version:
            return cached[1]
    matcher = RuleMatcher(topic_rule(topic) for topic in topics)
    with _cache_lock:
        _matcher_cache["topics"] = (version, matcher)
    return matcher


@dataclass(frozen=True)
class PortalArticle:
    page_id: int
    title: str
    url: str


def reprint_index() -> ContainmentIndex:
    """The portal's live articles indexed by sampled shingles of title and text (see
    ``zaixian.monitoring.similarity``), rebuilt when an article is published or removed."""
    from zaixian.portal.models import ArticlePage

    articles = ArticlePage.objects.live()
    version = tuple(articles.aggregate(n=Count("id"), t=Max("last_published_at")).values())
    with _cache_lock:
        cached = _reprint_cache.get("portal")
        if cached and cached[0] == version:
            return cached[1]
    index = ContainmentIndex()
    for page in articles.only("id", "title", "body", "url_path").iterator():
        index.add(
            PortalArticle(page.pk, page.title, page.full_url or page.url_path),
            f"{page.title}\n{clean_text(str(page.body))}",
        )
    with _cache_lock:
        _reprint_cache["portal"] = (version, index)
    return index


def forget_cached_indexes() -> None:
    with _cache_lock:
        _matcher_cache.clear()
        _reprint_cache.clear()


def analysts() -> QuerySet[Any]:
    return users_with_role(Role.OPINION_ANALYST)


# What analysts and leaders see -------------------------------------------------------------


def events_for_user(user: Any) -> QuerySet[Event]:
    require_watcher(user)
    return Event.objects.prefetch_related("topics").order_by("-heat")


def alerts_for_user(user: Any, *, status: str | None = Alert.Status.OPEN) -> QuerySet[Alert]:
    require_watcher(user)
    alerts = Alert.objects.select_related("rule", "event")
    return alerts.filter(status=status) if status else alerts


def incidents_for_user(user: Any) -> QuerySet[Incident]:
    require_watcher(user)
    return Incident.objects.select_related("event", "owner").prefetch_related("steps")


def event_items(event: Event) -> QuerySet[Item]:
    """The event's items in time order: its timeline."""
    return (
        Item.objects.filter(cluster_id=event.cluster_id)
        .select_related("source__collection")
        .order_by("published_at", "pk")
    )


def window_counts(event: Event, *, now: datetime, window: timedelta) -> WindowCounts:
    items = Item.objects.filter(cluster_id=event.cluster_id)
    current = items.filter(published_at__gt=now - window, published_at__lte=now)
    previous = items.filter(published_at__gt=now - 2 * window, published_at__lte=now - window)
    numbers = current.aggregate(
        n=Count("id"), neg=Count("id", filter=Q(sentiment=Item.Sentiment.NEGATIVE))
    )
    return WindowCounts(
        current=numbers["n"], previous=previous.count(), current_negative=numbers["neg"]
    )


@dataclass(frozen=True)
class SentimentPoint:
    at: datetime
    negative: int
    neutral: int
    positive: int

    @property
    def total(self) -> int:
        return self.negative + self.neutral + self.positive


def sentiment_series(items: QuerySet[Item], *, by: str = "hour") -> list[SentimentPoint]:
    """Counts of each sentiment per hour (or day) of publication: volume and sentiment over
    time in one read."""
    trunc = TruncHour("published_at") if by == "hour" else TruncDate("published_at")
    rows = items.order_by().annotate(at=trunc).values("at", "sentiment").annotate(n=Count("id"))
    buckets: dict[Any, Counter[str]] = defaultdict(Counter)
    for row in rows:
        buckets[row["at"]][row["sentiment"]] += row["n"]
    return [
        SentimentPoint(at, c["negative"], c["neutral"], c["positive"])
        for at, c in sorted(buckets.items())
    ]


def source_shares(items: QuerySet[Item], *, limit: int = 8) -> list[tuple[str, int]]:
    """Items per outlet, largest first; the rest summed as one row named "…"."""
    rows = list(
        items.order_by()
        .values("source__outlet", "source__name")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    shares = [(r["source__outlet"] or r["source__name"], r["n"]) for r in rows]
    if len(shares) > limit:
        shares = [*shares[: limit - 1], ("…", sum(n for _name, n in shares[limit - 1 :]))]
    return shares


@dataclass(frozen=True)
class ReprintRow:
    outlet: str
    count: int


def reprint_counts(*, start: date, end: date) -> list[ReprintRow]:
    """Reprints of the portal's articles per outlet between two dates (inclusive), as the
    yearly table of the seed's report (新华网 655, …)."""
    rows = (
        Reprint.objects.filter(reprinted_at__date__gte=start, reprinted_at__date__lte=end)
        .values("outlet")
        .annotate(n=Count("id"))
        .order_by("-n", "outlet")
    )
    return [ReprintRow(r["outlet"], r["n"]) for r in rows]


def items_between(*, start: date, end: date) -> QuerySet[Item]:
    return Item.objects.filter(published_at__date__gte=start, published_at__date__lte=end)


def events_between(*, start: date, end: date) -> QuerySet[Event]:
    return Event.objects.filter(
        last_seen_at__date__gte=start, first_seen_at__date__lte=end
    ).order_by("-heat")
