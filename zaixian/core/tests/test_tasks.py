"""Background tasks through the django.tasks interface, run by real workers: the database
queue (SQLite and PostgreSQL, one worker in-process and two competing worker processes) and
the Redis queue (a real Redis and a real RQ worker)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from zaixian.core.tasks import ping_cache_key, ping_task

ROOT = Path(__file__).resolve().parents[3]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


class PingFailedError(Exception):
    pass


@task()
def failing_task(reason: str) -> None:
    """A task that always fails, to see how each backend records a failure."""
    raise PingFailedError(reason)


def run_db_worker() -> None:
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


def unique_token() -> str:
    return f"test-{uuid.uuid4().hex}"


def test_ping_records_its_run_in_the_cache_and_result():
    token = unique_token()

    result = ping_task.enqueue(token)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["label"] == token
    assert cache.get(ping_cache_key(token)) == result.return_value["ran_at"]


def test_enqueue_refuses_arguments_a_queue_cannot_store():
    with pytest.raises(TypeError):
        ping_task.enqueue(label=object())


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_database_queue_task_waits_until_a_worker_runs_it():
    token = unique_token()

    result = ping_task.enqueue(token)

    assert result.status == TaskResultStatus.READY
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
    assert cache.get(ping_cache_key(token)) is None

    run_db_worker()
    result.refresh()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["label"] == token
    assert cache.get(ping_cache_key(token)) == result.return_value["ran_at"]
    assert len(result.worker_ids) == 1


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_database_queue_records_a_failing_task_as_failed():
    result = failing_task.enqueue("disk full")

    run_db_worker()
    result.refresh()

    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is PingFailedError
    assert "disk full" in result.errors[0].traceback


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_two_worker_processes_run_each_task_exactly_once(tmp_path):
    # Two `zaixian worker` processes share the queue as if on two machines; PostgreSQL's
    # SELECT … FOR UPDATE SKIP LOCKED must hand each task to exactly one of them.
    results = [ping_task.enqueue(f"race-{n}") for n in range(12)]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zaixian.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TASKS_BACKEND": "database",
        "ZAIXIAN_VAR_DIR": str(tmp_path),
        "DEBUG": "0",
    }
    command = [sys.executable, "-m", "zaixian.cli", "worker", "--burst", "--verbosity", "0"]

    workers = [subprocess.Popen(command, env=env, cwd=ROOT) for _ in range(2)]
    exit_codes = [worker.wait(timeout=120) for worker in workers]

    assert exit_codes == [0, 0]
    for result in results:
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert len(result.worker_ids) == 1


@pytest.fixture
def rq_settings(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()  # the test Redis database is ours alone (REDIS_TEST_URL)
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES={"default": {"URL": redis_url}}):
        yield redis_url
    client.flushdb()


def run_rq_worker() -> None:
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    # SimpleWorker runs jobs in this process, so the cache it writes is the one we read.
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)


@pytest.mark.redis
def test_redis_queue_task_runs_on_an_rq_worker(rq_settings):
    token = unique_token()

    result = ping_task.enqueue(token)

    assert result.status == TaskResultStatus.READY
    assert cache.get(ping_cache_key(token)) is None

    run_rq_worker()
    result.refresh()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["label"] == token
    assert cache.get(ping_cache_key(token)) == result.return_value["ran_at"]


@pytest.mark.redis
def test_redis_queue_records_a_failing_task_as_failed(rq_settings):
    result = failing_task.enqueue("no route")

    run_rq_worker()
    result.refresh()

    assert result.status == TaskResultStatus.FAILED
    assert "no route" in result.errors[0].traceback


@pytest.mark.redis
def test_zaixian_worker_burst_drains_the_redis_queue(rq_settings, tmp_path):
    results = [ping_task.enqueue(unique_token()) for _ in range(3)]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zaixian.settings.dev",
        "TASKS_BACKEND": "redis",
        "REDIS_URL": rq_settings,
        "ZAIXIAN_VAR_DIR": str(tmp_path),
    }

    completed = subprocess.run(
        [sys.executable, "-m", "zaixian.cli", "worker", "--burst"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    for result in results:
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
