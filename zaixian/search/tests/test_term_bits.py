"""The bitmaps of common terms: the totals they give equal the engine's own count (FTS5's,
PostgreSQL's GIN index) through every kind of index write, and a query with an untracked
term still counts through the engine."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from zaixian.search import actions, backends, queries
from zaixian.search.models import SearchDocument

pytestmark = pytest.mark.django_db

WORDS = ["农业", "发展", "建设", "项目", "安全", "生产", "城市", "管理", "教育", "卫生"]


def _document(number: int, words: list[str]) -> actions.DocumentInput:
    return actions.DocumentInput(
        key=f"bits:{number}",
        title=f"第{number}号通知",
        body="。".join(words) + "。",
        url=f"/bits/{number}/",
        published_at=timezone.now() - dt.timedelta(days=number),
    )


def _random_documents(rng: random.Random, numbers: range) -> list[actions.DocumentInput]:
    return [_document(n, rng.sample(WORDS, rng.randint(1, 5))) for n in numbers]


def _fts5_count(*words: str) -> int:
    """The engine's own count of the documents containing every word."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            table = backends.POSTGRES_VECTOR_TABLE
            expression = " & ".join(f"'{word}'" for word in words)
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE vector @@ CAST(%s AS tsquery)",  # noqa: S608
                [expression],
            )
        else:
            table = backends.SQLITE_COUNT_TABLE
            expression = " AND ".join(f'"{word}"' for word in words)
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH %s", [expression])  # noqa: S608
        return cursor.fetchone()[0]


def _bits_count(*words: str) -> int | None:
    with connection.cursor() as cursor:
        return backends._count_by_term_bits(cursor, words)


def _assert_every_pair_agrees() -> None:
    for first in WORDS:
        for second in WORDS:
            expected = _fts5_count(first, second)
            assert _bits_count(first, second) == expected, (first, second)
            assert queries.search(f"{first} {second}").total == expected


def test_bitmap_totals_equal_the_engines_through_adds_changes_and_removals():
    rng = random.Random(20261127)  # noqa: S311 — reproducible test data
    actions.index_documents(documents=_random_documents(rng, range(1, 60)))

    tracked = backends.refresh_term_bits(min_share=0, min_docs=2)

    assert tracked >= len(WORDS)
    _assert_every_pair_agrees()
    # re-indexing changes documents' words, new documents get higher ids, some go away
    actions.index_documents(documents=_random_documents(rng, range(20, 120)))
    gone = list(SearchDocument.objects.filter(key__in=["bits:3", "bits:70", "bits:119"]))
    for document in gone:
        actions.remove_document(key=document.key)
    _assert_every_pair_agrees()


def test_a_query_with_an_untracked_term_counts_through_the_engine():
    actions.index_documents(
        documents=[_document(n, ["农业", "发展"]) for n in range(1, 6)]
        + [_document(6, ["农业", "晋城"])]
    )
    backends.refresh_term_bits(min_share=0, min_docs=3)

    assert _bits_count("农业", "发展") == 5
    assert _bits_count("农业", "晋城") is None  # 晋城 is in one document: not tracked
    assert queries.search("农业 晋城").total == 1
    assert queries.search("农业 发展").total == 5


def test_filters_and_prefixes_are_never_counted_by_bitmap():
    actions.index_documents(documents=[_document(n, ["农业", "发展"]) for n in range(1, 6)])
    backends.refresh_term_bits(min_share=0, min_docs=2)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {backends.TERM_BITS_TABLE} SET bits = %s", [b"\x00"])  # noqa: S608

    # Zeroed bitmaps would give 0: a filtered search and a prefix search do not use them.
    assert queries.search("农业 发展").total == 0
    assert queries.search("农业 发展", date_from=dt.date(2000, 1, 1)).total == 5
    assert queries.search("农").total == 5


def test_clearing_the_index_stops_tracking_and_a_bulk_build_starts_it_again():
    backend = backends.get_backend()
    actions.index_documents(documents=[_document(n, ["农业", "发展"]) for n in range(1, 6)])
    backends.refresh_term_bits(min_share=0, min_docs=2)

    backend.clear()
    assert _bits_count("农业", "发展") is None

    SearchDocument.objects.all().delete()
    with (
        pytest.MonkeyPatch.context() as patch,
        backend.bulk_build(),
    ):
        patch.setattr(backends, "COMMON_TERM_MIN_DOCS", 2)
        patch.setattr(backends, "COMMON_TERM_MIN_SHARE", 0)
        actions.index_documents(documents=[_document(n, ["城市", "管理"]) for n in range(1, 4)])
        assert _bits_count("城市", "管理") is None  # deferred until the build ends
    assert _bits_count("城市", "管理") == 3


def test_bulk_indexing_counts_through_the_engine_meanwhile_and_tracks_the_terms_at_the_end(
    monkeypatch,
):
    monkeypatch.setattr(backends, "COMMON_TERM_MIN_DOCS", 2)
    monkeypatch.setattr(backends, "COMMON_TERM_MIN_SHARE", 0)
    actions.index_documents(documents=[_document(n, ["农业", "发展"]) for n in range(1, 4)])
    backends.refresh_term_bits()
    assert _bits_count("农业", "发展") == 3

    with actions.bulk_indexing():
        assert _bits_count("农业", "发展") is None  # nothing tracked: the engine counts
        actions.index_documents(documents=[_document(n, ["农业", "发展"]) for n in range(4, 9)])
        assert queries.search("农业 发展").total == 8

    assert _bits_count("农业", "发展") == _fts5_count("农业", "发展") == 8
