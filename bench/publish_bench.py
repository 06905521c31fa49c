"""Static publishing benchmark (not part of the test suite).

1. Full publish: builds the demo city in its own database (``ZAIXIAN_VAR_DIR=var/bench/publish``
   unless ``--database-url`` names another one, e.g. PostgreSQL), adds ``--count`` generated
   articles (``generate_articles``), then runs ``zaixian publish --site 127.0.0.1`` and reports
   pages per second (wall and CPU) next to the target of issue 3 (300 pages/s on 2 cores at
   200,000 articles).
2. Publish-to-static latency: starts a real task worker (``zaixian worker``, the database
   queue), publishes a changed article ``--samples`` times the way final approval does
   (``revision.publish()``, which sends ``page_published``) and measures how long until the
   article's file in the static tree holds the new title (target: 5 s).

    .venv/bin/python bench/publish_bench.py --count 20000
    .venv/bin/python bench/publish_bench.py --count 200000 --database-url postgres://…/zx_bench
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
ZAIXIAN = str(BASE / ".venv" / "bin" / "zaixian")
PYTHON = str(BASE / ".venv" / "bin" / "python")
TARGET_PAGES_PER_SECOND = 300
TARGET_LATENCY_SECONDS = 5.0

# Data generation leaves search re-indexing tasks on the queue (minutes of work at this size);
# the latency run measures publishing alone, so they are dropped from the bench's own database.
DRAIN_SCRIPT = r"""
from django_tasks_db.models import DBTaskResult
print("DROPPED", DBTaskResult.objects.filter(status="READY").delete()[0])
"""

LATENCY_SCRIPT = r"""
import sys, time
from pathlib import Path
from django.db import transaction
from zaixian.portal.models import ArticlePage
from wagtail.models import Site
site = Site.objects.get(is_default_site=True)
article = ArticlePage.objects.live().descendant_of(site.root_page).order_by("-publish_time").first()
relative = article.url_path[len(site.root_page.url_path) - 1:]
target = Path(sys.argv[1]) / site.hostname / relative.strip("/") / "index.html"
results = []
for i in range(int(sys.argv[2])):
    title = f"静态发布延迟测试 {i} {time.time_ns()}"
    article.title = title
    with transaction.atomic():
        article.save_revision().publish()
    started = time.monotonic()
    while time.monotonic() - started < 60:
        if target.exists() and title in target.read_text():
            break
        time.sleep(0.01)
    results.append(time.monotonic() - started)
    article.refresh_from_db()
print("LATENCIES", " ".join(f"{r:.3f}" for r in results))
"""


def run(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, check=True, **kwargs)  # noqa: S603


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20000, help="generated articles (20000)")
    parser.add_argument("--database-url", default="", help="database (default: SQLite in var/)")
    parser.add_argument("--samples", type=int, default=5, help="latency samples (5)")
    parser.add_argument("--workers", type=int, default=2, help="rendering processes (2)")
    parser.add_argument(
        "--latency-only", action="store_true", help="skip the full publish (tree exists)"
    )
    parser.add_argument("--var-dir", default=str(BASE / "var" / "bench" / "publish"))
    args = parser.parse_args()

    var = Path(args.var_dir).resolve()
    var.mkdir(parents=True, exist_ok=True)
    output = var / "public"
    env = {
        **os.environ,
        "ZAIXIAN_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "zaixian.settings.dev",
        "DEBUG": "0",
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    marker = var / f"articles-{args.count}.done"
    if not marker.exists():
        print("Building the demo city and generating articles…", flush=True)
        run([ZAIXIAN, "demo", "--no-serve"], env, stdout=subprocess.DEVNULL)
        run([ZAIXIAN, "manage", "generate_articles", "--count", str(args.count), "--no-index"], env)
        marker.touch()

    if not args.latency_only:
        full_publish(args=args, env=env, output=output)
    latency(args=args, env=env, output=output)
    nginx_reference(output=output, work=var / "serve")
    return 0


def nginx_reference(*, output: Path, work: Path) -> None:
    """For scale, in the same run: nginx serving a plain static file the size of a
    published article (``serve_bench`` compares the two, and the app, in detail)."""
    sys.path.insert(0, str(BASE / "bench"))
    import serve_bench

    tree = output / "127.0.0.1"
    sample = sorted(tree.glob("*/*/index.html"))[:200]
    if not sample:
        return
    size = int(statistics.median(path.stat().st_size for path in sample))
    plain = tree / "plain-reference.html"
    plain.write_bytes(b"x" * size)
    work.mkdir(parents=True, exist_ok=True)
    port = serve_bench.free_port()
    nginx = serve_bench.start_nginx(
        work=work, root=output, app_port=serve_bench.free_port(), port=port
    )
    try:
        options = argparse.Namespace(threads=2, connections=20, seconds=10)
        rate = serve_bench.wrk(f"http://{serve_bench.HOST}:{port}/{plain.name}", options)
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        plain.unlink(missing_ok=True)
    print(
        f"For scale: nginx serves a plain file of {size} bytes (a published article's median "
        f"size) at {rate:,.0f} requests/s in this run (wrk -t2 -c20 -d10s)."
    )


def full_publish(*, args: argparse.Namespace, env: dict[str, str], output: Path) -> None:
    print(
        f"Full publish of the default site (127.0.0.1), {args.count} generated articles, "
        f"{args.workers} rendering process(es):"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    completed = run(
        [
            *(ZAIXIAN, "publish", "--site", "127.0.0.1", "--output", str(output)),
            *("--verbosity", "0", "--workers", str(args.workers)),
        ],
        env,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    match = re.search(r"(\d+) files written", completed.stdout) or re.search(
        r"写入 (\d+) 个文件", completed.stdout
    )
    pages = int(match.group(1)) if match else 0
    print(f"  {pages} files in {wall:.1f} s wall, {cpu:.1f} s CPU (all processes)")
    print(
        f"  {pages / wall:.1f} pages/s wall, {pages / cpu:.1f} pages/s per CPU second "
        f"(target {TARGET_PAGES_PER_SECOND} pages/s on 2 cores)"
    )


def latency(*, args: argparse.Namespace, env: dict[str, str], output: Path) -> None:
    print("Publish-to-static latency (a real `zaixian worker`, database queue):")
    run([ZAIXIAN, "manage", "shell", "-c", DRAIN_SCRIPT], env)
    env_worker = {**env, "STATIC_PUBLISH_ROOT": str(output)}
    worker = subprocess.Popen(  # noqa: S603
        [ZAIXIAN, "worker", "--verbosity", "0"], env=env_worker, stdout=subprocess.DEVNULL
    )
    try:
        completed = run(
            [
                ZAIXIAN,
                "manage",
                "shell",
                "-c",
                LATENCY_SCRIPT.replace("sys.argv[1]", repr(str(output))).replace(
                    "sys.argv[2]", repr(str(args.samples))
                ),
            ],
            env_worker,
            capture_output=True,
            text=True,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    line = next(x for x in completed.stdout.splitlines() if x.startswith("LATENCIES"))
    latencies = [float(x) for x in line.split()[1:]]
    print(
        f"  median {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s over "
        f"{len(latencies)} publishes (target {TARGET_LATENCY_SECONDS:.0f} s): "
        + " ".join(f"{x:.2f}" for x in latencies)
    )


if __name__ == "__main__":
    sys.exit(main())
