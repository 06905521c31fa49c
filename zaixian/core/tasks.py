"""Background entry points of the shared services.

``ping_task`` is the platform's health task: it proves that a worker picks work off the queue
and runs it. Operators enqueue it (``zaixian manage shell``), the scheduler runs it as the
worker heartbeat, and the tests use it to exercise each task backend for real.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

PING_CACHE_PREFIX = "zaixian:ping:"
# Long enough for an operator to look, short enough that a stale heartbeat disappears.
PING_CACHE_SECONDS = 60 * 60


def ping_cache_key(label: str) -> str:
    """The cache key under which ``ping_task`` records when it last ran for ``label``."""
    return f"{PING_CACHE_PREFIX}{label}"


@task()
def ping_task(label: str = "heartbeat") -> dict[str, str]:
    """Record in the cache when a worker ran this task, and return the same as the result.

    The return value is JSON so every backend (database, Redis) can store it.
    """
    ran_at = timezone.now().isoformat()
    cache.set(ping_cache_key(label), ran_at, timeout=PING_CACHE_SECONDS)
    return {"label": label, "ran_at": ran_at}
