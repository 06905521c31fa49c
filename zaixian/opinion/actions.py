"""Writes of the opinion watch: processing new items (topics, reprints, events), alerts,
incidents and numbered reports."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import requests
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zaixian.core.notifications import notify
from zaixian.core.text import normalize
from zaixian.monitoring.models import Item
from zaixian.monitoring.parsing import flat_text
from zaixian.monitoring.similarity import samples_of, shingle_hashes
from zaixian.opinion import queries, rules
from zaixian.opinion.models import (
    Alert,
    AlertRule,
    Event,
    Incident,
    IncidentStep,
    Report,
    Reprint,
    Topic,
    TopicMatch,
)

logger = logging.getLogger(__name__)

DEFAULT_RESPONSE_STEPS = (
    "核实情况，联系涉事单位了解事实",
    "报告分管领导，确定回应口径",
    "5小时内发布权威信息",
    "24小时内发布处置进展",
    "48小时内回应公众关切",
    "持续监测舆情走势，形成舆情快报",
)
WEBHOOK_TIMEOUT = 5.0


class OpinionError(Exception):
    """A request the watch refuses; the message says which rule it breaks."""


class AlertAlreadyDecidedError(OpinionError):
    pass


class IncidentMilestoneError(OpinionError):
    pass


class IncidentClosedError(OpinionError):
    pass


class IncidentStepDoneError(OpinionError):
    pass


# Processing ------------------------------------------------------------------------------


def process_new_items(item_ids: Sequence[int]) -> None:
    """The engine's consumer: topics, reprints and events for newly stored items."""
    process_items(item_ids=item_ids)


@transaction.atomic
def process_items(*, item_ids: Sequence[int], now: datetime | None = None) -> list[Event]:
    """Match items against the topics and the portal's articles, then create or refresh the
    events of the stories they belong to. Returns the events touched."""
    now = now or timezone.now()
    matcher = queries.topic_matcher()
    reprints = queries.reprint_index()
    items = list(Item.objects.filter(pk__in=item_ids).select_related("source"))
    matches: list[TopicMatch] = []
    new_reprints: list[Reprint] = []
    for item in items:
        text = normalize(flat_text(item.title, item.body))
        matches.extend(
            TopicMatch(topic_id=topic_id, item=item)  # type: ignore[misc]  # int key
            for topic_id in matcher.match(text, is_normalised=True)
        )
        found = reprints.match_samples(samples_of(shingle_hashes(text))) if len(reprints) else None
        if found is not None:
            article, share = found
            new_reprints.append(
                Reprint(
                    item=item,
                    article_id=article.page_id,  # type: ignore[attr-defined]  # PortalArticle
                    article_title=article.title[:500],  # type: ignore[attr-defined]
                    outlet=item.source.display_outlet()[:100],
                    url=item.url,
                    reprinted_at=item.published_at,
                    containment=round(share, 3),
                )
            )
    TopicMatch.objects.bulk_create(matches, ignore_conflicts=True)
    Reprint.objects.bulk_create(new_reprints, ignore_conflicts=True)
    clusters = {item.cluster_id for item in items if item.cluster_id}
    return [e for c in clusters if (e := refresh_story(cluster_id=c, now=now)) is not None]


