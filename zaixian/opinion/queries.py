"""Reads of the opinion watch; everything people see is for analysts and leaders only."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from zaixian.core.queries import users_with_role
from zaixian.core.roles import Role
from zaixian.core.text import normalize, segment_query
from zaixian.monitoring.matching import RuleMatcher, WordRule, parse_word_list
from zaixian.monitoring.models import Item, Source
from zaixian.monitoring.parsing import clean_text, flat_text
from zaixian.monitoring.queries import can_watch, require_watcher, unhealthy_sources
from zaixian.monitoring.similarity import ContainmentIndex
from zaixian.opinion import rules
from zaixian.opinion.models import Alert, Event, Incident, IncidentStep, Report, Reprint, Topic
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
            flat_text(page.title, clean_text(str(page.body))),
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
class IncidentRow:
    incident: Incident
    clocks: list[rules.ClockState]


@dataclass(frozen=True)
class Dashboard:
    alerts: list[Alert]
    incidents: list[IncidentRow]
    events: list[Event]
    unhealthy_sources: list[Source]


def dashboard(user: Any, *, now: datetime) -> Dashboard:
    """The analysts' dashboard: open alerts, open incidents with their clocks, the hottest
    events and the sources that are failing."""
    require_watcher(user)
    incidents = [
        IncidentRow(incident, incident_clocks(incident, now=now))
        for incident in incidents_for_user(user).filter(status=Incident.Status.OPEN)[:20]
    ]
    return Dashboard(
        alerts=list(alerts_for_user(user)[:50]),
        incidents=incidents,
        events=list(events_for_user(user).filter(status=Event.Status.OPEN)[:15]),
        unhealthy_sources=list(unhealthy_sources().select_related("collection")[:20]),
    )


def open_alert_for_user(user: Any, pk: int) -> Alert | None:
    return alerts_for_user(user, status=None).filter(pk=pk).first()


def incident_for_user(user: Any, pk: int) -> Incident | None:
    return incidents_for_user(user).filter(pk=pk).first()


def incident_step_for_user(user: Any, pk: int) -> IncidentStep | None:
    require_watcher(user)
    return IncidentStep.objects.select_related("incident").filter(pk=pk).first()


def event_for_user(user: Any, pk: int) -> Event | None:
    return events_for_user(user).filter(pk=pk).first()


def incident_clocks(incident: Incident, *, now: datetime) -> list[rules.ClockState]:
    return rules.clock_states(
        opened_at=incident.opened_at,
        milestones={c.field: getattr(incident, c.field) for c in rules.RESPONSE_CLOCKS},
        now=now,
    )


# An event's page --------------------------------------------------------------------------

TIMELINE_LIMIT = 300
_TITLE_TAG = re.compile(r"【[^】]*】|\[[^\]]*\]")
RELATED_WINDOW_BEFORE = timedelta(days=3)
RELATED_WINDOW_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class EventSource:
    name: str
    outlet: str
    collection: str
    items: int
    first_at: datetime


@dataclass(frozen=True)
class RelatedArticle:
    title: str
    url: str


@dataclass(frozen=True)
class EventDetail:
    event: Event
    timeline: list[Item]
    timeline_total: int
    sources: list[EventSource]
    keywords: list[str]
    hotline_cases: list[Any]
    articles: list[RelatedArticle]
    incidents: list[IncidentRow]
    reports: list[Report]


def event_keywords(event: Event, *, limit: int = 4) -> list[str]:
    """The words that name the story: its topics' words found in its title, then the title's
    longest words (jieba with the city's dictionary)."""
    # Outlets' tags such as 【关注】 or 【转载】 say nothing about the story.
    title = normalize(_TITLE_TAG.sub("", event.title))
    words: list[str] = []
    for topic in event.topics.all():
        for word in [*parse_word_list(topic.all_words), *parse_word_list(topic.any_words)]:
            if normalize(word) in title and word not in words:
                words.append(word)
    segmented = sorted(
        {w for w in segment_query(title) if len(w) >= 2 and not w.isdigit()},
        key=lambda w: (-len(w), title.find(w)),
    )
    words.extend(w for w in segmented if w not in words)
    return words[:limit]


def event_sources(event: Event) -> list[EventSource]:
    rows = (
        Item.objects.filter(cluster_id=event.cluster_id)
        .order_by()
        .values("source__name", "source__outlet", "source__collection__name")
        .annotate(n=Count("id"), first=Min("published_at"))
        .order_by("first")
    )
    return [
        EventSource(
            name=r["source__name"],
            outlet=r["source__outlet"] or r["source__name"],
            collection=r["source__collection__name"] or "",
            items=r["n"],
            first_at=r["first"],
        )
        for r in rows
    ]


def related_articles(words: list[str], *, limit: int = 5) -> list[RelatedArticle]:
    """The portal's published pages found by the site search for the event's two first key
    words (every word must match), or for the first alone when both find nothing."""
    from zaixian.search.queries import search

    for query in (" ".join(words[:2]), words[0] if words else ""):
        if not query:
            continue
        results = search(query, per_page=limit)
        if results.hits:
            return [RelatedArticle(hit.document.title, hit.url) for hit in results.hits]
    return []


def event_detail(user: Any, pk: int, *, now: datetime) -> EventDetail | None:
    """An event's page: its timeline, sources, incidents and reports, and the hotline cases
    and portal articles that speak of the same thing in the same days."""
    event = event_for_user(user, pk)
    if event is None:
        return None
    from zaixian.hotline.queries import cases_mentioning

    items = event_items(event)
    keywords = event_keywords(event)
    incidents = [
        IncidentRow(incident, incident_clocks(incident, now=now))
        for incident in incidents_for_user(user).filter(event=event)
    ]
    return EventDetail(
        event=event,
        timeline=list(items[:TIMELINE_LIMIT]),
        timeline_total=event.item_count,
        sources=event_sources(event),
        keywords=keywords,
        hotline_cases=cases_mentioning(
            words=keywords[:3],
            start=event.first_seen_at - RELATED_WINDOW_BEFORE,
            end=event.last_seen_at + RELATED_WINDOW_AFTER,
        )
        if keywords
        else [],
        articles=related_articles(keywords),
        incidents=incidents,
        reports=list(Report.objects.filter(event=event).order_by("-created_at")),
    )


# Reprints ------------------------------------------------------------------------------------


def reprints_for_user(user: Any, *, start: date, end: date) -> QuerySet[Reprint]:
    """The reprints of the portal's articles found between two days (inclusive)."""
    require_watcher(user)
    return Reprint.objects.filter(
        reprinted_at__gte=start_of_day(start), reprinted_at__lt=start_of_day(end + timedelta(1))
    ).order_by("-reprinted_at", "pk")


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# Pruning ---------------------------------------------------------------------------------------


def kept_item_ids() -> QuerySet[Any]:
    """Items the engine's pruning must keep: the evidence of every event that became an
    incident or a report, and every reprint of the portal's articles (the yearly table)."""
    kept_events = Event.objects.filter(Q(incidents__isnull=False) | Q(report__isnull=False)).values(
        "cluster_id"
    )
    return Item.objects.filter(
        Q(cluster_id__in=kept_events) | Q(pk__in=Reprint.objects.values("item_id"))
    ).values("pk")


# --- Reads for the yearly work report ----------------------------------------------------------


def concerns_answered(*, start: datetime, end: datetime) -> int:
    """Incidents whose public concern was answered (回应公众关注热点或重大舆情) in
    [``start``, ``end``)."""
    return Incident.objects.filter(response_at__gte=start, response_at__lt=end).count()
