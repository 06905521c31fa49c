"""The `zaixian` command line: run the demo city, serve, work the task queue, schedule
periodic jobs, and reach every Django management command."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

DEFAULT_SETTINGS = "zaixian.settings.dev"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def _manage(argv: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zaixian manage", *argv])


def cmd_manage(args: argparse.Namespace) -> int:
    _manage(args.rest)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from waitress import serve

    from zaixian.wsgi import application

    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Zaixian is serving on http://{args.host}:{args.port}/ (admin: /admin/)", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="zaixian")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.TASKS_BACKEND == "redis":
        call_command("rqworker", "default")
    else:
        call_command("db_worker", interval=args.interval)
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    _setup_django()
    from zaixian.core.scheduler import run_scheduler

    run_scheduler()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, load the demo city once, and serve it with a worker and the scheduler."""
    _setup_django()
    from django.core.management import call_command

    print("Preparing the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    if args.no_serve:
        return 0
    children = [
        subprocess.Popen([sys.executable, "-m", "zaixian.cli", "worker"]),
        subprocess.Popen([sys.executable, "-m", "zaixian.cli", "scheduler"]),
    ]
    try:
        return cmd_serve(args)
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            child.wait(timeout=10)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zaixian",
        description="Zaixian (在线): run and manage a city's e-government platform.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add_serve_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
        p.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
        p.add_argument("--threads", type=int, default=8, help="worker threads (8)")

    demo = sub.add_parser(
        "demo",
        help="set up the demo city (once) and serve it with a task worker and the scheduler",
    )
    add_serve_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="only prepare the database")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve the web application")
    add_serve_options(serve)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background tasks from the queue")
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between polls (1)")
    worker.set_defaults(func=cmd_worker)

    scheduler = sub.add_parser("scheduler", help="enqueue periodic jobs (run one per installation)")
    scheduler.set_defaults(func=cmd_scheduler)

    manage = sub.add_parser(
        "manage", help="run a Django management command, e.g. `zaixian manage migrate`",
        add_help=False,
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