def refresh_story(*, cluster_id: int, now: datetime) -> Event | None:
    """Create or update the event of one story once enough of its items match a topic."""
    story = Item.objects.filter(cluster_id=cluster_id)
    topic_ids = set(
        TopicMatch.objects.filter(item__cluster_id=cluster_id).values_list("topic_id", flat=True)
    )
    numbers = story.aggregate(
        n=Count("id"),
        sources=Count("source", distinct=True),
        neg=Count("id", filter=Q(sentiment=Item.Sentiment.NEGATIVE)),
        first=Min("published_at"),
        last=Max("published_at"),
    )
    event = Event.objects.filter(cluster_id=cluster_id).first()
    if event is None and (not topic_ids or numbers["n"] < rules.EVENT_MIN_ITEMS):
        return None
    weights = [
        w if w is not None else 1.0
        for w in story.values_list("source__collection__weight", flat=True)
    ]
    reprint_count = Reprint.objects.filter(item__cluster_id=cluster_id).count()
    fields = {
        "item_count": numbers["n"],
        "source_count": numbers["sources"],
        "negative_count": numbers["neg"],
        "reprint_count": reprint_count,
        "first_seen_at": numbers["first"],
        "last_seen_at": numbers["last"],
        "heat": rules.heat(
            source_weights=weights, reprints=reprint_count, last_seen=numbers["last"], now=now
        ),
    }
    if event is None:
        first = story.order_by("published_at", "pk").first()
        event = Event.objects.create(
            cluster_id=cluster_id, title=first.title if first else "", **fields
        )
    else:
        Event.objects.filter(pk=event.pk).update(**fields)
        event.refresh_from_db()
    event.topics.add(*topic_ids)
    return event


# Alerts ----------------------------------------------------------------------------------


def evaluate_alert_rules(*, now: datetime | None = None) -> list[Alert]:
    """Raise an alert for each event that meets an active rule and has none for it yet."""
    now = now or timezone.now()
    raised = []
    for rule in AlertRule.objects.filter(is_active=True).select_related("topic"):
        window = timedelta(hours=rule.window_hours)
        thresholds = rules.AlertThresholds(
            rule.min_items, rule.growth_factor, rule.min_negative_share
        )
        candidates = Event.objects.filter(
            topics=rule.topic, last_seen_at__gt=now - window, status=Event.Status.OPEN
        ).exclude(alerts__rule=rule)
        for event in candidates:
            reason = rules.alert_reason(
                queries.window_counts(event, now=now, window=window), thresholds
            )
            if reason is not None:
                raised.append(raise_alert(rule=rule, event=event, reason=reason, now=now))
    return raised


@transaction.atomic
def raise_alert(*, rule: AlertRule, event: Event, reason: str, now: datetime) -> Alert:
    alert, created = Alert.objects.get_or_create(
        rule=rule, event=event, defaults={"reason": reason, "raised_at": now}
    )
    if created:
        transaction.on_commit(partial(send_alert_notifications, alert_id=alert.pk))
    return alert


def send_alert_notifications(*, alert_id: int) -> None:
    """Tell every analyst (in-site message and e-mail), the rule's extra addresses, and its
    webhook. A failing webhook is logged; the alert stands on the dashboard anyway."""
    alert = Alert.objects.select_related("rule", "event").get(pk=alert_id)
    subject = _("Opinion alert: %(event)s") % {"event": alert.event.title}
    body = _("Rule %(rule)s: %(reason)s") % {"rule": alert.rule.name, "reason": alert.reason}
    for analyst in queries.analysts():
        notify(recipient=analyst, subject=subject, body=body, link="/admin/opinion/")
    for address in filter(None, (a.strip() for a in alert.rule.emails.splitlines())):
        notify(subject=subject, body=body, email=address)
    if alert.rule.webhook_url:
        payload = {
            "alert": alert.pk,
            "rule": alert.rule.name,
            "event": alert.event.pk,
            "title": alert.event.title,
            "reason": alert.reason,
            "raised_at": alert.raised_at.isoformat(),
        }
        try:
            response = requests.post(alert.rule.webhook_url, json=payload, timeout=WEBHOOK_TIMEOUT)
            response.raise_for_status()
        except requests.RequestException:
            logger.exception("Webhook of alert rule %s failed", alert.rule.pk)


def _decide(alert: Alert, *, user: Any, status: str, note: str) -> None:
    queries.require_watcher(user)
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.status != Alert.Status.OPEN:
        raise AlertAlreadyDecidedError(
            _("This alert was already %(status)s.") % {"status": locked.get_status_display()}
        )
    alert.status = status
    alert.decided_by = user
    alert.decided_at = timezone.now()
    alert.note = note
    alert.save(update_fields=["status", "decided_by", "decided_at", "note"])


