"""One scheduler for every periodic job of the platform. It only enqueues django.tasks;
workers run them. Modules add their jobs to ``PERIODIC_JOBS``.

Running two schedulers by accident must not run a job twice, so two guards apply:

1. **A per-job, per-fire-time claim** in the cache (``cache.add`` is atomic: only the first
   scheduler to claim ``<job>@<fire time>`` enqueues). The fire time is the trigger's own
   scheduled time, not the wall clock, so two schedulers that wake a few seconds apart still
   compute the same key. With ``REDIS_URL`` set the cache is shared by every machine, which is
   what the scale-out set-up needs anyway.
2. **A single-instance file lock** under ``ZAIXIAN_VAR_DIR`` (``scheduler.lock``). The embedded
   set-up's cache is per-process memory, so guard 1 cannot see another process there; the file
   lock makes a second scheduler on the same machine wait as a standby and take over only
   when the first one exits.

See ``docs/adr/0002-task-queue-and-scheduler.md`` for why not a table or an advisory lock.
"""

from __future__ import annotations

import fcntl
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger
    from django_tasks.base import Task

logger = logging.getLogger(__name__)

# A fire that is this late (the machine was busy or asleep) is still run once, not dropped.
MISFIRE_GRACE = timedelta(minutes=5)
# Claims outlive the grace period so a late second scheduler still sees the first one's claim.
CLAIM_SECONDS = int(MISFIRE_GRACE.total_seconds()) * 4
CLAIM_PREFIX = "zaixian:scheduler:"


@dataclass(frozen=True)
class PeriodicJob:
    """A django.tasks task to enqueue on a cron schedule."""

    name: str
    crontab: str  # minute hour day month day_of_week, in the platform's time zone
    task: str  # dotted path of a django.tasks Task taking no arguments

    def trigger(self) -> CronTrigger:
        """The APScheduler trigger for ``crontab`` in the platform's time zone."""
        from apscheduler.triggers.cron import CronTrigger

        return CronTrigger.from_crontab(self.crontab, timezone=settings.TIME_ZONE)

    def load_task(self) -> Task[[], object]:
        """Import the task; a wrong dotted path fails here, at start-up, not at 3 a.m."""
        return import_string(self.task)  # type: ignore[no-any-return]


PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob(
        "publish-scheduled-pages",
        "* * * * *",
        "zaixian.portal.tasks.publish_scheduled_pages_task",
    ),
    PeriodicJob("worker-heartbeat", "*/5 * * * *", "zaixian.core.tasks.ping_task"),
    PeriodicJob(
        "case-deadline-reminders",
        "30 8 * * *",
        "zaixian.cases.tasks.remind_case_deadlines_task",
    ),
    PeriodicJob(
        "hotline-overdue-supervision",
        "*/10 * * * *",  # emergencies are due in 2 hours: warned with 30 minutes left
        "zaixian.hotline.tasks.supervise_overdue_hotline_cases_task",
    ),
    PeriodicJob(
        "search-common-terms",
        "40 2 * * *",
        "zaixian.search.tasks.refresh_common_terms_task",
    ),
    PeriodicJob(
        "service-statistics-months",
        "20 1 * * *",
        "zaixian.services.tasks.store_statistics_months_task",
    ),
    PeriodicJob(
        "analytics-roll-up", "* * * * *", "zaixian.analytics.tasks.roll_up_page_views_task"
    ),
    PeriodicJob("analytics-purge", "10 0 * * *", "zaixian.analytics.tasks.purge_analytics_task"),
    PeriodicJob(
        "monitoring-fetch-due-sources",
        "*/5 * * * *",
        "zaixian.monitoring.tasks.fetch_due_sources_task",
    ),
    PeriodicJob(
        "opinion-alert-rules",
        "*/10 * * * *",
        "zaixian.opinion.tasks.evaluate_alert_rules_task",
    ),
    PeriodicJob(
        "monitoring-prune-items", "50 3 * * *", "zaixian.monitoring.tasks.prune_items_task"
    ),
    # The inspection counts a home page that has not opened within 15 s over a week; 48 probes
    # a day (the indicators ask for at least 20) give each failure a weight of about 0.3 %.
    PeriodicJob(
        "evaluation-availability-probes",
        "*/30 * * * *",
        "zaixian.evaluation.tasks.probe_all_targets_task",
    ),
    PeriodicJob(
        "evaluation-daily-runs", "30 3 * * *", "zaixian.evaluation.tasks.evaluate_all_targets_task"
    ),
    PeriodicJob(
        "evaluation-first-runs", "*/5 * * * *", "zaixian.evaluation.tasks.evaluate_new_targets_task"
    ),
]


