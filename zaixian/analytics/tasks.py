"""Background entry points of the web analytics (scheduled in ``core.scheduler``)."""

from __future__ import annotations

from django_tasks import task

from zaixian.analytics import actions


@task()
def roll_up_page_views_task() -> int:
    """Every minute: the page views recorded since the last run into the daily tables."""
    return actions.roll_up_page_views()


@task()
def purge_analytics_task() -> dict[str, int]:
    """Daily: raw page views past retention, old visitor states and past days' salts."""
    result = actions.purge_analytics()
    return {
        "page_views": result.page_views,
        "visitor_days": result.visitor_days,
        "salts": result.salts,
    }
