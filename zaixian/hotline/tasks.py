"""Background entry points of the hotline (thin: call an action)."""

from __future__ import annotations

from django_tasks import task


@task()
def supervise_overdue_hotline_cases_task() -> int:
    """Hourly: supervise (督办) hotline cases past their limit and tell the departments'
    leaders (emergencies are due within hours, so the daily engine reminder is not enough)."""
    from zaixian.hotline import actions

    return actions.supervise_overdue_cases()
