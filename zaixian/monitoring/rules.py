"""Pure rules of the monitoring engine: the fetch schedule with back-off after errors."""

from __future__ import annotations

from datetime import datetime, timedelta

# A source that keeps failing is fetched less often: the interval doubles with each
# consecutive error, up to a day, so a dead host is not hammered but is noticed coming back.
MAX_BACKOFF = timedelta(hours=24)


def next_fetch_time(*, now: datetime, interval: timedelta, consecutive_errors: int) -> datetime:
    """When a source is due next: its interval, doubled for each consecutive error."""
    if consecutive_errors <= 0:
        return now + interval
    delay = interval * (2 ** min(consecutive_errors, 16))
    return now + min(delay, max(MAX_BACKOFF, interval))


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