def scheduled_fire_time(job: PeriodicJob, now: datetime) -> datetime:
    """The latest time at or before ``now`` at which ``job`` was due (within the grace)."""
    trigger = job.trigger()
    fire_time: datetime | None = None
    candidate = trigger.get_next_fire_time(None, now - MISFIRE_GRACE)
    while candidate is not None and candidate <= now:
        fire_time = candidate
        candidate = trigger.get_next_fire_time(candidate, candidate + timedelta(seconds=1))
    # Only reached when called outside a fire window (by hand); the minute is then the key.
    return fire_time or now.replace(second=0, microsecond=0)


def claim_key(job: PeriodicJob, fire_time: datetime) -> str:
    """The cache key that marks ``job``'s run for ``fire_time`` as taken."""
    return f"{CLAIM_PREFIX}{job.name}@{fire_time.astimezone(UTC).isoformat()}"


def claim_fire(job: PeriodicJob, fire_time: datetime) -> bool:
    """Claim ``job``'s run at ``fire_time``; False if another scheduler already did."""
    return bool(cache.add(claim_key(job, fire_time), timezone.now().isoformat(), CLAIM_SECONDS))


def enqueue_job(job: PeriodicJob, *, now: datetime | None = None) -> str | None:
    """Enqueue ``job``'s task once for its current fire time; return the task result id, or
    None when another scheduler has already enqueued this run."""
    fire_time = scheduled_fire_time(job, now or timezone.now())
    if not claim_fire(job, fire_time):
        logger.info("skipped periodic job %s at %s: already claimed", job.name, fire_time)
        return None
    result = job.load_task().enqueue()
    logger.info(
        "enqueued periodic job %s at %s as task %s (%s)",
        job.name,
        fire_time.isoformat(),
        result.id,
        job.task,
    )
    return str(result.id)


def job_schedule(now: datetime | None = None) -> list[tuple[PeriodicJob, datetime | None]]:
    """Each registered job with its next run time, for ``zaixian scheduler --list``."""
    now = now or timezone.now()
    return [(job, job.trigger().get_next_fire_time(None, now)) for job in PERIODIC_JOBS]


def format_schedule(now: datetime | None = None) -> str:
    """A plain-text table of the jobs and their next run times in the platform's time zone."""
    lines = [f"{'job':<28} {'schedule':<14} {'next run':<26} task"]
    for job, next_run in job_schedule(now):
        when = timezone.localtime(next_run).isoformat() if next_run else "never"
        lines.append(f"{job.name:<28} {job.crontab:<14} {when:<26} {job.task}")
    return "\n".join(lines)


def lock_path() -> Path:
    """The single-instance lock file of this installation's scheduler."""
    var_dir = Path(getattr(settings, "VAR_DIR", Path.cwd() / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    return var_dir / "scheduler.lock"


def try_lock(path: Path) -> IO[str] | None:
    """Take the exclusive lock on ``path`` without waiting; the open file holds it, or None
    when another process holds it. ``flock`` locks die with their process, so a crashed
    scheduler never leaves a stale lock behind."""
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


@contextmanager
def single_instance(path: Path) -> Iterator[None]:
    """Hold the scheduler lock; wait as a standby while another scheduler holds it."""
    handle = try_lock(path)
    if handle is None:
        logger.warning("another scheduler holds %s; waiting as a standby", path)
        handle = path.open("a")
        fcntl.flock(handle, fcntl.LOCK_EX)
        logger.warning("took over as the active scheduler")
    try:
        yield
    finally:
        handle.close()


def run_scheduler() -> None:
    """Block, enqueueing each job at its times, until interrupted."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    for job in PERIODIC_JOBS:
        job.load_task()
    with single_instance(lock_path()):
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        for job in PERIODIC_JOBS:
            scheduler.add_job(
                enqueue_job,
                job.trigger(),
                args=[job],
                id=job.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(MISFIRE_GRACE.total_seconds()),
            )
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        logger.info("scheduler started with %d jobs", len(PERIODIC_JOBS))
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
            logger.info("scheduler stopped")


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Let SIGTERM (from `zaixian demo`, systemd, docker) stop the scheduler like Ctrl-C."""
    raise SystemExit(0)
