"""Pure rules of the opinion watch: heat, alert conditions and the response clocks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# An item of a story counts fully for a day; its weight halves every HEAT_HALF_LIFE after that.
HEAT_HALF_LIFE = timedelta(hours=24)
REPRINT_WEIGHT = 0.5

# A story becomes an event once this many items (its first report and the reprints) match.
EVENT_MIN_ITEMS = 2


def heat(
    *, source_weights: list[float], reprints: int, last_seen: datetime, now: datetime
) -> float:
    """Heat of a story: the collection weight of each item (central media count more than a
    forum post), plus half a point a reprint of our own article, on a log scale so a
    thousand reposts do not drown every other story, decayed by the story's age."""
    volume = sum(source_weights) + REPRINT_WEIGHT * reprints
    age = max((now - last_seen).total_seconds(), 0.0)
    decay = 0.5 ** (age / HEAT_HALF_LIFE.total_seconds())
    return round(10 * math.log1p(volume) * decay, 2)


@dataclass(frozen=True)
class WindowCounts:
    """Items of one event in the current alert window and the window before it."""

    current: int
    previous: int
    current_negative: int

    @property
    def negative_share(self) -> float:
        return self.current_negative / self.current if self.current else 0.0

    @property
    def growth(self) -> float:
        return self.current / max(self.previous, 1)


@dataclass(frozen=True)
class AlertThresholds:
    min_items: int
    growth_factor: float
    min_negative_share: float


def alert_reason(counts: WindowCounts, thresholds: AlertThresholds) -> str | None:
    """The reason to raise an alert, in words, or None when the event does not meet the rule:
    enough items, grown enough over the previous window, and negative enough."""
    if counts.current < thresholds.min_items:
        return None
    if counts.growth < thresholds.growth_factor:
        return None
    if counts.negative_share < thresholds.min_negative_share:
        return None
    return str(
        _(
            "%(current)d items in the window (previous window %(previous)d, growth "
            "%(growth).1f×), %(share).0f%% negative."
        )
        % {
            "current": counts.current,
            "previous": counts.previous,
            "growth": counts.growth,
            "share": counts.negative_share * 100,
        }
    )


@dataclass(frozen=True)
class ResponseClock:
    """One of the response deadlines of an incident, counted from when the alert was raised.

    The 5-hour clock follows the State Council General Office's 2016 notice on responding to
    public concern over government affairs (国办发〔2016〕61号): authoritative information on a
    major sudden incident within 5 hours at the latest; the 24-hour clock is the usual press
    conference after it; the 48-hour clock is the response to public concern the same notice
    asks for."""

    field: str  # the Incident field that records the milestone
    hours: int
    label: Promise


RESPONSE_CLOCKS: tuple[ResponseClock, ...] = (
    ResponseClock("first_release_at", 5, _("Authoritative information (5 hours)")),
    ResponseClock("progress_release_at", 24, _("Progress released (24 hours)")),
    ResponseClock("response_at", 48, _("Response to public concern (48 hours)")),
)


@dataclass(frozen=True)
class ClockState:
    clock: ResponseClock
    due_at: datetime
    done_at: datetime | None
    is_overdue: bool

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


def clock_states(
    *, opened_at: datetime, milestones: dict[str, datetime | None], now: datetime
) -> list[ClockState]:
    """Each clock's due time and whether it was met or is overdue now."""
    states = []
    for clock in RESPONSE_CLOCKS:
        due = opened_at + timedelta(hours=clock.hours)
        done = milestones.get(clock.field)
        overdue = (done > due) if done is not None else (now > due)
        states.append(ClockState(clock, due, done, overdue))
    return states


def report_number_label(*, year: int, number: int) -> str:
    """The issue label printed on a report (2024年第3期)."""
    return str(_("%(year)d, no. %(number)d") % {"year": year, "number": number})
