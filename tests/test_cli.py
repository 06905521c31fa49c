"""The `zaixian` console script, run for real in a subprocess."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ZAIXIAN = shutil.which("zaixian", path=str(Path(sys.executable).parent)) or "zaixian"
SUBCOMMANDS = ["demo", "serve", "worker", "scheduler"]


def run_zaixian(*args: str, env: dict[str, str] | None = None, timeout: int = 120):
    return subprocess.run(
        [ZAIXIAN, *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "zaixian.settings.dev", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_help_names_every_subcommand_in_plain_words():
    completed = run_zaixian("--help")

    assert completed.returncode == 0
    assert "e-government platform" in completed.stdout
    for name in [*SUBCOMMANDS, "manage"]:
        assert name in completed.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_explains_itself(name):
    completed = run_zaixian(name, "--help")

    assert completed.returncode == 0
    assert f"usage: zaixian {name}" in completed.stdout
    assert len(completed.stdout.splitlines()) > 4  # a description, not just a usage line


def test_unknown_subcommand_is_refused_with_usage():
    completed = run_zaixian("frobnicate")

    assert completed.returncode == 2
    assert "invalid choice" in completed.stderr


def test_bad_option_value_is_refused_without_a_traceback():
    completed = run_zaixian("serve", "--port", "eighty")

    assert completed.returncode == 2
    assert "invalid int value" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_manage_passes_options_through_to_django(tmp_path):
    completed = run_zaixian(
        "manage", "check", "--fail-level", "WARNING", env={"ZAIXIAN_VAR_DIR": str(tmp_path)}
    )

    assert completed.returncode == 0, completed.stderr
    assert "System check identified no issues" in completed.stdout


def test_manage_help_lists_django_commands(tmp_path):
    completed = run_zaixian("manage", "help", env={"ZAIXIAN_VAR_DIR": str(tmp_path)})

    assert completed.returncode == 0
    assert "migrate" in completed.stdout
    assert "db_worker" in completed.stdout


def test_report_refuses_an_unknown_report_and_names_the_known_ones(tmp_path):
    completed = run_zaixian("report", "no-such-report", env={"ZAIXIAN_VAR_DIR": str(tmp_path)})

    assert completed.returncode == 2
    assert "unknown report 'no-such-report'" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_report_help_lists_the_installed_reports(tmp_path):
    completed = run_zaixian("report", "--help", env={"ZAIXIAN_VAR_DIR": str(tmp_path)})

    assert completed.returncode == 0
    assert "usage: zaixian report NAME" in completed.stdout


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("publish", "--help"), "publish_static"),
        (("analytics", "--help"), "analytics"),
        (("evaluate", "--help"), "evaluate"),
        (("report", "site-yearly", "--help"), "report_site_yearly"),
        (("report", "disclosure-annual", "--help"), "report_disclosure_annual"),
    ],
)
def test_handed_over_commands_explain_themselves(tmp_path, args, command):
    completed = run_zaixian(*args, env={"ZAIXIAN_VAR_DIR": str(tmp_path)})

    assert completed.returncode == 0, completed.stderr
    assert f"usage: zaixian manage {command}" in completed.stdout
    assert "Traceback" not in completed.stderr


def test_worker_refuses_a_backend_without_a_queue(tmp_path):
    completed = run_zaixian(
        "worker", env={"ZAIXIAN_VAR_DIR": str(tmp_path), "TASKS_BACKEND": "immediate"}
    )

    assert completed.returncode == 2
    assert "nothing for a worker to do" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_scheduler_stops_cleanly_on_sigterm(tmp_path):
    process = subprocess.Popen(
        [ZAIXIAN, "scheduler"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zaixian.settings.dev",
            "ZAIXIAN_VAR_DIR": str(tmp_path),
            "LOG_LEVEL": "INFO",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "scheduler.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (tmp_path / "scheduler.lock").exists()
        time.sleep(1)  # let APScheduler enter its loop

        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 0, output
    assert "scheduler started with" in output
    assert "scheduler stopped" in output
