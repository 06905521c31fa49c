"""The full-text index behind one interface, chosen by the database vendor: SQLite FTS5
(the embedded default) or PostgreSQL full text with a GIN index.

Both index the same token stream (``zaixian.core.text.index_text``: jieba words, then
character bigrams) and take the same ``ParsedQuery``; only the SQL differs. Each search is two
statements over the full-text index alone: the exact total (a count, no scoring), then the
ranked page (bm25 / ts_rank with the title weighted over the body). Documents are read only for
the page's ten rows, by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from zaixian.core import text as zh_text
from zaixian.search import rules
from zaixian.search.models import SearchDocument

MAX_INDEXED_BODY_CHARS = 50_000
"""Longer bodies are indexed up to here (and stored whole): it bounds indexing time and
PostgreSQL's tsvector positions (max 16,383) for the rare huge document."""
SQLITE_FTS_TABLE = "zaixian_search_fts"
POSTGRES_VECTOR_TABLE = "zaixian_search_vector"
SQLITE_TITLE_WEIGHT = 10.0
POSTGRES_RANK_WEIGHTS = "{0.05, 0.1, 0.2, 1.0}"
"""ts_rank weights for D, C, B (body), A (title): a title match outweighs many in the body."""


def index_texts(*, title: str, body: str) -> tuple[str, str]:
    """The token strings a backend stores for a document's title and body."""
    return zh_text.index_text(title), zh_text.index_text(body[:MAX_INDEXED_BODY_CHARS])


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
        self.index_many([document])

    def index_many(self, documents: Sequence[SearchDocument]) -> None:
        """Write the full-text rows of saved documents, replacing any they had."""
        self.write_rows([(document.pk, *self.field_texts(document)) for document in documents])

    @staticmethod
    def write_rows(rows: Sequence[tuple[int, str, str]]) -> None:
        """Write (document id, title tokens, body tokens) rows, replacing existing ones.
        Segmenting is the slow part of indexing; callers do it outside their transaction."""
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
        return index_texts(title=document.title, body=document.body)


class SQLiteFTS5Backend(SearchBackend):
    @staticmethod
    def write_rows(rows: Sequence[tuple[int, str, str]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {SQLITE_FTS_TABLE} WHERE rowid = %s", [(row[0],) for row in rows]
            )
            cursor.executemany(
                f"INSERT INTO {SQLITE_FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", rows
            )

    def remove(self, document_ids: list[int]) -> None:
        if not document_ids:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {SQLITE_FTS_TABLE} WHERE rowid = %s",
                [(document_id,) for document_id in document_ids],
            )

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
            # bm25 in the FTS query itself: FTS5 scores each match once from its doclists and
            # keeps only the top rows; nothing is read from the documents table.
            order_by = f"score, {table}.rowid DESC"
            score = f"bm25({table}, {SQLITE_TITLE_WEIGHT}, 1.0)"
        with connection.cursor() as cursor:
            # The exact total: a count walks the doclists without scoring.
            cursor.execute(f"SELECT count(*) FROM {source} WHERE {where}", match_params)
            total = cursor.fetchone()[0]
            if offset >= total:
                return RankedIds(ids=[], total=total)
            cursor.execute(
                f"SELECT {table}.rowid, {score} AS score FROM {source} WHERE {where} "
                f"ORDER BY {order_by} LIMIT %s OFFSET %s",
                [*match_params, limit, offset],
            )
            rows = cursor.fetchall()
        return RankedIds(
            ids=[row[0] for row in rows],
            total=total,
            scores={row[0]: -row[1] for row in rows},
        )


class PostgresBackend(SearchBackend):
    """The vectors live in a narrow table of their own (document id, tsvector) with the GIN
    index, so counting and ranking never read the documents' wide rows."""

    @staticmethod
    def write_rows(rows: Sequence[tuple[int, str, str]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {POSTGRES_VECTOR_TABLE} (document_id, vector) VALUES (%s, "
                "setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'B')) "
                "ON CONFLICT (document_id) DO UPDATE SET vector = EXCLUDED.vector",
                rows,
            )

    def remove(self, document_ids: list[int]) -> None:
        if not document_ids:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {POSTGRES_VECTOR_TABLE} WHERE document_id = ANY(%s)",
                [list(document_ids)],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {POSTGRES_VECTOR_TABLE}")

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
        needs_join = bool(clauses) or order == "date"
        source = f"{POSTGRES_VECTOR_TABLE} v, to_tsquery('simple', %s) AS q(query)"
        if needs_join:
            source += ", zaixian_search_searchdocument d"
            clauses = ["d.id = v.document_id", *clauses]
        where = " AND ".join(["v.vector @@ q.query", *clauses])
        match_params = [rules.tsquery_expression(query), *params]
        if order == "date":
            score, order_by = "0.0", "d.published_at DESC, d.id DESC"
        else:
            score = f"ts_rank('{POSTGRES_RANK_WEIGHTS}', v.vector, q.query)"
            order_by = "score DESC, v.document_id DESC"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {source} WHERE {where}", match_params)
            total = cursor.fetchone()[0]
            if offset >= total:
                return RankedIds(ids=[], total=total)
            cursor.execute(
                f"SELECT v.document_id, {score} AS score FROM {source} WHERE {where} "
                f"ORDER BY {order_by} LIMIT %s OFFSET %s",
                [*match_params, limit, offset],
            )
            rows = cursor.fetchall()
        return RankedIds(
            ids=[row[0] for row in rows],
            total=total,
            scores={row[0]: float(row[1]) for row in rows},
        )


def get_backend() -> SearchBackend:
    """The backend for the default database connection."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteFTS5Backend()
    raise NotImplementedError(f"Full-text search is not implemented for {connection.vendor}")
