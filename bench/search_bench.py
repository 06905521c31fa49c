"""Search benchmark (not part of the test suite).

Builds an index of N generated Chinese government-news documents (default 200,000) straight
into the search tables, then times 200 two-word queries through ``zaixian.search.queries.search``
— parse, rank, total count, load the top 10 and cut highlighted snippets — and prints p50/p95
next to the reference and targets of issue 2 §7.

    .venv/bin/python bench/search_bench.py                # SQLite, and PostgreSQL if reachable
    .venv/bin/python bench/search_bench.py --vendor sqlite --docs 20000

Documents are made of sentences drawn from a pool built from a government-news vocabulary and
the seed text (/work/shared/seed/*.txt). Each pool sentence is segmented by jieba once and its
tokens reused, so the build measures the index, not 200,000 × jieba (which runs at about
280,000 characters/s per core; the real indexing path segments every document).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = Path(os.environ.get("ZAIXIAN_SEED_DIR", "/work/shared/seed"))
SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE", "/tmp/zaixian_search_bench.sqlite3"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/zx_search_bench")
REFERENCE = {"sqlite": "raw FTS5 1.2–1.8 ms p95", "postgresql": "PG GIN 2.5–5.7 ms p95"}
TARGET_MS = {"sqlite": 5.0, "postgresql": 10.0}

ORGS = [
    "市政府",
    "市委",
    "市应急管理局",
    "市农业农村局",
    "市教育局",
    "市卫生健康委员会",
    "市人社局",
    "市财政局",
    "市自然资源局",
    "市住建局",
    "市交通运输局",
    "市商务局",
    "市文旅局",
    "市审计局",
    "市统计局",
    "市信息中心",
    "泽州县",
    "高平市",
    "阳城县",
    "陵川县",
    "沁水县",
    "城区",
    "晋城在线",
    "市长热线",
    "太行农网",
]
VERBS = [
    "召开",
    "部署",
    "推进",
    "开展",
    "加强",
    "完善",
    "落实",
    "组织",
    "启动",
    "印发",
    "审议",
    "通报",
    "检查",
    "督导",
    "调研",
    "建设",
    "提升",
    "优化",
    "规范",
    "保障",
]
TOPICS = [
    "安全生产",
    "煤矿安全",
    "现代农业",
    "电子政务",
    "信息公开",
    "政务服务",
    "乡村振兴",
    "生态环境",
    "招商引资",
    "民生工程",
    "教育信息化",
    "医疗卫生",
    "社会保障",
    "防汛抗旱",
    "疫情防控",
    "营商环境",
    "数字经济",
    "网络安全",
    "舆情监测",
    "文化旅游",
    "城市管理",
    "交通运输",
    "水利建设",
    "土地管理",
    "项目建设",
    "科技创新",
    "就业创业",
    "养老服务",
    "住房保障",
    "食品安全",
    "IPv6",
    "无线城市",
    "12316热线",
    "一卡通",
    "好差评",
]
NOUNS = [
    "工作会议",
    "专项行动",
    "实施方案",
    "管理办法",
    "工作机制",
    "基础设施",
    "服务平台",
    "信息系统",
    "重点项目",
    "应急预案",
    "考核办法",
    "培训班",
    "座谈会",
    "现场会",
    "通知",
    "意见",
    "情况通报",
    "典型案例",
    "数据分析",
    "监测预警",
]
ADVERBS = ["全面", "深入", "扎实", "积极", "持续", "切实", "进一步", "统筹", "加快", "大力"]
CLAUSES = [
    "要求各单位高度重视",
    "确保各项任务落到实处",
    "取得了明显成效",
    "群众满意度不断提高",
    "为全市转型跨越发展提供保障",
    "形成上下联动的工作格局",
    "推动工作再上新台阶",
    "切实维护人民群众利益",
    "全年共受理来电五万余件",
    "覆盖全市三十个村级信息服务站",
]


def _pool_sentences(rng: random.Random, size: int) -> list[str]:
    seed_sentences: list[str] = []
    for path in sorted(SEED_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for part in text.replace("\n", "。").replace("！", "。").replace("？", "。").split("。"):
            if len(part.strip()) >= 8:
                seed_sentences.append(part.strip() + "。")
    pool = list(seed_sentences)
    while len(pool) < size:
        pool.append(
            f"{rng.choice(ORGS)}{rng.choice(VERBS)}{rng.choice(TOPICS)}{rng.choice(NOUNS)}，"
            f"{rng.choice(ADVERBS)}{rng.choice(VERBS)}{rng.choice(TOPICS)}，{rng.choice(CLAUSES)}。"
        )
    return pool


def _run_one(vendor: str, docs: int, query_count: int, batch: int) -> dict[str, float] | None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "zaixian.settings.test"
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from zaixian.core import text as zh_text
    from zaixian.search import queries
    from zaixian.search.backends import SQLITE_FTS_TABLE
    from zaixian.search.models import SearchDocument

    call_command("migrate", verbosity=0)
    rng = random.Random(20121130)
    pool = _pool_sentences(rng, 20_000)
    print(f"[{vendor}] segmenting a pool of {len(pool):,} sentences…", flush=True)
    started = time.perf_counter()
    segmented = [(zh_text.segment(s), zh_text.character_tokens(s)) for s in pool]
    seg_seconds = time.perf_counter() - started

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(f"DELETE FROM {SQLITE_FTS_TABLE}")
        cursor.execute("DELETE FROM zaixian_search_searchdocument")
    print(f"[{vendor}] building the index of {docs:,} documents…", flush=True)
    started = time.perf_counter()
    now = timezone.now()
    chars = 0
    for start in range(0, docs, batch):
        rows, fts_rows = [], []
        for number in range(start, min(docs, start + batch)):
            picks = [rng.randrange(len(pool)) for _ in range(rng.randint(6, 14))]
            title_pick = rng.randrange(len(pool))
            title = pool[title_pick].rstrip("。")[:40]
            body = "".join(pool[i] for i in picks)
            chars += len(body) + len(title)
            title_tokens = " ".join([*segmented[title_pick][0], *segmented[title_pick][1]])
            body_tokens = " ".join(
                [t for i in picks for t in segmented[i][0]]
                + [t for i in picks for t in segmented[i][1]]
            )
            rows.append(
                SearchDocument(
                    pk=number + 1,
                    key=f"bench:{number}",
                    kind=SearchDocument.Kind.ARTICLE,
                    url=f"/bench/{number}/",
                    title=title,
                    body=body,
                    published_at=now - timezone.timedelta(minutes=number),
                )
            )
            fts_rows.append((number + 1, title_tokens, body_tokens))
        with transaction.atomic():
            SearchDocument.objects.bulk_create(rows)
            with connection.cursor() as cursor:
                if vendor == "sqlite":
                    cursor.executemany(
                        f"INSERT INTO {SQLITE_FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
                        fts_rows,
                    )
                else:
                    cursor.executemany(
                        "UPDATE zaixian_search_searchdocument SET search_vector = "
                        "setweight(to_tsvector('simple', %s), 'A') || "
                        "setweight(to_tsvector('simple', %s), 'B') WHERE id = %s",
                        [(t, b, pk) for pk, t, b in fts_rows],
                    )
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                f"INSERT INTO {SQLITE_FTS_TABLE}({SQLITE_FTS_TABLE}) VALUES ('optimize')"
            )
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE zaixian_search_searchdocument")
    build_seconds = time.perf_counter() - started

    words = [w for w in TOPICS + NOUNS + VERBS + ["农业", "发展", "信息", "安全", "服务"]]
    query_strings = [" ".join(rng.sample(words, 2)) for _ in range(query_count)]
    for q in query_strings[:10]:  # warm caches and jieba
        queries.search(q)
    timings, totals = [], []
    for q in query_strings:
        started = time.perf_counter()
        results = queries.search(q, per_page=10)
        for hit in results.hits:
            str(hit.snippet_html)
        timings.append((time.perf_counter() - started) * 1000)
        totals.append(results.total)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"[{vendor}] {docs:,} documents, {chars / 1e6:.1f} M characters; pool segmentation "
        f"{seg_seconds:.1f} s; index build {build_seconds:.1f} s "
        f"({docs / build_seconds:,.0f} docs/s)"
    )
    print(
        f"[{vendor}] {len(timings)} two-word queries: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
        f"max {timings[-1]:.2f} ms; median total {statistics.median(totals):,.0f}, "
        f"max total {max(totals):,} (counted up to the cap)"
    )
    verdict = "meets" if p95 < TARGET_MS[vendor] else "MISSES"
    print(
        f"[{vendor}] reference {REFERENCE[vendor]}; target p95 < {TARGET_MS[vendor]:.0f} ms: "
        f"{verdict}"
    )
    return {"p50": p50, "p95": p95, "build": build_seconds}


def _postgres_reachable() -> bool:
    import psycopg

    admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
    name = PG_URL.rsplit("/", 1)[1]
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"PostgreSQL not reachable ({error}); skipping it.")
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--vendor", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if os.environ.get("BENCH_CHILD"):
        _run_one(os.environ["BENCH_CHILD"], args.docs, args.queries, args.batch)
        return 0
    vendors = ["sqlite", "postgresql"] if args.vendor == "both" else [args.vendor]
    status = 0
    for vendor in vendors:
        env = dict(os.environ, BENCH_CHILD=vendor)
        if vendor == "sqlite":
            SQLITE_PATH.unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
        elif _postgres_reachable():
            env["DATABASE_URL"] = PG_URL
        else:
            continue
        child = [
            sys.executable,
            __file__,
            "--docs",
            str(args.docs),
            "--queries",
            str(args.queries),
            "--batch",
            str(args.batch),
        ]
        status |= subprocess.call(child, env=env, cwd=ROOT)  # noqa: S603 — our own script
    return status


if __name__ == "__main__":
    sys.exit(main())
