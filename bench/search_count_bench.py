"""Exact totals on SQLite: FTS5's own count against the common terms' bitmaps (not part of
the test suite). Runs on an index built by ``bench/search_bench.py`` (same file), for the
pairs of frequent words that were the slowest totals, and prints the CPU time of each way
(median of 30) and that both give the same number.

    BENCH_SQLITE=var/bench/search.sqlite3 .venv/bin/python bench/search_count_bench.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE", ROOT / "var" / "bench" / "search.sqlite3"))
PAIRS = [
    "落实 建设",
    "检查 数字经济",
    "科技创新 城市管理",
    "生态环境 落实",
    "招商引资 晋城在线",
    "城区 市政府",
    "项目建设 大败",  # 大败 is rare: not tracked, FTS5 counts
]
RUNS = 30


def main() -> int:
    if not SQLITE_PATH.exists():
        raise SystemExit(f"no index at {SQLITE_PATH}: build one with bench/search_bench.py")
    os.environ["DJANGO_SETTINGS_MODULE"] = "zaixian.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from zaixian.search import backends, rules

    table = backends.SQLITE_COUNT_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), sum(length(bits)) FROM {backends.TERM_BITS_TABLE}")
        terms, size = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {backends.SQLITE_FTS_TABLE}")
        documents = cursor.fetchone()[0]
        megabytes = (size or 0) / 1e6
        print(f"{documents:,} documents; {terms:,} tracked terms, {megabytes:.1f} MB of bitmaps")
        for text in PAIRS:
            query = rules.parse_query(text)
            tokens = rules.conjunction_tokens(query) or ()
            expression = rules.fts5_expression(query)

            def by_fts5(expression: str = expression) -> int:
                sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH %s"
                cursor.execute(sql, [expression])
                return int(cursor.fetchone()[0])

            def by_bits(tokens: tuple[str, ...] = tokens) -> int | None:
                return backends._count_by_term_bits(cursor, tokens) if tokens else None

            fts5_total, bits_total = by_fts5(), by_bits()
            if bits_total is not None and bits_total != fts5_total:
                raise SystemExit(f"{text}: bitmaps count {bits_total}, FTS5 {fts5_total}")
            fts5_times, bits_times = [], []
            for _run in range(RUNS):
                started = time.process_time()
                by_fts5()
                fts5_times.append(time.process_time() - started)
                started = time.process_time()
                by_bits()
                bits_times.append(time.process_time() - started)
            fts5_ms = statistics.median(fts5_times) * 1000
            bits_ms = statistics.median(bits_times) * 1000
            way = f"bitmaps {bits_ms:.3f} ms" if bits_total is not None else "not all tracked"
            print(f"{text}: {fts5_total:,} matches; FTS5 count {fts5_ms:.3f} ms, {way}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
