"""The full-text index behind one interface, chosen by the database vendor: SQLite FTS5
(the embedded default) or PostgreSQL full text with a GIN index.

Both index the same token stream (``zaixian.core.text.index_text``: jieba words, then single
characters) and take the same ``ParsedQuery``; only the SQL differs. The total is counted
exactly up to ``COUNT_CAP`` and reported as "more than" beyond it: counting a match set of
hundreds of thousands of rows costs far more than finding the top ten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from zaixian.core import text as zh_text
from zaixian.search import rules
from zaixian.search.models import SearchDocument

COUNT_CAP = 1_000
RANK_WINDOW = 1_000
"""Relevance is computed over at most this many matches: when more match, over the most
recently indexed ones. Ranking every row of a match set of 100,000 costs 100 ms and more,
and a portal's reader wants recent news among the relevant anyway."""
MAX_INDEXED_BODY_CHARS = 50_000
"""Longer bodies are indexed up to here (and stored whole): it bounds indexing time and
PostgreSQL's tsvector positions (max 16,383) for the rare huge document."""
SQLITE_FTS_TABLE = "zaixian_search_fts"
SQLITE_TITLE_WEIGHT = 10.0
POSTGRES_RANK_WEIGHTS = "{0.05, 0.1, 0.2, 1.0}"
"""ts_rank_cd weights for D, C, B (body), A (title): a title match outweighs many in the body."""


@dataclass(frozen=True)
class SearchFilters:
    site_id: int | None = None
    tree_path: str | None = None
    """A channel's tree path: documents of the pages in its subtree."""
    date_from: dt.datetime | None = None
    date_to: dt.datetime | None = None
    """Exclusive upper bound."""

    def where(self, alias: str) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.site_id is not None:
            clauses.append(f"{alias}.site_id = %s")
            params.append(self.site_id)
        if self.tree_path:
            clauses.append(
                f"{alias}.page_id IN (SELECT id FROM wagtailcore_page WHERE path LIKE %s)"
            )
            params.append(self.tree_path + "%")  # treebeard paths are [0-9A-Z] only
        if self.date_from is not None:
            clauses.append(f"{alias}.published_at >= %s")
            params.append(self.date_from)
        if self.date_to is not None:
            clauses.append(f"{alias}.published_at < %s")
            params.append(self.date_to)
        return clauses, params


@dataclass
class RankedIds:
    ids: list[int]
    total: int
    is_total_capped: bool = False
    scores: dict[int, float] = field(default_factory=dict)


