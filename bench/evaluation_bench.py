"""Site self-evaluation benchmark (not part of the test suite).

Serves a generated 20,000-page government site from a local server (its own process, so its
CPU is not the crawler's), then crawls and checks it end to end and prints pages per second
(wall and CPU) and the peak memory of the process that crawls, beside the rate a plain
``requests`` fetcher and ``wrk`` get from the same server.

    .venv/bin/python bench/evaluation_bench.py                     # 20,000 pages, every mode
    .venv/bin/python bench/evaluation_bench.py --pages 2000 --mode crawl

Modes, each run in a fresh child process (so ``ru_maxrss`` is that mode's own peak):

* ``crawl``: ``crawler.crawl`` with an ``on_page`` that does nothing;
* ``checks``: the crawl with ``checks.content.page_facts`` and the page checks of
  ``checks.pages.make_page_checks`` on every page, then ``checks.site.check_site`` (no DB);
* ``evaluate``: ``actions.run_evaluation`` on an ``EvaluationTarget`` (crawl, every check, the
  pages, links and findings stored, the score), without the headless-browser audit. Its
  database is ``DATABASE_URL``, by default ``sqlite:///var/bench/evaluation.sqlite3``
  (recreated and migrated for each run).

The site (seeded, deterministic, generated on the fly): a home page; 40 columns, each a list
paginated 20 items a page; articles of 20–30 KB (about 7,000 Chinese characters of
government-news sentences, the site's navigation of 40 columns, breadcrumbs, an image, a
stylesheet and a script); one article in 250 links to a missing page and one in 500 shows a
missing image; the site map lists every column. Rate limit 0 (a local site), 4 workers.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = ROOT / "var" / "bench" / "evaluation.sqlite3"
DEFAULT_DATABASE_URL = f"sqlite:///{SQLITE_PATH}"
COLUMNS = 40
PER_LIST_PAGE = 20
BROKEN_LINK_EVERY = 250
BROKEN_IMAGE_EVERY = 500
MODES = ("crawl", "checks", "evaluate")

ORGS = [
    "市政府",
    "市发展改革委",
    "市教育局",
    "市工信局",
    "市公安局",
    "市民政局",
    "市财政局",
    "市人社局",
    "市自然资源局",
    "市生态环境局",
    "市住建局",
    "市交通运输局",
    "市水务局",
    "市农业农村局",
    "市商务局",
    "市文旅局",
    "市卫健委",
    "市应急管理局",
    "市审计局",
    "市市场监管局",
]
ACTS = [
    "召开专题会议研究部署",
    "深入基层调研",
    "扎实推进",
    "全面落实",
    "持续开展",
    "认真组织",
    "统筹谋划",
    "着力加强",
]
TOPICS = [
    "安全生产工作",
    "优化营商环境改革",
    "大气污染防治",
    "乡村振兴战略",
    "城市更新行动",
    "民生实事项目",
    "政务服务标准化建设",
    "科技创新平台建设",
    "文化旅游融合发展",
    "冬季供暖保障",
    "防汛抗旱准备",
    "就业创业服务",
    "基本医疗保障",
    "食品药品安全监管",
    "数字政府建设",
]
TAILS = [
    "确保各项任务按期完成。",
    "切实增强人民群众获得感。",
    "推动全市经济社会高质量发展。",
    "为全市发展大局作出积极贡献。",
    "进一步提升工作质量和效率。",
    "取得了阶段性成效。",
]
COLUMN_NAMES = [
    "晋城要闻",
    "工作动态",
    "通知公告",
    "部门动态",
    "县区动态",
    "政策文件",
    "政策解读",
    "办事指南",
    "人事信息",
    "财政资金",
] + [f"专题专栏{n}" for n in range(1, COLUMNS - 9)]


# the generated site ----------------------------------------------------------------------------
class GeneratedSite:
    """Which pages exist: ``/``, ``/wzdt/``, ``/c{c}/`` and ``/c{c}/index_{p}.html`` (list
    pages), ``/c{c}/a{n}.html`` (articles)."""

    def __init__(self, pages: int) -> None:
        # pages = 2 + COLUMNS * (articles + lists), lists = ceil(articles / PER_LIST_PAGE)
        per_column = max(1, (pages - 2) // COLUMNS)
        self.articles = max(1, math.floor(per_column * PER_LIST_PAGE / (PER_LIST_PAGE + 1)))
        self.lists = math.ceil(self.articles / PER_LIST_PAGE)
        self.total = 2 + COLUMNS * (self.articles + self.lists)
        rng = random.Random(20191119)
        self.sentences = [
            f"{rng.choice(ORGS)}{rng.choice(ACTS)}{rng.choice(TOPICS)}，"
            f"{rng.choice(ACTS)}{rng.choice(TOPICS)}，{rng.choice(TAILS)}"
            for _ in range(400)
        ]
        self.today = date.today()  # noqa: DTZ011 - a generated site on the local calendar

    def day(self, column: int, article: int) -> str:
        # the newest article of each column is 0–3 days old, older ones a day apart
        return (self.today - timedelta(days=column % 4 + article)).isoformat()

    def layout(self, title: str, body: str) -> str:
        nav = "".join(f'<li><a href="/c{c}/">{COLUMN_NAMES[c]}</a></li>' for c in range(COLUMNS))
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title} - 晋城市人民政府</title>"
            '<link rel="stylesheet" href="/static/site.css"><script src="/static/site.js">'
            "</script></head><body>"
            '<div class="header"><a href="/"><img src="/img/logo.png" alt="晋城市人民政府"></a>'
            '<a href="/ghb/">关怀版</a></div>'
            f'<ul class="nav"><li><a href="/">首页</a></li>{nav}'
            '<li><a href="/wzdt/">网站地图</a></li></ul>'
            f'<div class="main">{body}</div><div class="footer">'
            "<p>主办单位：晋城市人民政府办公室</p><p>网站标识码：1405000001　"
            "晋ICP备05001234号　晋公网安备 14050202000123号</p>"
            "<p>联系电话：0356-2196114</p></div></body></html>"
        )

    def page(self, path: str) -> str | None:
        if path == "/":
            items = "".join(
                f'<li><a href="/c{c}/a0.html">{self.title(c, 0)}</a>'
                f'<span class="date">{self.day(c, 0)}</span></li>'
                for c in range(COLUMNS)
            )
            return self.layout("首页", f'<ul class="list">{items}</ul>')
        if path in ("/wzdt/", "/ghb/"):
            items = "".join(
                f'<li><a href="/c{c}/">{COLUMN_NAMES[c]}</a></li>' for c in range(COLUMNS)
            )
            return self.layout("网站地图", f"<ul>{items}</ul>")
        parts = path.strip("/").split("/")
        if len(parts) not in (1, 2) or not parts[0].startswith("c"):
            return None
        try:
            column = int(parts[0][1:])
        except ValueError:
            return None
        if not 0 <= column < COLUMNS:
            return None
        name = parts[1] if len(parts) == 2 else "index.html"
        if path.endswith("/"):
            name = "index.html"
        if name == "index.html" or name.startswith("index_"):
            number = 0 if name == "index.html" else _int(name[6:-5])
            return self.list_page(column, number) if 0 <= number < self.lists else None
        if name.startswith("a") and name.endswith(".html"):
            number = _int(name[1:-5])
            return self.article(column, number) if 0 <= number < self.articles else None
        return None

    def title(self, column: int, article: int) -> str:
        rng = random.Random(column * 1_000_003 + article)
        return f"{rng.choice(ORGS)}{rng.choice(ACTS)}{rng.choice(TOPICS)}"

    def list_page(self, column: int, number: int) -> str:
        first = number * PER_LIST_PAGE
        items = "".join(
            f'<li><a href="/c{column}/a{n}.html">{self.title(column, n)}</a>'
            f'<span class="date">{self.day(column, n)}</span></li>'
            for n in range(first, min(first + PER_LIST_PAGE, self.articles))
        )
        pager = " ".join(
            f'<a href="/c{column}/{"" if p == 0 else f"index_{p}.html"}">{p + 1}</a>'
            for p in range(max(0, number - 3), min(self.lists, number + 4))
        )
        body = (
            f'<div class="column"><h1>{COLUMN_NAMES[column]}</h1><ul class="list">{items}</ul>'
            f'<div class="pages">{pager}</div></div>'
        )
        return self.layout(COLUMN_NAMES[column], body)

    def article(self, column: int, number: int) -> str:
        rng = random.Random(column * 7_919 + number * 104_729)
        title = self.title(column, number)
        day = self.day(column, number)
        paragraphs = "".join(
            "<p>" + "".join(rng.choices(self.sentences, k=10)) + "</p>"
            for _ in range(rng.randint(17, 24))
        )
        serial = column * self.articles + number
        extra = f'<p><img src="/img/pic{serial % 50}.jpg" alt="{title}"></p>'
        if serial % BROKEN_LINK_EVERY == 7:
            extra += f'<p><a href="/c{column}/gone{number}.html">相关阅读</a></p>'
        if serial % BROKEN_IMAGE_EVERY == 11:
            extra += f'<p><img src="/img/missing{number}.jpg" alt="{title}"></p>'
        neighbours = "".join(
            f'<a href="/c{column}/a{n}.html">{self.title(column, n)}</a>'
            for n in (number - 1, number + 1)
            if 0 <= n < self.articles
        )
        body = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="/c{column}/">{COLUMN_NAMES[column]}</a></div>'
            f'<div class="article"><h1>{title}</h1><div class="info">发布时间：{day}　'
            f"来源：{ORGS[column % len(ORGS)]}</div>"
            f'<div class="content">{paragraphs}{extra}</div>'
            f'<div class="neighbours">{neighbours}</div></div>'
        )
        return self.layout(title, body)


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return -1


def _serve(pages: int, ports: Any) -> None:
    site = GeneratedSite(pages)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, *, head: bool) -> None:
            path = self.path.split("?")[0]
            if path.startswith("/static/"):
                body, kind, status = b"body{margin:0}", "text/css", 200
            elif path.startswith("/img/") and "missing" not in path:
                body, kind, status = b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png", 200
            elif path == "/robots.txt":
                body, kind, status = b"User-agent: *\nDisallow:\n", "text/plain", 200
            else:
                text = site.page(path)
                status = 200 if text is not None else 404
                body = (text or "<html><body>404</body></html>").encode()
                kind = "text/html; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer(head=False)

        def do_HEAD(self) -> None:
            self._answer(head=True)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ports.put((server.server_address[1], site.total))
    server.serve_forever()


# the measured modes (child processes) --------------------------------------------------------
def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _run_mode(mode: str, base_url: str, pages: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaixian.settings.test")
    django.setup()
    if mode == "evaluate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    baseline_mb = _rss_mb()
    wall, cpu = time.monotonic(), time.process_time()
    report: dict[str, Any] = {"mode": mode}
    if mode == "crawl":
        report.update(_crawl_only(base_url, pages))
    elif mode == "checks":
        report.update(_crawl_and_check(base_url, pages))
    else:
        report.update(_evaluate(base_url, pages))
    report["wall_s"] = time.monotonic() - wall
    report["cpu_s"] = time.process_time() - cpu
    report["baseline_mb"] = baseline_mb
    report["peak_mb"] = _rss_mb()
    return report


def _progress_printer(total: int) -> Any:
    started = time.monotonic()

    def progress(done: int, queued: int) -> None:
        if done % 2000 == 0:
            rate = done / max(time.monotonic() - started, 1e-9)
            print(f"  {done}/{total} pages, {queued} queued, {rate:.0f} pages/s", flush=True)

    return progress


def _crawl_only(base_url: str, pages: int) -> dict[str, Any]:
    from zaixian.evaluation.crawler import crawl

    result = crawl(
        base_url + "/",
        max_pages=pages + 100,
        requests_per_second=0,
        on_page=lambda snapshot: None,
        check_external=False,
        progress=_progress_printer(pages),
    )
    return {
        "pages": result.pages_fetched + result.pages_failed,
        "links": len(result.links),
        "broken": sum(link.is_broken for link in result.links),
    }


def _crawl_and_check(base_url: str, pages: int) -> dict[str, Any]:
    from zaixian.evaluation.checks import CrawlSummary, PageRecord
    from zaixian.evaluation.checks.content import page_facts
    from zaixian.evaluation.checks.pages import make_page_checks
    from zaixian.evaluation.checks.site import check_site
    from zaixian.evaluation.checks.wording import default_wording_rules
    from zaixian.evaluation.crawler import crawl

    checks = make_page_checks(wording_rules=default_wording_rules())
    findings: list[Any] = []
    records: list[PageRecord] = []

    def on_page(snapshot: Any) -> None:
        facts = page_facts(snapshot)
        if snapshot.is_html:
            for check in checks:
                findings.extend(check(snapshot))
        records.append(PageRecord.of(snapshot, facts))

    result = crawl(
        base_url + "/",
        max_pages=pages + 100,
        requests_per_second=0,
        on_page=on_page,
        check_external=False,
        progress=_progress_printer(pages),
    )
    summary = CrawlSummary(
        start_url=result.start_url,
        pages=records,
        links=result.links,
        today=date.today(),  # noqa: DTZ011 - the generated site's calendar
    )
    findings.extend(check_site(summary))
    return {
        "pages": len(records),
        "links": len(result.links),
        "broken": sum(link.is_broken for link in result.links),
        "findings": len(findings),
    }


def _evaluate(base_url: str, pages: int) -> dict[str, Any]:
    from zaixian.evaluation import actions
    from zaixian.evaluation.models import EvaluationRun, EvaluationTarget

    actions.load_default_wording_rules()
    target = EvaluationTarget.objects.create(
        name="Bench site",
        base_url=base_url + "/",
        max_pages=pages + 100,
        requests_per_second=0,
        check_external_links=False,
    )
    printer = _progress_printer(pages)
    run = actions.run_evaluation(
        target=target,
        trigger=EvaluationRun.Trigger.COMMAND,
        browser=False,
        progress=lambda stage, done, total: printer(done, total - done),
    )
    return {
        "pages": run.pages_crawled,
        "links": run.links_checked,
        "findings": run.findings.count(),
        "status": run.status,
        "score": str(run.score),
        "error": run.error[:300],
    }


# references ----------------------------------------------------------------------------------
def _reference_requests(base_url: str, site: GeneratedSite, count: int) -> float:
    """Pages per second a bare ``requests`` loop gets with 4 threads (no parsing, no checks)."""
    import requests

    paths = [f"/c{n % COLUMNS}/a{(n // COLUMNS) % site.articles}.html" for n in range(count)]
    lock = threading.Lock()

    def worker() -> None:
        session = requests.Session()
        while True:
            with lock:
                if not paths:
                    return
                path = paths.pop()
            session.get(base_url + path, timeout=30).content  # noqa: B018 - read the body

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.monotonic() - started)


def _reference_wrk(base_url: str) -> str:
    if not shutil.which("wrk"):
        return "wrk not installed"
    output = subprocess.run(  # noqa: S603 - a fixed local command
        ["wrk", "-t2", "-c4", "-d10s", base_url + "/c3/a5.html"],  # noqa: S607 - wrk on PATH
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    line = next((line for line in output.splitlines() if "Requests/sec" in line), "")
    return line.split(":", 1)[1].strip() + " requests/s (one article, 4 connections)"


# driver --------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--mode", choices=[*MODES, "all"], default="all")
    parser.add_argument("--reference-pages", type=int, default=2_000)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(_run_mode(args.child, args.base_url, args.pages)), flush=True)
        return 0

    ports: Any = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(args.pages, ports), daemon=True)
    server.start()
    port, total = ports.get(timeout=60)
    base_url = f"http://127.0.0.1:{port}"
    site = GeneratedSite(args.pages)
    load = os.getloadavg()
    print(
        f"site {base_url}/: {total} pages ({COLUMNS} columns of {site.articles} articles, "
        f"{site.lists} list pages each); load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    sample = site.article(3, 5).encode()
    print(f"article size {len(sample) / 1024:.1f} KB", flush=True)
    rate = _reference_requests(base_url, site, args.reference_pages)
    print(f"reference: requests, 4 threads: {rate:.0f} pages/s", flush=True)
    print(f"reference: wrk: {_reference_wrk(base_url)}", flush=True)

    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    modes = MODES if args.mode == "all" else (args.mode,)
    for mode in modes:
        if mode == "evaluate" and env["DATABASE_URL"] == DEFAULT_DATABASE_URL:
            SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
            SQLITE_PATH.unlink(missing_ok=True)
        print(f"[{mode}] …", flush=True)
        child = [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--base-url",
            base_url,
            "--pages",
            str(args.pages),
        ]
        output = subprocess.run(  # noqa: S603 - our own script
            child, env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
        for line in output.stdout.splitlines():
            if not line.startswith("{"):
                print(line, flush=True)
        if not lines:
            print(f"[{mode}] failed:\n{output.stderr[-3000:]}", flush=True)
            continue
        report = json.loads(lines[-1])
        pages = report.get("pages") or 0
        print(
            f"[{mode}] {pages} pages in {report['wall_s']:.1f} s: "
            f"{pages / report['wall_s']:.1f} pages/s wall, "
            f"{pages / max(report['cpu_s'], 1e-9):.1f} pages per CPU second; "
            f"peak RSS {report['peak_mb']:.0f} MB (after setup {report['baseline_mb']:.0f} MB); "
            + ", ".join(
                f"{key} {value}"
                for key, value in report.items()
                if key not in ("mode", "pages", "wall_s", "cpu_s", "peak_mb", "baseline_mb")
            ),
            flush=True,
        )
    server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
