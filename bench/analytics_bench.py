"""Web analytics benchmark (not part of the test suite).

Generates a realistic access log (combined format, seeded: ~200,000 client addresses for a
million lines, returning visitors, crawlers, static files, redirects and errors; see
``zaixian/analytics/tests/loggen.py``), then in the same run, taking turns for ``--rounds``
rounds (3 by default; the medians are the figures to quote):

* GoAccess (the Debian package) parses it to JSON, told to leave out crawlers, static files,
  redirects and errors, as we count them apart: lines per second of wall time and per CPU
  second (its resource usage as our child);
* ``zaixian analytics import-logs`` 's importer (``actions.import_log_file``: parsing,
  bot filtering, geolocation of every address, visitor hashing, visits and the daily
  roll-ups written to the database) imports it: lines per second of wall time and per CPU
  second (the importing process, its parser processes and, on PostgreSQL, the server
  process), and every day's page views and unique visitors compared with GoAccess's (they
  must be equal). On a shared machine wall times depend on the neighbours' load; CPU
  seconds much less, so both ratios are printed;
* the collect endpoint (``/analytics/collect``) under gunicorn (2 workers, DEBUG off, rate
  limits off) with ``wrk`` POSTing beacons: hits per second.

    .venv/bin/python bench/analytics_bench.py                    # 1,000,000 lines
    .venv/bin/python bench/analytics_bench.py --lines 200000     # reduced scale
    .venv/bin/python bench/analytics_bench.py --database-url postgres://postgres@127.0.0.1:5432/zx_analytics_bench

The database is a fresh SQLite file under var/bench/analytics unless --database-url is given
(a PostgreSQL database there is dropped and recreated). The generated log is kept in
var/bench/analytics-logs and reused by later runs of the same size (it is seeded).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PYTHON = str(BASE / ".venv" / "bin" / "python")
GUNICORN = str(BASE / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
SITE = "www.bench.test"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _database_server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL server process (same machine), 0 on
    SQLite (which runs inside our process and is counted there)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # another machine: not measurable from here
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def goaccess(path: Path, out: Path) -> tuple[float, float, dict[str, tuple[int, int]]]:
    """GoAccess's wall and CPU seconds (its own resource usage, as a child) and its days."""
    binary = shutil.which("goaccess")
    if binary is None:
        raise SystemExit("GoAccess is not installed (scripts/system-deps.sh)")
    cpu_before = _children_cpu()
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [
            binary,
            str(path),
            "--log-format=COMBINED",
            "--ignore-crawlers",
            "--ignore-statics=panel",
            "--static-file=.css",
            "--static-file=.js",
            "--static-file=.jpg",
            "--ignore-status=301",
            "--ignore-status=404",
            "--ignore-status=500",
            "--no-global-config",
            "-o",
            str(out),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    panel = json.loads(out.read_text())["visitors"]["data"]
    days = {
        f"{r['data'][:4]}-{r['data'][4:6]}-{r['data'][6:]}": (
            r["hits"]["count"],
            r["visitors"]["count"],
        )
        for r in panel
    }
    return seconds, cpu, days


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on {HOST}:{port}")


def warm_up(url: str, body: str, timeout: float = 120) -> None:
    """Wait until a worker answers a beacon (gunicorn listens before its workers boot)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        request = urllib.request.Request(  # noqa: S310 — our own server on the loopback
            url,
            data=body.encode(),
            headers={"Content-Type": "application/json", "User-Agent": "Mozilla/5.0 Chrome/120"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status == 204:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the collect endpoint did not answer")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def collect_bench(env: dict[str, str], work: Path, seconds: int) -> float | None:
    if shutil.which("wrk") is None:
        print("collect endpoint: skipped, wrk is not installed (scripts/system-deps.sh)")
        return None
    port = free_port()
    script = work / "beacon.lua"
    body = json.dumps({"site": SITE, "path": "/news/1/", "title": "t", "referrer": ""})
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        'wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36"\n'
    )
    app = subprocess.Popen(  # noqa: S603
        [
            GUNICORN,
            "zaixian.wsgi:application",
            "-w",
            "2",
            "-b",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=BASE,
    )
    try:
        wait_for(port)
        warm_up(f"http://{HOST}:{port}/analytics/collect", body)
        result = subprocess.run(  # noqa: S603
            [  # noqa: S607 — Debian's wrk on the PATH
                "wrk",
                "-t",
                "2",
                "-c",
                "8",
                "-d",
                f"{seconds}s",
                "-s",
                str(script),
                f"http://{HOST}:{port}/analytics/collect",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
    finally:
        app.terminate()
        app.wait(timeout=30)
    rate = next(
        float(line.split()[1]) for line in result.stdout.splitlines() if "Requests/sec" in line
    )
    non_2xx = [line for line in result.stdout.splitlines() if "Non-2xx" in line]
    print(
        f"collect endpoint (gunicorn, 2 workers, wrk 8 connections, {seconds} s): "
        f"{rate:,.0f} hits/s{'; ' + non_2xx[0].strip() if non_2xx else ''}"
    )
    return rate


def child(args: argparse.Namespace) -> int:
    """Runs with Django set up on the bench database: the import and the comparison."""
    import django

    django.setup()
    from wagtail.models import Page, Site

    from zaixian.analytics import actions, reports
    from zaixian.portal import actions as portal_actions

    if Page.get_first_root_node() is None:
        raise SystemExit("migrate first")
    site = Site.objects.filter(hostname=SITE).first() or portal_actions.create_site(
        hostname=SITE, port=80, site_name="Bench", root_title="Bench"
    )
    log = Path(args.log)
    expected = json.loads(Path(args.expected).read_text())
    actions.delete_site_figures(site_id=site.pk)  # a later round starts afresh (not timed)
    server_before = _database_server_cpu()
    own_before, children_before = _own_cpu(), _children_cpu()
    started = time.perf_counter()
    result = actions.import_log_file(site=site, path=log, workers=args.workers)
    seconds = time.perf_counter() - started
    own, children = _own_cpu() - own_before, _children_cpu() - children_before
    cpu = own + children  # the parser processes are joined
    print(f"CPU s: importing process {own:.1f}, parser processes {children:.1f}")
    server_cpu = _database_server_cpu() - server_before
    if server_cpu:  # PostgreSQL's work for us, on the same machine: counted with ours
        print(f"PostgreSQL server process of the import: {server_cpu:.1f} CPU s")
        cpu += server_cpu
    days = sorted(expected)
    period = reports.Period(date.fromisoformat(days[0]), date.fromisoformat(days[-1]))
    ours = {
        row.day.isoformat(): [row.totals.page_views, row.totals.visitors]
        for row in reports.daily_figures(sites=[site], period=period)
    }
    exact = ours == expected
    print(
        f"import (parse, bots, geolocation, hashing, visits, roll-ups; {args.workers} "
        f"parser processes): {result.lines:,} lines in {seconds:.1f} s = "
        f"{result.lines / seconds:,.0f} lines/s wall; {cpu:.1f} CPU s (all processes, "
        f"the database server's included) = "
        f"{result.lines / cpu:,.0f} lines per CPU second; {result.page_views:,} page views"
    )
    print(f"daily page views and visitors equal GoAccess's: {exact}")
    if not exact:
        print(f"  ours:     {ours}\n  GoAccess: {expected}")
    Path(args.result).write_text(
        json.dumps({"seconds": seconds, "cpu": cpu, "lines": result.lines, "exact": exact})
    )
    return 0 if exact else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--addresses", type=int, default=0, help="default: lines / 5")
    parser.add_argument("--workers", type=int, default=2, help="parser processes")
    parser.add_argument("--seconds", type=int, default=10, help="collect endpoint load time")
    parser.add_argument("--rounds", type=int, default=3, help="GoAccess and import turns")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--var-dir", default=str(BASE / "var" / "bench" / "analytics"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    parser.add_argument("--expected", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    work = Path(args.var_dir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    database_url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "ZAIXIAN_VAR_DIR": str(work),
        "DJANGO_SETTINGS_MODULE": "zaixian.settings.dev",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "ZAIXIAN_RATE_LIMITS_ENABLED": "0",
        "ALLOWED_HOSTS": f"{HOST},{SITE},localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if database_url.startswith("postgres"):
        name = database_url.rsplit("/", 1)[1]
        admin = database_url.rsplit("/", 1)[0] + "/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", admin, "-qc", sql], check=True)  # noqa: S603, S607

    sys.path.insert(0, str(BASE))
    from zaixian.analytics.tests.loggen import generate_log

    addresses = args.addresses or max(1, args.lines // 5)
    # The log is seeded, so a copy made by an earlier run is the same log: kept beside the
    # wiped work directory and reused.
    logs = work.parent / f"{work.name}-logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"access-{args.lines}-{addresses}.log"
    started = time.perf_counter()
    if not log.exists():
        partial = log.with_suffix(".partial")
        with partial.open("w") as handle:
            handle.writelines(generate_log(lines=args.lines, addresses=addresses, seed=2026))
        partial.rename(log)
    print(
        f"log: {args.lines:,} lines from ~{addresses:,} addresses, "
        f"{log.stat().st_size / 1e6:.0f} MB, ready in {time.perf_counter() - started:.1f} s"
    )

    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"load average before: {load} ({os.cpu_count()} cores)")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=BASE, check=True)  # noqa: S603
    # GoAccess and the import take turns, so that both see the same neighbours' load as
    # nearly as may be; the medians of the rounds are the figures to quote.
    wall_ratios, cpu_ratios, exact = [], [], True
    for round_number in range(1, args.rounds + 1):
        seconds, goaccess_cpu, expected = goaccess(log, work / "goaccess.json")
        goaccess_rate = args.lines / seconds
        goaccess_cpu_rate = args.lines / goaccess_cpu
        print(
            f"round {round_number}: GoAccess {goaccess_version()}: {seconds:.1f} s = "
            f"{goaccess_rate:,.0f} lines/s wall; {goaccess_cpu:.1f} CPU s = "
            f"{goaccess_cpu_rate:,.0f} lines per CPU second (one core)"
        )
        (work / "expected.json").write_text(json.dumps(expected))
        subprocess.run(  # noqa: S603
            [
                PYTHON,
                __file__,
                "--child",
                "--log",
                str(log),
                "--expected",
                str(work / "expected.json"),
                "--result",
                str(work / "result.json"),
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=BASE,
            check=False,
        )
        result = json.loads((work / "result.json").read_text())
        ours = result["lines"] / result["seconds"]
        # Under load, wall times depend on the neighbours; CPU seconds less. GoAccess runs
        # on one core, so its CPU rate is its rate on an idle core; ours on 2 idle cores is
        # at most lines / (CPU seconds / 2) (both cores busy all the time).
        ours_cpu_2 = result["lines"] / (result["cpu"] / 2)
        wall_ratios.append(ours / goaccess_rate)
        cpu_ratios.append(ours_cpu_2 / goaccess_cpu_rate)
        exact = exact and result["exact"]
        print(
            f"round {round_number}: import / GoAccess, wall: {wall_ratios[-1]:.2f}x; by CPU "
            f"time (ours on 2 cores at most {ours_cpu_2:,.0f} lines/s vs GoAccess's "
            f"{goaccess_cpu_rate:,.0f} on one): {cpu_ratios[-1]:.2f}x; "
            f"figures exact: {result['exact']}"
        )
    print(
        f"median of {args.rounds} rounds: import / GoAccess, wall "
        f"{statistics.median(wall_ratios):.2f}x, by CPU {statistics.median(cpu_ratios):.2f}x "
        f"(target 3x on 2 cores); figures exact in every round: {exact}"
    )
    print(f"load average after: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    collect_bench(env, work, args.seconds)
    return 0 if exact else 1


def goaccess_version() -> str:
    output = subprocess.run(  # noqa: S603
        [shutil.which("goaccess") or "goaccess", "--version"], capture_output=True, text=True
    ).stdout
    return output.split("\n", 1)[0].split()[-1].rstrip(".") if output else "?"


if __name__ == "__main__":
    sys.exit(main())
