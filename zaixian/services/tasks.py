"""Background entry points of the service hall (thin: call an action)."""

from __future__ import annotations

from django_tasks import task


@task()
def store_statistics_months_task() -> int:
    """Nightly: store the statistics of finished months (see ``services.reports``)."""
    from zaixian.services import actions

    return actions.store_statistics_months()
