"""Search benchmark (not part of the test suite).

Builds an index of N generated Chinese documents (default 200,000) through the search backend's
own bulk writer, then times two-word queries (default 200) through
``zaixian.search.queries.search`` — parse, exact total count, bm25 / ts_rank top 10, load the
ten documents and cut highlighted snippets — and prints p50/p95/p99 next to the reference and
targets of issue 2 §7. It also measures the real bulk indexing path
(``zaixian.search.actions.index_documents``, jieba included) on a sample.

    .venv/bin/python bench/search_bench.py                # SQLite, and PostgreSQL if reachable
    .venv/bin/python bench/search_bench.py --vendor sqlite --docs 20000

The corpus (seeded, deterministic):

* sentences of three kinds: 92 % "dictionary sentences" of 6–18 words drawn from jieba's own
  dictionary (349,046 words) with probability proportional to the dictionary frequency (a Zipf
  distribution: 的, 了, 是 … dominate, most words are rare), 6 % government-news sentences
  from a fixed vocabulary (organisations, verbs, topics, document kinds: about 100 phrases, so
  each is in several percent of all documents, as 安全生产 is on a city portal), 2 % sentences
  of the seed text (/work/shared/seed/*.txt);
* titles 10–30 characters (a pool of 60,000), bodies 300–2,000 characters (log-uniform, median
  about 775) made of pool sentences (a pool of 200,000);
* queries: two words a person would type, a third each of government word + government word,
  government word + dictionary word, dictionary word + dictionary word, where a "dictionary
  word" is a 2–4 character noun/verb/verbal noun (POS n, v, vn) ranked 200th–5,000th by
  frequency among those (mid-to-high frequency; the very commonest are function-like).

Each pool sentence is segmented once by the real segmenter (``zh_text.segment`` and
``zh_text.bigram_tokens``) and documents reuse the tokens, which is exact because sentences end
in 。 and neither jieba nor the bigrams cross punctuation (the bench checks this on a sample).
So the build time is the index's own; the segmentation a real build adds is measured
separately (``index_documents`` throughput).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = Path(os.environ.get("ZAIXIAN_SEED_DIR", "/work/shared/seed"))
SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE", ROOT / "var" / "bench" / "search.sqlite3"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/zx_search_bench")
REFERENCE = {"sqlite": "raw FTS5 1.2–1.8 ms p95", "postgresql": "PG GIN 2.5–5.7 ms p95"}
TARGET_MS = {"sqlite": 5.0, "postgresql": 10.0}
SENTENCE_POOL = 200_000
TITLE_POOL = 60_000
QUERY_BAND = (200, 5_000)
QUERY_POS = {"n", "v", "vn"}
_HAN_RE = re.compile(r"^[\u4e00-\u9fff]+$")

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


class Dictionary:
    """jieba's dictionary: words with their frequencies, for Zipf sampling."""

    def __init__(self) -> None:
        import jieba

        path = Path(jieba.__file__).parent / "dict.txt"
        self.words: list[str] = []
        self.pos: list[str] = []
        freqs: list[int] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 3 and _HAN_RE.match(parts[0]):
                self.words.append(parts[0])
                freqs.append(int(parts[1]))
                self.pos.append(parts[2])
        self.cumulative = list(itertools.accumulate(freqs))
        self.freqs = freqs

    def sample(self, rng: random.Random, k: int) -> list[str]:
        total = self.cumulative[-1]
        return [
            self.words[bisect.bisect_right(self.cumulative, rng.random() * total)] for _ in range(k)
        ]

    def query_words(self) -> list[str]:
        """Nouns and verbs of 2–4 characters, ranks QUERY_BAND by frequency among them."""
        candidates = sorted(
            (
                (freq, word)
                for word, freq, pos in zip(self.words, self.freqs, self.pos, strict=True)
                if pos in QUERY_POS and 2 <= len(word) <= 4
            ),
            reverse=True,
        )
        low, high = QUERY_BAND
        return [word for _freq, word in candidates[low:high]]


def _seed_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted(SEED_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        parts = text.replace("\n", "。").replace("！", "。").replace("？", "。").split("。")
        sentences.extend(part.strip() + "。" for part in parts if len(part.strip()) >= 8)
    return sentences


def _gov_sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(ORGS)}{rng.choice(VERBS)}{rng.choice(TOPICS)}{rng.choice(NOUNS)}，"
        f"{rng.choice(ADVERBS)}{rng.choice(VERBS)}{rng.choice(TOPICS)}，{rng.choice(CLAUSES)}。"
    )


def _dictionary_sentence(rng: random.Random, dictionary: Dictionary) -> str:
    words = dictionary.sample(rng, rng.randint(6, 18))
    if len(words) > 8:
        words.insert(rng.randint(3, len(words) - 3), "，")
    return "".join(words) + "。"


def make_sentences(rng: random.Random, dictionary: Dictionary, size: int) -> list[str]:
    seed = _seed_sentences()
    sentences = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.92:
            sentences.append(_dictionary_sentence(rng, dictionary))
        elif roll < 0.98 or not seed:
            sentences.append(_gov_sentence(rng))
        else:
            sentences.append(rng.choice(seed))
    return sentences


