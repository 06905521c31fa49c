"""Background entry points of the self-evaluation: the scheduler's probes and daily runs,
and a run started from the admin."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from zaixian.evaluation import actions
from zaixian.evaluation.models import EvaluationRun, EvaluationTarget

FIRST_RUN_RETRY = timedelta(hours=1)


@task()
def probe_all_targets_task() -> int:
    """Every 30 minutes: one availability probe of each site evaluated daily."""
    targets = list(EvaluationTarget.objects.filter(is_active=True))
    for target in targets:
        actions.probe_availability(target=target)
    return len(targets)


@task()
def evaluate_all_targets_task() -> int:
    """Every night: one evaluation of each site evaluated daily, each in its own task so
    several workers share them and one slow site does not hold up the others."""
    ids = list(EvaluationTarget.objects.filter(is_active=True).values_list("pk", flat=True))
    for target_id in ids:
        transaction.on_commit(partial(evaluate_target_task.enqueue, target_id))
    return len(ids)


@task()
def evaluate_new_targets_task() -> int:
    """Every 5 minutes: a site set up for daily evaluation that has no finished run yet gets
    one now rather than at night (a failed first run is tried again after an hour)."""
    recent = timezone.now() - FIRST_RUN_RETRY
    ids = list(
        EvaluationTarget.objects.filter(is_active=True)
        .exclude(runs__status=EvaluationRun.Status.DONE)
        .exclude(runs__started_at__gte=recent)
        .values_list("pk", flat=True)
    )
    for target_id in ids:
        transaction.on_commit(partial(evaluate_target_task.enqueue, target_id))
    return len(ids)


@task()
def evaluate_target_task(target_id: int, run_id: int | None = None) -> int:
    """Evaluate one site; ``run_id`` is the run the admin already recorded as started."""
    target = EvaluationTarget.objects.get(pk=target_id)
    run = EvaluationRun.objects.get(pk=run_id) if run_id else None
    try:
        return actions.run_evaluation(
            target=target, trigger=EvaluationRun.Trigger.SCHEDULE, run=run
        ).pk
    except actions.EvaluationAlreadyRunningError:
        return 0
