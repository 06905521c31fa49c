"""One scheduler for every periodic job of the platform. It only enqueues django.tasks;
workers run them. Modules add their jobs to ``PERIODIC_JOBS``."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    crontab: str  # minute hour day month day_of_week, in the platform's time zone
    task: str  # dotted path of a django.tasks Task taking no arguments


PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob("publish-scheduled-pages", "* * * * *", "zaixian.portal.tasks.publish_scheduled_pages_task"),
]


def enqueue_job(job: PeriodicJob) -> None:
    import_string(job.task).enqueue()
    logger.info("enqueued periodic job %s", job.name)


def run_scheduler() -> None:
    """Block, enqueueing each job at its times, until interrupted."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from django.conf import settings

    scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
    for job in PERIODIC_JOBS:
        scheduler.add_job(
            enqueue_job,
            CronTrigger.from_crontab(job.crontab, timezone=settings.TIME_ZONE),
            args=[job],
            id=job.name,
            coalesce=True,
            max_instances=1,
        )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