class SearchBackend:
    """What every index backend does."""

    def index(self, document: SearchDocument) -> None:
        raise NotImplementedError

    def remove(self, document_ids: list[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def rank(
        self,
        query: rules.ParsedQuery,
        *,
        filters: SearchFilters,
        order: str,
        offset: int,
        limit: int,
    ) -> RankedIds:
        raise NotImplementedError

    @staticmethod
    def field_texts(document: SearchDocument) -> tuple[str, str]:
        return (
            zh_text.index_text(document.title),
            zh_text.index_text(document.body[:MAX_INDEXED_BODY_CHARS]),
        )


class SQLiteFTS5Backend(SearchBackend):
    def index(self, document: SearchDocument) -> None:
        title, body = self.field_texts(document)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SQLITE_FTS_TABLE} WHERE rowid = %s", [document.pk])
            cursor.execute(
                f"INSERT INTO {SQLITE_FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
                [document.pk, title, body],
            )

    def remove(self, document_ids: list[int]) -> None:
        if not document_ids:
            return
        marks = ", ".join(["%s"] * len(document_ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SQLITE_FTS_TABLE} WHERE rowid IN ({marks})", document_ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SQLITE_FTS_TABLE}")

    def rank(
        self,
        query: rules.ParsedQuery,
        *,
        filters: SearchFilters,
        order: str,
        offset: int,
        limit: int,
    ) -> RankedIds:
        table = SQLITE_FTS_TABLE
        clauses, params = filters.where("d")
        needs_join = bool(clauses) or order == "date"
        source = (
            f"{table} JOIN zaixian_search_searchdocument d ON d.id = {table}.rowid"
            if needs_join
            else table
        )
        where = " AND ".join([f"{table} MATCH %s", *clauses])
        match_params = [rules.fts5_expression(query), *params]
        if order == "date":
            order_by = "d.published_at DESC, d.id DESC"
            score = "0.0"
        else:
            order_by = "score, " + ("d.id DESC" if needs_join else f"{table}.rowid DESC")
            score = f"bm25({table}, {SQLITE_TITLE_WEIGHT}, 1.0)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT %s)",
                [*match_params, COUNT_CAP + 1],
            )
            total = cursor.fetchone()[0]
            if order != "date" and total > RANK_WINDOW:
                # FTS5 walks its doclists in rowid order without ranking, so finding the
                # window's oldest row is cheap; the rowid bound is then pushed into FTS5.
                cursor.execute(
                    f"SELECT {table}.rowid FROM {source} WHERE {where} "
                    f"ORDER BY {table}.rowid DESC LIMIT 1 OFFSET %s",
                    [*match_params, RANK_WINDOW - 1],
                )
                where += f" AND {table}.rowid >= %s"
                match_params.append(cursor.fetchone()[0])
            cursor.execute(
                f"SELECT {table}.rowid, {score} AS score FROM {source} WHERE {where} "
                f"ORDER BY {order_by} LIMIT %s OFFSET %s",
                [*match_params, limit, offset],
            )
            rows = cursor.fetchall()
        return RankedIds(
            ids=[row[0] for row in rows],
            total=min(total, COUNT_CAP),
            is_total_capped=total > COUNT_CAP,
            scores={row[0]: -row[1] for row in rows},
        )


class PostgresBackend(SearchBackend):
    def index(self, document: SearchDocument) -> None:
        title, body = self.field_texts(document)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE zaixian_search_searchdocument SET search_vector = "
                "setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'B') WHERE id = %s",
                [title, body, document.pk],
            )

    def remove(self, document_ids: list[int]) -> None:
        # The vector lives in the document row, which the caller deletes.
        return

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE zaixian_search_searchdocument SET search_vector = NULL")

    def rank(
        self,
        query: rules.ParsedQuery,
        *,
        filters: SearchFilters,
        order: str,
        offset: int,
        limit: int,
    ) -> RankedIds:
        clauses, params = filters.where("d")
        where = " AND ".join(["d.search_vector @@ q.query", *clauses])
        source = "zaixian_search_searchdocument d, to_tsquery('simple', %s) AS q(query)"
        match_params = [rules.tsquery_expression(query), *params]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT %s) AS m",
                [*match_params, COUNT_CAP + 1],
            )
            total = cursor.fetchone()[0]
            if order == "date":
                cursor.execute(
                    f"SELECT d.id, 0.0 FROM {source} WHERE {where} "
                    f"ORDER BY d.published_at DESC, d.id DESC LIMIT %s OFFSET %s",
                    [*match_params, limit, offset],
                )
            else:
                # Rank within the newest RANK_WINDOW matches (see RANK_WINDOW).
                cursor.execute(
                    f"SELECT w.id, ts_rank_cd('{POSTGRES_RANK_WEIGHTS}', w.search_vector, w.query)"
                    f" AS score FROM (SELECT d.id, d.search_vector, q.query FROM {source} "
                    f"WHERE {where} ORDER BY d.id DESC LIMIT %s) AS w "
                    f"ORDER BY score DESC, w.id DESC LIMIT %s OFFSET %s",
                    [*match_params, RANK_WINDOW, limit, offset],
                )
            rows = cursor.fetchall()
        return RankedIds(
            ids=[row[0] for row in rows],
            total=min(total, COUNT_CAP),
            is_total_capped=total > COUNT_CAP,
            scores={row[0]: float(row[1]) for row in rows},
        )


def get_backend() -> SearchBackend:
    """The backend for the default database connection."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteFTS5Backend()
    raise NotImplementedError(f"Full-text search is not implemented for {connection.vendor}")
