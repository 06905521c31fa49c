"""The scheduler: its job registry, the fire-time arithmetic, the guard against two
schedulers, `--list`, and one real enqueue through the database queue to a worker."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from zaixian.core import scheduler
from zaixian.core.scheduler import PERIODIC_JOBS, PeriodicJob
from zaixian.core.tasks import ping_cache_key

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[3]
HEARTBEAT = PeriodicJob("test-heartbeat", "*/5 * * * *", "zaixian.core.tasks.ping_task")
DAILY = PeriodicJob("test-daily", "0 3 * * *", "zaixian.core.tasks.ping_task")


@pytest.fixture(autouse=True)
def _clear_claims():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("job", PERIODIC_JOBS, ids=lambda job: job.name)
def test_registered_job_points_at_a_task_without_arguments(job):
    loaded = job.load_task()

    assert isinstance(loaded, Task)
    assert job.trigger().get_next_fire_time(None, datetime(2025, 1, 1, tzinfo=SHANGHAI))


def test_registered_job_names_are_unique():
    names = [job.name for job in PERIODIC_JOBS]

    assert len(names) == len(set(names))


def test_job_with_a_wrong_task_path_fails_at_start():
    job = PeriodicJob("broken", "* * * * *", "zaixian.core.tasks.no_such_task")

    with pytest.raises(ImportError):
        job.load_task()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # On time, a little late, and late but within the grace period: the same fire time.
        (
            datetime(2025, 3, 1, 3, 0, 0, tzinfo=SHANGHAI),
            datetime(2025, 3, 1, 3, 0, tzinfo=SHANGHAI),
        ),
        (
            datetime(2025, 3, 1, 3, 0, 7, tzinfo=SHANGHAI),
            datetime(2025, 3, 1, 3, 0, tzinfo=SHANGHAI),
        ),
        (
            datetime(2025, 3, 1, 3, 4, 59, tzinfo=SHANGHAI),
            datetime(2025, 3, 1, 3, 0, tzinfo=SHANGHAI),
        ),
    ],
)
def test_fire_time_is_the_schedules_not_the_clocks(now, expected):
    assert scheduler.scheduled_fire_time(DAILY, now) == expected


def test_second_scheduler_does_not_enqueue_the_same_run_twice():
    first_wakes = datetime(2025, 3, 1, 10, 5, 0, 100_000, tzinfo=SHANGHAI)
    second_wakes = datetime(2025, 3, 1, 10, 5, 2, tzinfo=SHANGHAI)

    first = scheduler.enqueue_job(HEARTBEAT, now=first_wakes)
    second = scheduler.enqueue_job(HEARTBEAT, now=second_wakes)

    assert first is not None
    assert second is None


def test_next_fire_time_is_enqueued_again():
    scheduler.enqueue_job(HEARTBEAT, now=datetime(2025, 3, 1, 10, 5, tzinfo=SHANGHAI))

    later = scheduler.enqueue_job(HEARTBEAT, now=datetime(2025, 3, 1, 10, 10, tzinfo=SHANGHAI))

    assert later is not None


def test_enqueue_logs_what_it_enqueued(caplog):
    caplog.set_level("INFO", logger="zaixian.core.scheduler")

    scheduler.enqueue_job(HEARTBEAT, now=datetime(2025, 3, 1, 10, 5, tzinfo=SHANGHAI))
    scheduler.enqueue_job(HEARTBEAT, now=datetime(2025, 3, 1, 10, 5, 1, tzinfo=SHANGHAI))

    messages = [record.getMessage() for record in caplog.records]
    assert any("enqueued periodic job test-heartbeat" in message for message in messages)
    assert any("skipped periodic job test-heartbeat" in message for message in messages)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_enqueued_job_is_run_by_a_worker():
    result_id = scheduler.enqueue_job(HEARTBEAT, now=datetime(2025, 3, 1, 10, 5, tzinfo=SHANGHAI))

    assert DBTaskResult.objects.filter(id=result_id, status="READY").exists()

    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )
    result = default_task_backend.get_result(result_id)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert cache.get(ping_cache_key("heartbeat")) == result.return_value["ran_at"]


def test_list_shows_every_job_with_its_next_run():
    now = datetime(2025, 3, 1, 10, 7, tzinfo=SHANGHAI)

    text = scheduler.format_schedule(now)

    for job in PERIODIC_JOBS:
        assert job.name in text
        assert job.task in text
    assert "2025-03-01T10:10:00+08:00" in text  # the heartbeat's next five-minute mark


def test_second_lock_holder_is_refused_until_the_first_lets_go(tmp_path):
    path = tmp_path / "scheduler.lock"

    first = scheduler.try_lock(path)
    second = scheduler.try_lock(path)
    assert first is not None
    assert second is None

    first.close()
    third = scheduler.try_lock(path)
    assert third is not None
    third.close()


def test_lock_held_by_another_process_is_respected(tmp_path):
    path = tmp_path / "scheduler.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"

        assert scheduler.try_lock(path) is None
    finally:
        holder.kill()
        holder.wait()

    handle = scheduler.try_lock(path)
    assert handle is not None  # a dead holder leaves no stale lock
    handle.close()


def test_scheduler_list_command_prints_the_jobs(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "zaixian.cli", "scheduler", "--list"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "zaixian.settings.test",
            "ZAIXIAN_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert "publish-scheduled-pages" in completed.stdout
    assert "+08:00" in completed.stdout
