"""The opinion watch's JSON API for dashboards (``/api/v1/opinion/``): events with their heat
and counts, an event's timeline, open alerts, incidents with their response clocks and the
reprint counts; for signed-in analysts and leaders (401 without a session, 403 for others)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from zaixian.opinion import queries, reports
from zaixian.opinion.models import Event, Incident

router = Router(tags=["opinion"])

MAX_LIMIT = 500


def watchers_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 403 with the reason when the signed-in user is no analyst or leader."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            raise HttpError(403, str(error) or _("You may not see the watch.")) from error

    return wrapper


class EventOut(Schema):
    id: int
    title: str
    status: str
    topics: list[str]
    first_seen_at: datetime
    last_seen_at: datetime
    item_count: int
    source_count: int
    negative_count: int
    reprint_count: int
    heat: float


class EventFilters(Schema):
    status: Literal["open", "closed"] | None = None
    limit: int = 50


class TimelineItemOut(Schema):
    id: int
    published_at: datetime
    outlet: str
    collection: str | None
    title: str
    url: str
    sentiment: str


class AlertOut(Schema):
    id: int
    raised_at: datetime
    rule: str
    event_id: int
    event_title: str
    reason: str
    status: str


class ClockOut(Schema):
    milestone: str
    label: str
    hours: int
    due_at: datetime
    done_at: datetime | None
    is_overdue: bool


class StepOut(Schema):
    position: int
    text: str
    done_at: datetime | None
    note: str


class IncidentOut(Schema):
    id: int
    event_id: int
    event_title: str
    owner: str
    status: str
    opened_at: datetime
    closed_at: datetime | None
    clocks: list[ClockOut]
    steps: list[StepOut]


class ReprintFilters(Schema):
    by: Literal["month", "year"] = "year"
    start: date
    end: date


class ReprintRowOut(Schema):
    outlet: str
    counts: list[int]
    total: int


class ReprintTableOut(Schema):
    by: str
    start: date
    end: date
    periods: list[str]
    rows: list[ReprintRowOut]
    totals: list[int]
    total: int


def _event(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "title": event.title,
        "status": event.status,
        "topics": [topic.name for topic in event.topics.all()],
        "first_seen_at": event.first_seen_at,
        "last_seen_at": event.last_seen_at,
        "item_count": event.item_count,
        "source_count": event.source_count,
        "negative_count": event.negative_count,
        "reprint_count": event.reprint_count,
        "heat": event.heat,
    }


@router.get("/events", response=list[EventOut], auth=django_auth, summary="Events, hottest first")
@watchers_only
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> Any:
    events = queries.events_for_user(request.user)
    if filters.status:
        events = events.filter(status=filters.status)
    return [_event(event) for event in events[: max(1, min(filters.limit, MAX_LIMIT))]]


@router.get("/events/{event_id}", response=EventOut, auth=django_auth, summary="One event")
@watchers_only
def get_event(request: HttpRequest, event_id: int) -> Any:
    event = queries.event_for_user(request.user, event_id)
    if event is None:
        raise Http404
    return _event(event)


@router.get(
    "/events/{event_id}/timeline",
    response=list[TimelineItemOut],
    auth=django_auth,
    summary="An event's items in time order",
)
@watchers_only
def get_event_timeline(request: HttpRequest, event_id: int, limit: int = 200) -> Any:
    event = queries.event_for_user(request.user, event_id)
    if event is None:
        raise Http404
    items = queries.event_items(event)[: max(1, min(limit, MAX_LIMIT))]
    return [
        {
            "id": item.pk,
            "published_at": item.published_at,
            "outlet": item.source.display_outlet(),
            "collection": item.source.collection.name if item.source.collection else None,
            "title": item.title,
            "url": item.url,
            "sentiment": item.sentiment,
        }
        for item in items
    ]


@router.get("/alerts", response=list[AlertOut], auth=django_auth, summary="Open alerts")
@watchers_only
def list_alerts(request: HttpRequest) -> Any:
    return [
        {
            "id": alert.pk,
            "raised_at": alert.raised_at,
            "rule": alert.rule.name,
            "event_id": alert.event_id,
            "event_title": alert.event.title,
            "reason": alert.reason,
            "status": alert.status,
        }
        for alert in queries.alerts_for_user(request.user)[:MAX_LIMIT]
    ]


@router.get(
    "/incidents",
    response=list[IncidentOut],
    auth=django_auth,
    summary="Incidents with their response clocks",
)
@watchers_only
def list_incidents(request: HttpRequest, status: Literal["open", "closed"] | None = "open") -> Any:
    incidents = queries.incidents_for_user(request.user)
    if status:
        incidents = incidents.filter(status=status)
    now = timezone.now()
    return [_incident(incident, now=now) for incident in incidents[:MAX_LIMIT]]


def _incident(incident: Incident, *, now: datetime) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "event_id": incident.event_id,
        "event_title": incident.event.title,
        "owner": incident.owner.get_full_name() or incident.owner.get_username(),
        "status": incident.status,
        "opened_at": incident.opened_at,
        "closed_at": incident.closed_at,
        "clocks": [
            {
                "milestone": state.clock.field,
                "label": str(state.clock.label),
                "hours": state.clock.hours,
                "due_at": state.due_at,
                "done_at": state.done_at,
                "is_overdue": state.is_overdue,
            }
            for state in queries.incident_clocks(incident, now=now)
        ],
        "steps": [
            {"position": s.position, "text": s.text, "done_at": s.done_at, "note": s.note}
            for s in incident.steps.all()
        ],
    }


@router.get(
    "/reprints",
    response=ReprintTableOut,
    auth=django_auth,
    summary="Reprints of our articles per outlet and month or year",
)
@watchers_only
def get_reprint_counts(request: HttpRequest, filters: Query[ReprintFilters]) -> Any:
    queries.require_watcher(request.user)
    if filters.end < filters.start:
        raise HttpError(400, _("The period must end after it starts."))
    table = reports.reprint_table(by=filters.by, start=filters.start, end=filters.end)
    return {
        "by": table.by,
        "start": filters.start,
        "end": filters.end,
        "periods": table.periods,
        "rows": [{"outlet": r.outlet, "counts": r.counts, "total": r.total} for r in table.rows],
        "totals": table.totals,
        "total": table.total,
    }