def make_titles(rng: random.Random, dictionary: Dictionary, size: int) -> list[str]:
    titles = []
    for _ in range(size):
        text = ""
        target = rng.randint(10, 30)
        while len(text) < target:
            piece = (
                _gov_sentence(rng) if rng.random() < 0.5 else _dictionary_sentence(rng, dictionary)
            )
            text += piece.rstrip("。").replace("，", " ")
        titles.append(text[:target].strip())
    return titles


def make_queries(rng: random.Random, dictionary: Dictionary, count: int) -> list[str]:
    gov = ORGS + TOPICS + NOUNS + VERBS
    band = dictionary.query_words()
    queries = []
    for number in range(count):
        kind = number % 3
        if kind == 0:
            first, second = rng.sample(gov, 2)
        elif kind == 1:
            first, second = rng.choice(gov), rng.choice(band)
        else:
            first, second = rng.sample(band, 2)
        queries.append(f"{first} {second}")
    return queries


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = max(0, math.ceil(len(sorted_values) * fraction) - 1)
    return sorted_values[index]


def _time_queries(vendor: str, queries: Any, query_strings: list[str]) -> None:
    for q in query_strings[:20]:  # warm caches and jieba
        queries.search(q)
    timings, cpu_timings, totals = [], [], []
    slowest: list[tuple[float, str, int]] = []
    for q in query_strings:
        started = time.perf_counter()
        cpu_started = time.process_time()
        results = queries.search(q, per_page=10)
        for hit in results.hits:
            str(hit.snippet_html)
            str(hit.title_html)
        elapsed = (time.perf_counter() - started) * 1000
        cpu_timings.append((time.process_time() - cpu_started) * 1000)
        timings.append(elapsed)
        totals.append(results.total)
        slowest.append((elapsed, q, results.total))
    timings.sort()
    totals_sorted = sorted(totals)
    p50, p95, p99 = (_percentile(timings, f) for f in (0.5, 0.95, 0.99))
    print(
        f"[{vendor}] {len(timings)} two-word queries: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
        f"p99 {p99:.2f} ms, max {timings[-1]:.2f} ms"
    )
    cpu_timings.sort()
    c50, c95, c99 = (_percentile(cpu_timings, f) for f in (0.5, 0.95, 0.99))
    print(
        f"[{vendor}] CPU time of this process per query: p50 {c50:.2f} ms, p95 {c95:.2f} ms, "
        f"p99 {c99:.2f} ms (no waiting for a core on a busy machine; PostgreSQL's own work "
        "is not in it)"
    )
    print(
        f"[{vendor}] exact totals per query: median {statistics.median(totals):,.0f}, "
        f"p95 {_percentile(totals_sorted, 0.95):,}, max {max(totals):,}, "
        f"zero {sum(1 for t in totals if t == 0)} of {len(totals)}"
    )
    print(
        f"[{vendor}] slowest: "
        + "; ".join(
            f"{q} {ms:.1f} ms ({total:,})" for ms, q, total in sorted(slowest, reverse=True)[:5]
        )
    )
    verdict = "meets" if p95 < TARGET_MS[vendor] else "MISSES"
    print(
        f"[{vendor}] reference {REFERENCE[vendor]}; target p95 < {TARGET_MS[vendor]:.0f} ms: "
        f"{verdict}",
        flush=True,
    )


