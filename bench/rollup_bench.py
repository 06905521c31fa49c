"""Roll-up lag benchmark for web analytics at group scale (not part of the test suite).

Issue 8 asks that at group scale (hundreds of sites, millions of page views a day) the
roll-ups of raw page views into the daily tables stay minutes behind at most. The scheduler
runs ``actions.roll_up_page_views`` every minute; this measures how long one run takes for
the page views of a busy minute.

It records ``--views`` raw page views (as the collect endpoint stores them) spread over
``--sites`` sites with Zipf-like traffic (the portal busiest, most department sites quiet),
visitors making visits of 1–8 pages (three in ten visits by a visitor seen before), and
rolls them up in two halves: the first warms the visitor states, the second (timed) has
returning visitors whose states are loaded from ``VisitorDay`` as in steady running. It
prints page views rolled up per second (wall and CPU, PostgreSQL's server process
included) and what that means for a day of ``--per-day`` page views: the busiest minute
(``--peak`` times the average minute) rolls up in so many seconds, so the roll-ups stay at
most one scheduling interval plus that behind.

    .venv/bin/python bench/rollup_bench.py
    .venv/bin/python bench/rollup_bench.py --database-url postgres://postgres@127.0.0.1:5432/zx_rollup_bench

The database is a fresh SQLite file under var/bench/rollup unless --database-url is given
(a PostgreSQL database there is dropped and recreated).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script, this directory is on the path: one copy of the CPU helpers.
from analytics_bench import _database_server_cpu, _own_cpu

BASE = Path(__file__).resolve().parent.parent


PATHS = ["/", "/zwgk/", "/bsfw/", "/news/", "/hdjl/", "/zwgk/zfxxgk/", "/search/"] + [
    f"/news/2026/{n}.html" for n in range(400)
]
PLACES = [("CN", "山西", "晋城"), ("CN", "山西", "太原"), ("CN", "北京", ""), ("CN", "广东", "")]
PLACES += [("US", "", ""), ("CN", "河南", "郑州"), ("", "", "")]
AGENTS = [("desktop", "Chrome", "Windows"), ("mobile", "WeChat", "Android")]
AGENTS += [("mobile", "Safari", "iOS"), ("desktop", "Edge", "Windows")]
SOURCES = [("direct", "", ""), ("search", "百度", ""), ("internal", "", "")]
SOURCES += [("social", "微信", ""), ("website", "www.sx.gov.cn", "")]


def generate_views(
    site_ids: list[int], views: int, start: datetime, rng: random.Random
) -> list[Any]:
    """Raw page views: visits of 1–8 pages by visitors of Zipf-weighted sites (three in
    ten by a visitor seen before), in time order over one hour."""
    from zaixian.analytics.models import PageView

    weights = [1 / (rank + 1) for rank in range(len(site_ids))]
    rows = []
    seen: list[tuple[int, str]] = []
    while len(rows) < views:
        if seen and rng.random() < 0.3:  # a visitor coming back (a new visit or not)
            site_id, visitor = rng.choice(seen)
        else:
            site_id = rng.choices(site_ids, weights)[0]
            visitor = f"{rng.getrandbits(64):016x}"
            seen.append((site_id, visitor))
        when = start + timedelta(seconds=rng.uniform(0, 3600))
        place, agent, source = rng.choice(PLACES), rng.choice(AGENTS), rng.choice(SOURCES)
        for _ in range(rng.randint(1, 8)):
            rows.append(
                PageView(
                    site_id=site_id,
                    time=when,
                    day=when.date(),
                    visitor=visitor,
                    path=rng.choice(PATHS),
                    channel=source[0],
                    referrer_name=source[1],
                    campaign=source[2],
                    device=agent[0],
                    browser=agent[1],
                    os=agent[2],
                    country=place[0],
                    province=place[1],
                    city=place[2],
                    language="zh-CN",
                    screen="1920x1080",
                )
            )
            when += timedelta(seconds=rng.uniform(5, 300))
    rows = rows[:views]
    rows.sort(key=lambda row: row.time)  # recorded as they arrive
    return rows


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from wagtail.models import Page, Site

    from zaixian.analytics import actions
    from zaixian.analytics.models import PageView, VisitorDay

    call_command("migrate", verbosity=0)
    root = Page.get_first_root_node()
    Site.objects.bulk_create(
        Site(hostname=f"site{n}.bench.test", port=80, root_page=root, site_name=f"Site {n}")
        for n in range(args.sites)
    )
    site_ids = list(Site.objects.values_list("pk", flat=True))
    rng = random.Random(2026)
    start = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    rows = generate_views(site_ids, args.views, start, rng)
    half = len(rows) // 2
    began = time.perf_counter()
    PageView.objects.bulk_create(rows[:half], batch_size=5000)
    actions.roll_up_page_views()
    print(
        f"{args.sites} sites, {half:,} page views recorded and rolled up to warm the "
        f"visitor states ({VisitorDay.objects.count():,} states) in "
        f"{time.perf_counter() - began:.1f} s"
    )
    PageView.objects.bulk_create(rows[half:], batch_size=5000)
    timed = len(rows) - half
    server_before, cpu_before = _database_server_cpu(), _own_cpu()
    began = time.perf_counter()
    rolled = actions.roll_up_page_views()
    seconds = time.perf_counter() - began
    cpu = _own_cpu() - cpu_before + _database_server_cpu() - server_before
    assert rolled == timed, (rolled, timed)  # noqa: S101 — a bench's sanity check
    rate = timed / seconds
    print(
        f"roll-up of {timed:,} page views (returning visitors' states loaded): "
        f"{seconds:.2f} s = {rate:,.0f} page views/s wall; {cpu:.2f} CPU s "
        f"(the database server's included) = {timed / cpu:,.0f} per CPU second"
    )
    busiest = args.per_day / 1440 * args.peak
    print(
        f"a day of {args.per_day:,} page views over the group: its busiest minute "
        f"({args.peak:g}× the average, {busiest:,.0f} page views) rolls up in "
        f"{busiest / rate:.1f} s; the roll-ups run every minute, so they stay at most "
        f"{60 + busiest / rate:.0f} s behind (target: minutes at most)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", type=int, default=200_000)
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--per-day", type=int, default=5_000_000)
    parser.add_argument("--peak", type=float, default=3.0)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--var-dir", default=str(BASE / "var" / "bench" / "rollup"))
    args = parser.parse_args()
    work = Path(args.var_dir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    database_url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    if database_url.startswith("postgres"):
        name = database_url.rsplit("/", 1)[1]
        admin = database_url.rsplit("/", 1)[0] + "/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", admin, "-qc", sql], check=True)  # noqa: S603, S607
    os.environ.update(
        {
            "ZAIXIAN_VAR_DIR": str(work),
            "DJANGO_SETTINGS_MODULE": "zaixian.settings.dev",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(BASE))
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
