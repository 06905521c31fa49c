"""Reads of the opinion watch; everything people see is for analysts and leaders only."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from zaixian.core.queries import users_with_role
from zaixian.core.roles import Role
from zaixian.monitoring.matching import RuleMatcher, WordRule, parse_word_list
from zaixian.monitoring.models import Item, Source
from zaixian.monitoring.parsing import clean_text, flat_text
from zaixian.monitoring.queries import can_watch, require_watcher, unhealthy_sources
from zaixian.monitoring.similarity import ContainmentIndex
from zaixian.opinion import rules
from zaixian.opinion.models import Alert, Event, Incident, Topic
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
        IncidentRow(
            incident,
            rules.clock_states(
                opened_at=incident.opened_at,
                milestones={c.field: getattr(incident, c.field) for c in rules.RESPONSE_CLOCKS},
                now=now,
            ),
        )
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


# --- Reads for the yearly work report ----------------------------------------------------------


def concerns_answered(*, start: datetime, end: datetime) -> int:
    """Incidents whose public concern was answered (回应公众关注热点或重大舆情) in
    [``start``, ``end``)."""
    return Incident.objects.filter(response_at__gte=start, response_at__lt=end).count()
