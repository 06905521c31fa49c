"""Background entry points of the monitoring engine (thin: load, call an action)."""

from __future__ import annotations

from django_tasks import task

from zaixian.monitoring import actions
from zaixian.monitoring.models import Source


@task()
def fetch_source_task(source_id: int) -> dict[str, object]:
    run = actions.fetch_source(source=Source.objects.get(pk=source_id))
    return {"outcome": run.outcome, "items_new": run.items_new, "message": run.message}


@task()
def fetch_due_sources_task() -> int:
    """The scheduler's job: enqueue a fetch for every due source."""
    return actions.enqueue_due_sources()


@task()
def prune_items_task() -> int:
    """The scheduler's job: delete items older than the retention (and their samples)."""
    return actions.prune_items()
