"""Background entry points of the hotline (thin: call an action)."""

from __future__ import annotations

from django_tasks import task


@task()
def supervise_overdue_hotline_cases_task() -> int:
    """Every ten minutes: warn departments of hour-limited cases running out (预警),
    supervise (督办) cases past their limit and tell the departments' leaders (emergencies
    are due within hours, so the engine's daily reminder is not enough)."""
    from zaixian.hotline import actions

    actions.warn_hour_limited_cases()
    return actions.supervise_overdue_cases()
