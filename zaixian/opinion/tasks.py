"""Background entry points of the opinion watch."""

from __future__ import annotations

from django_tasks import task

from zaixian.opinion import actions


@task()
def evaluate_alert_rules_task() -> int:
    """The scheduler's job: raise alerts for events that meet a rule."""
    return len(actions.evaluate_alert_rules())