def _run_one(
    vendor: str, docs: int, query_count: int, batch: int, sample: int, reuse: bool = False
) -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "zaixian.settings.test"
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from zaixian.core import text as zh_text
    from zaixian.search import actions, queries
    from zaixian.search.backends import get_backend, index_texts, lead_text
    from zaixian.search.models import SearchDocument

    call_command("migrate", verbosity=0)
    backend = get_backend()
    rng = random.Random(20121130)
    dictionary = Dictionary()
    sentences = make_sentences(rng, dictionary, SENTENCE_POOL)
    titles = make_titles(rng, dictionary, TITLE_POOL)
    query_strings = make_queries(rng, dictionary, query_count)
    if reuse:  # the same queries (same seed) against the index a previous run left
        if vendor == "postgresql":
            # What autovacuum would do after a migration rewrote the rows (as a fresh build
            # does in bulk_build): all-visible pages let counts skip the heap.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE zaixian_search_vector")
        _time_queries(vendor, queries, query_strings)
        return

    print(
        f"[{vendor}] segmenting pools of {len(sentences):,} sentences, {len(titles):,} titles…",
        flush=True,
    )
    started = time.perf_counter()
    zh_text.get_tokenizer()
    sentence_tokens = [(zh_text.index_words(s), zh_text.bigram_tokens(s)) for s in sentences]
    title_tokens = [zh_text.index_text(t) for t in titles]
    pool_chars = sum(map(len, sentences)) + sum(map(len, titles))
    seg_seconds = time.perf_counter() - started
    print(
        f"[{vendor}] pools: {pool_chars:,} characters segmented in {seg_seconds:.1f} s "
        f"({pool_chars / seg_seconds:,.0f} characters/s)",
        flush=True,
    )

    def tokens_of(picks: list[int]) -> str:
        return " ".join(
            [t for i in picks for t in sentence_tokens[i][0]]
            + [t for i in picks for t in sentence_tokens[i][1]]
        )

    def document(number: int) -> tuple[str, str, str, str, str]:
        target = math.exp(rng.uniform(math.log(300), math.log(2000)))
        picks: list[int] = []
        length = 0
        while length < target:
            pick = rng.randrange(len(sentences))
            picks.append(pick)
            length += len(sentences[pick])
        title_pick = rng.randrange(len(titles))
        body = "".join(sentences[i] for i in picks)
        # The lead is whole sentences whenever it ends at a sentence end (nearly always):
        # their tokens are reused; otherwise (cut at LEAD_MAX_CHARS) it is segmented.
        lead = lead_text(body)
        lead_picks, lead_length = [], 0
        for i in picks:
            if lead_length >= len(lead):
                break
            lead_picks.append(i)
            lead_length += len(sentences[i])
        lead_tokens = (
            tokens_of(lead_picks) if lead_length == len(lead) else zh_text.index_text(lead)
        )
        return titles[title_pick], body, title_tokens[title_pick], tokens_of(picks), lead_tokens

    with connection.cursor() as cursor:
        backend.clear()
        cursor.execute("DELETE FROM zaixian_search_searchdocument")
    print(f"[{vendor}] building the index of {docs:,} documents…", flush=True)
    started = time.perf_counter()
    now = timezone.now()
    chars = 0
    checked = 0
    build = backend.bulk_build()
    build.__enter__()
    for start in range(0, docs, batch):
        rows, fts_rows = [], []
        for number in range(start, min(docs, start + batch)):
            title, body, t_tokens, b_tokens, l_tokens = document(number)
            if checked < 200:  # the pre-segmented tokens are what the real path would store
                if (t_tokens, b_tokens, l_tokens) != index_texts(title=title, body=body):
                    raise SystemExit(f"document {number}: pre-segmented tokens differ")
                checked += 1
            chars += len(body) + len(title)
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
            fts_rows.append((number + 1, t_tokens, b_tokens, l_tokens))
        with transaction.atomic():
            SearchDocument.objects.bulk_create(rows)
            backend.write_rows(fts_rows)
        if (start // batch) % 20 == 0:
            print(
                f"[{vendor}]   {start + len(rows):,} documents, "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
    build.__exit__(None, None, None)
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("INSERT INTO zaixian_search_fts(zaixian_search_fts) VALUES ('optimize')")
            cursor.execute(
                "INSERT INTO zaixian_search_fts_title(zaixian_search_fts_title) VALUES ('optimize')"
            )
            for table in ("zaixian_search_fts_count", "zaixian_search_fts_lead"):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE zaixian_search_searchdocument")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('zaixian_search_searchdocument', 'id'), "
                "(SELECT max(id) FROM zaixian_search_searchdocument))"
            )
    build_seconds = time.perf_counter() - started
    print(
        f"[{vendor}] {docs:,} documents, {chars / 1e6:.1f} M characters; index build "
        f"{build_seconds:.1f} s ({docs / build_seconds:,.0f} docs/s)",
        flush=True,
    )

    _time_queries(vendor, queries, query_strings)

    if sample:
        # The real bulk path on fresh keys: segmentation, document upsert, full-text rows.
        inputs = []
        sample_chars = 0
        for number in range(sample):
            title, body, *_tokens = document(number)
            sample_chars += len(title) + len(body)
            inputs.append(
                actions.DocumentInput(
                    key=f"bench-real:{number}",
                    title=title,
                    body=body,
                    url=f"/bench-real/{number}/",
                    published_at=now,
                )
            )
        started = time.perf_counter()
        actions.index_documents(documents=inputs)
        seconds = time.perf_counter() - started
        print(
            f"[{vendor}] index_documents (real path, jieba included) on {sample:,} documents, "
            f"{sample_chars / 1e6:.1f} M characters: {seconds:.1f} s, {sample / seconds:,.0f} "
            f"docs/s, {sample_chars / seconds:,.0f} characters/s (one core)",
            flush=True,
        )


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
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument(
        "--sample", type=int, default=2_000, help="documents for the real-path throughput"
    )
    parser.add_argument("--vendor", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--reuse", action="store_true", help="time the queries on the index of a previous run"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if os.environ.get("BENCH_CHILD"):
        _run_one(
            os.environ["BENCH_CHILD"], args.docs, args.queries, args.batch, args.sample, args.reuse
        )
        return 0
    vendors = ["sqlite", "postgresql"] if args.vendor == "both" else [args.vendor]
    status = 0
    for vendor in vendors:
        env = dict(os.environ, BENCH_CHILD=vendor)
        if vendor == "sqlite":
            SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
            if not args.reuse:
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
            "--sample",
            str(args.sample),
            *(["--reuse"] if args.reuse else []),
        ]
        status |= subprocess.call(child, env=env, cwd=ROOT)  # noqa: S603 — our own script
    return status


if __name__ == "__main__":
    sys.exit(main())