@transaction.atomic
def dismiss_alert(*, alert: Alert, user: Any, note: str = "") -> Alert:
    _decide(alert, user=user, status=Alert.Status.DISMISSED, note=note)
    return alert


@transaction.atomic
def confirm_alert(*, alert: Alert, user: Any, owner: Any | None = None, note: str = "") -> Incident:
    """A confirmed alert becomes an incident under ``owner`` (the analyst by default), with the
    steps of the rule's response plan and the clocks started when the alert was raised."""
    _decide(alert, user=user, status=Alert.Status.CONFIRMED, note=note)
    incident = Incident.objects.create(
        alert=alert, event=alert.event, owner=owner or user, opened_at=alert.raised_at
    )
    steps = alert.rule.plan.step_list() if alert.rule.plan else list(DEFAULT_RESPONSE_STEPS)
    IncidentStep.objects.bulk_create(
        IncidentStep(incident=incident, position=i, text=text[:500])
        for i, text in enumerate(steps, start=1)
    )
    return incident


def _lock_open_incident(incident: Incident) -> Incident:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.status != Incident.Status.OPEN:
        raise IncidentClosedError(_("This incident is closed."))
    return locked


@transaction.atomic
def complete_incident_step(*, step: IncidentStep, user: Any, note: str = "") -> IncidentStep:
    """Mark one response step done, with what was done in the note."""
    queries.require_watcher(user)
    _lock_open_incident(step.incident)
    if IncidentStep.objects.filter(pk=step.pk, done_at__isnull=False).exists():
        raise IncidentStepDoneError(_("This step is already done."))
    step.done_at = timezone.now()
    step.done_by = user
    step.note = note.strip()
    step.save(update_fields=["done_at", "done_by", "note"])
    return step


@transaction.atomic
def record_incident_milestone(
    *, incident: Incident, user: Any, milestone: str, at: datetime | None = None
) -> Incident:
    """Stop one of the response clocks (see ``rules.RESPONSE_CLOCKS``)."""
    queries.require_watcher(user)
    if milestone not in {clock.field for clock in rules.RESPONSE_CLOCKS}:
        raise IncidentMilestoneError(_("Unknown response milestone %(m)s.") % {"m": milestone})
    _lock_open_incident(incident)
    at = at or timezone.now()
    if at < incident.opened_at:
        raise IncidentMilestoneError(_("A milestone cannot precede the alert."))
    setattr(incident, milestone, at)
    incident.save(update_fields=[milestone])
    return incident


@transaction.atomic
def close_incident(*, incident: Incident, user: Any) -> Incident:
    queries.require_watcher(user)
    _lock_open_incident(incident)
    incident.status = Incident.Status.CLOSED
    incident.closed_at = timezone.now()
    incident.save(update_fields=["status", "closed_at"])
    Event.objects.filter(pk=incident.event_id).update(status=Event.Status.CLOSED)
    return incident


# Topics and reports ----------------------------------------------------------------------


def save_topic(
    *,
    name: str,
    all_words: str = "",
    any_words: str = "",
    none_words: str = "",
    window: int = 0,
) -> Topic:
    if not (all_words.strip() or any_words.strip()):
        raise OpinionError(_("A topic needs at least one word in “all” or “any”."))
    topic, _created = Topic.objects.update_or_create(
        name=name,
        defaults={
            "all_words": all_words,
            "any_words": any_words,
            "none_words": none_words,
            "window": window,
        },
    )
    return topic


def number_report(
    *,
    kind: str,
    title: str,
    event: Event | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    year: int | None = None,
) -> Report:
    """The next number of ``kind`` in ``year``; two reports made at once get two numbers
    (the unique constraint decides, the loser takes the next)."""
    year = year or timezone.localdate().year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                last = Report.objects.filter(kind=kind, year=year).aggregate(m=Max("number"))["m"]
                return Report.objects.create(
                    kind=kind,
                    year=year,
                    number=(last or 0) + 1,
                    title=title[:300],
                    event=event,
                    period_start=period_start,
                    period_end=period_end,
                )
        except IntegrityError:
            continue
    raise OpinionError(_("Could not number the report; try again."))
