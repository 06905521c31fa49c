"""The `zaixian` command line: run the demo city, serve, work the task queue, schedule
periodic jobs, and reach every Django management command."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from functools import partial
from types import FrameType

DEFAULT_SETTINGS = "zaixian.settings.dev"
# How long `zaixian demo` gives its worker and scheduler to finish after Ctrl-C.
CHILD_STOP_SECONDS = 10

DESCRIPTION = """\
Zaixian (在线): run and manage a city's e-government platform.

Start with `zaixian demo`: it prepares a demo city in var/ and serves it on
http://127.0.0.1:8000/ (the back office is at /admin/). Settings come from environment
variables; see docs/configuration.md.
"""

EPILOG = """\
examples:
  zaixian demo                      set up the demo city once and serve it
  zaixian serve --port 8080         serve the web application only
  zaixian worker                    run background tasks (start one or more)
  zaixian scheduler --list          show the periodic jobs and when they run next
  zaixian report NAME --help        a report, e.g. disclosure-annual or hotline-bulletin
  zaixian publish --all             write every site's static tree for nginx
  zaixian analytics import-logs --site HOST FILE…   count visits from access logs
  zaixian manage createsuperuser    any Django management command
"""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def _exit_on_sigterm() -> None:
    """Turn SIGTERM (systemd, docker stop) into a normal exit so `finally` blocks run."""

    def handle(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handle)


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zaixian manage", *args.rest])
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from waitress import serve

    from zaixian.wsgi import application

    if not settings.DEBUG:
        # Production serves hashed files from STATIC_ROOT; make sure they are there.
        call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Zaixian is serving on http://{args.host}:{args.port}/ (admin: /admin/)", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="zaixian")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_rq.RQBackend":
        # RQ must load jobs with django-tasks-rq's Job class, which knows how to call a Task.
        call_command(
            "rqworker",
            *args.queue.split(","),
            job_class="django_tasks_rq.Job",
            burst=args.burst,
            verbosity=args.verbosity,
        )
    elif backend == "django_tasks_db.DatabaseBackend":
        # No auto-reload: a reloader's extra process would outlive `zaixian demo`'s Ctrl-C.
        call_command(
            "db_worker",
            queue_name=args.queue,
            interval=args.interval,
            batch=args.burst,
            reload=False,
            verbosity=args.verbosity,
        )
    else:
        print(
            f"The task backend {backend} runs tasks without a queue, so there is nothing for a "
            "worker to do. Set TASKS_BACKEND=database or TASKS_BACKEND=redis.",
            file=sys.stderr,
        )
        return 2
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    _setup_django()
    from zaixian.core.scheduler import format_schedule, run_scheduler

    if args.list:
        print(format_schedule())
        return 0
    run_scheduler()
    return 0


# `zaixian report NAME …` runs the management command `report_NAME` (dashes become
# underscores), which the app that owns the report provides.
REPORT_COMMAND_PREFIX = "report_"


def _report_names() -> list[str]:
    from django.core.management import get_commands

    return sorted(
        name.removeprefix(REPORT_COMMAND_PREFIX).replace("_", "-")
        for name in get_commands()
        if name.startswith(REPORT_COMMAND_PREFIX)
    )


def cmd_report(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    names = _report_names()
    if not args.rest or args.rest[0] in ("-h", "--help"):
        print("usage: zaixian report NAME [options]\n\nreports:")
        print("\n".join(f"  {name}" for name in names) or "  (none installed)")
        return 0
    name, *rest = args.rest
    if name not in names:
        print(
            f"zaixian report: unknown report {name!r}; known: {', '.join(names) or 'none'}",
            file=sys.stderr,
        )
        return 2
    command = REPORT_COMMAND_PREFIX + name.replace("-", "_")
    execute_from_command_line(["zaixian manage", command, *rest])
    return 0


# Subcommands that hand everything after them to one Django management command, which the
# app that owns them provides: `zaixian publish …` runs `publish_static …`.
DJANGO_COMMANDS = {"publish": "publish_static", "analytics": "analytics", "evaluate": "evaluate"}


def cmd_django(name: str, args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    # Django's usage line then reads `zaixian manage publish_static …`, the same command.
    execute_from_command_line(["zaixian manage", DJANGO_COMMANDS[name], *args.rest])
    return 0


def _start_child(command: str) -> subprocess.Popen[bytes]:
    # A new session keeps Ctrl-C in the terminal away from the child: the parent stops it
    # with exactly one SIGTERM, so the worker finishes its current task instead of aborting.
    return subprocess.Popen([sys.executable, "-m", "zaixian.cli", command], start_new_session=True)


def _stop_children(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=CHILD_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, load the demo city once, and serve it with a worker and the scheduler."""
    _setup_django()
    from django.core.management import call_command

    print("Preparing the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    if args.no_serve:
        return 0
    _exit_on_sigterm()
    children = [_start_child("worker"), _start_child("scheduler")]
    try:
        return cmd_serve(args)
    except KeyboardInterrupt:
        return 0
    finally:
        print("Stopping the task worker and the scheduler…", flush=True)
        _stop_children(children)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zaixian",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add_serve_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
        p.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
        p.add_argument(
            "--threads", type=int, default=8, help="requests handled at the same time (8)"
        )

    demo = sub.add_parser(
        "demo",
        help="set up the demo city (once) and serve it with a task worker and the scheduler",
        description=(
            "Create or update the database, load the demo city the first time (departments, "
            "sites, articles, one account per role), then serve it together with a background "
            "task worker and the scheduler. Press Ctrl-C to stop all three."
        ),
    )
    add_serve_options(demo)
    demo.add_argument(
        "--no-serve", action="store_true", help="only prepare the database and the demo data"
    )
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser(
        "serve",
        help="serve the web application",
        description=(
            "Serve the public site and the back office with the waitress web server. Without "
            "DEBUG it first collects static files. Behind nginx, listen on 127.0.0.1."
        ),
    )
    add_serve_options(serve)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker",
        help="run background tasks from the queue",
        description=(
            "Take background tasks from the queue and run them, until stopped. The queue is "
            "in the database by default, or in Redis when TASKS_BACKEND=redis. Start as many "
            "workers as you like, on one machine or several: each task runs once."
        ),
    )
    worker.add_argument("--burst", action="store_true", help="run the tasks waiting now, then exit")
    worker.add_argument("--queue", default="default", help="queue names, comma-separated (default)")
    worker.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds to wait when the queue is empty, database queue only (1)",
    )
    worker.add_argument(
        "--verbosity", type=int, default=1, choices=[0, 1, 2], help="how much to log (1)"
    )
    worker.set_defaults(func=cmd_worker)

    scheduler = sub.add_parser(
        "scheduler",
        help="put periodic jobs on the queue at their times",
        description=(
            "Put each periodic job (scheduled publishing, the worker heartbeat, …) on the task "
            "queue at its times; workers run them. Run one per installation: a second one on "
            "the same machine waits as a standby, and a job time is never enqueued twice."
        ),
    )
    scheduler.add_argument(
        "--list", action="store_true", help="print the jobs and their next run times, then exit"
    )
    scheduler.set_defaults(func=cmd_scheduler)

    # Everything after these is handed on untouched (see main), --help included.
    passthrough = [
        (
            "report",
            "produce a report (PDF, DOCX, HTML…); `zaixian report --help` lists them",
            "Produce a report; `zaixian report NAME --help` shows its options.",
            cmd_report,
        ),
        (
            "analytics",
            "web analytics: import access logs, print reports",
            "Web analytics; `zaixian analytics --help` shows its commands.",
            partial(cmd_django, "analytics"),
        ),
        (
            "publish",
            "write the sites' static trees for nginx or a CDN",
            "Rebuild a site's static tree; `zaixian publish --help` shows the options.",
            partial(cmd_django, "publish"),
        ),
        (
            "evaluate",
            "check a government site against the national indicators (网站自查)",
            "Crawl and check a site; `zaixian evaluate --help` shows the options.",
            partial(cmd_django, "evaluate"),
        ),
    ]
    for name, summary, description, func in passthrough:
        command = sub.add_parser(name, help=summary, description=description, add_help=False)
        command.add_argument("rest", nargs=argparse.REMAINDER, help="the command and its options")
        command.set_defaults(func=func)

    manage = sub.add_parser(
        "manage",
        help="run a Django management command, e.g. `zaixian manage migrate`",
        description="Run any Django management command; `zaixian manage help` lists them.",
        add_help=False,
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER, help="the command and its options")
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough = {
        "manage": cmd_manage,
        "report": cmd_report,
        **{name: partial(cmd_django, name) for name in DJANGO_COMMANDS},
    }
    if argv[:1] and argv[0] in passthrough:
        # Hand everything after the command to Django untouched, including --help and
        # options argparse would otherwise try to read itself.
        return passthrough[argv[0]](argparse.Namespace(rest=argv[1:]))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
