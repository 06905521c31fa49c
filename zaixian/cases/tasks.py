"""Background entry points of the case engine (thin: load, call an action)."""

from __future__ import annotations

from django_tasks import task


@task()
def notify_applicant_task(event_id: int) -> None:
    from zaixian.cases import actions
    from zaixian.cases.models import CaseEvent

    event = CaseEvent.objects.select_related("case", "case__applicant").filter(pk=event_id).first()
    if event is not None:
        actions.notify_applicant(event=event)


@task()
def remind_case_deadlines_task() -> int:
    """Daily: remind officers of their cases that are due soon or overdue."""
    from zaixian.cases import actions

    return actions.send_deadline_reminders()
