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
import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
SQLITE_TITLE_TABLE = "zaixian_search_fts_title"
SQLITE_COUNT_TABLE = "zaixian_search_fts_count"
"""The same tokens without positions (FTS5 ``detail=none``, contentless): its doclists are a
fraction of the full table's, so the exact total and the ranking window's bound are read from
it whenever the query needs no positions (no phrase of two or more tokens)."""
POSTGRES_VECTOR_TABLE = "zaixian_search_vector"
RANK_ALL_LIMIT = 1_000
"""Up to this many matches, every match is ranked (bm25 / ts_rank over title and body). Beyond
it, scoring every match costs more than the targets allow (about 1.5 µs a row in FTS5, more
in PostgreSQL, which must decompress each vector), so the ranking is: the documents with every
term in the title (from the small title index, by score), then the newest ``RANK_WINDOW``
matches by score. The total stays exact."""
RANK_WINDOW = 1_000
_TSVECTOR_MAX_POSITION = 16_383
_TSVECTOR_MAX_POSITIONS_PER_LEXEME = 256
POSTGRES_GIN_INDEXES = [
    ("zaixian_search_vector_gin", "vector"),
    ("zaixian_search_title_gin", "title_vector"),
]
POSTGRES_RANK_ALL_LIMIT = 200
POSTGRES_RANK_WINDOW = 200
"""PostgreSQL's limits are lower: ts_rank must fetch and decompress each vector from TOAST
(about 20 µs a row for a 1,000-character article), where FTS5 scores from its doclists."""
SQLITE_TITLE_WEIGHT = 10.0
POSTGRES_RANK_WEIGHTS = "{0.05, 0.1, 0.2, 1.0}"
"""ts_rank weights for D, C, B (body), A (title): a title match outweighs many in the body."""


def tsvector_literal(title_tokens: Sequence[str], body_tokens: Sequence[str]) -> str:
    """A tsvector in PostgreSQL's input syntax: the title tokens at positions 1… with weight A,
    then the body tokens with weight B (what ``setweight(to_tsvector('simple', title), 'A') ||
    setweight(to_tsvector('simple', body), 'B')`` gives for our tokens).

    Our tokens are already what the index wants (lower case, letters and digits only), and
    running them through ``to_tsvector``'s general-purpose parser again made it the slowest
    part of indexing: building the literal here is about three times faster. PostgreSQL keeps
    positions up to 16,383 and 256 of them per lexeme, so the literal does too."""
    positions: dict[str, list[str]] = {}
    tokens = itertools.chain(
        ((token, "A") for token in title_tokens), ((token, "B") for token in body_tokens)
    )
    for position, (token, weight) in enumerate(tokens, start=1):
        found = positions.setdefault(token, [])
        if len(found) < _TSVECTOR_MAX_POSITIONS_PER_LEXEME:
            found.append(f"{min(position, _TSVECTOR_MAX_POSITION)}{weight}")
    return " ".join(
        "'" + token.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(found)
        for token, found in positions.items()
    )


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

    def remove_orphans(self) -> None:
        """Delete full-text rows whose document is gone (after a flush or a bulk delete)."""
        raise NotImplementedError

    @contextmanager
    def bulk_build(self) -> Iterator[None]:
        """Around the writing of a whole index from empty: whatever makes that faster."""
        yield

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


def _merge_tiers(
    title_rows: list[tuple[int, float]], window_rows: list[tuple[int, float]], needed: int
) -> list[tuple[int, float]]:
    """The title tier, then the window's rows not already in it, ``needed`` at most."""
    seen = {row[0] for row in title_rows}
    merged = list(title_rows)
    merged.extend(row for row in window_rows if row[0] not in seen)
    return merged[:needed]


def _delete_sqlite_rows(cursor: Any, ids: Sequence[tuple[int]]) -> None:
    """Delete documents' rows from the three FTS5 tables. The contentless count table can only
    forget a row by being told its tokens again, which the full table still holds, so it goes
    first (a document without rows is skipped: the SELECT finds nothing)."""
    cursor.executemany(
        f"INSERT INTO {SQLITE_COUNT_TABLE} ({SQLITE_COUNT_TABLE}, rowid, title, body) "
        f"SELECT 'delete', rowid, title, body FROM {SQLITE_FTS_TABLE} WHERE rowid = %s",
        ids,
    )
    cursor.executemany(f"DELETE FROM {SQLITE_FTS_TABLE} WHERE rowid = %s", ids)
    cursor.executemany(f"DELETE FROM {SQLITE_TITLE_TABLE} WHERE rowid = %s", ids)


class SQLiteFTS5Backend(SearchBackend):
    @staticmethod
    def write_rows(rows: Sequence[tuple[int, str, str]]) -> None:
        if not rows:
            return
        ids = [(row[0],) for row in rows]
        with connection.cursor() as cursor:
            _delete_sqlite_rows(cursor, ids)
            cursor.executemany(
                f"INSERT INTO {SQLITE_FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", rows
            )
            cursor.executemany(
                f"INSERT INTO {SQLITE_COUNT_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", rows
            )
            cursor.executemany(
                f"INSERT INTO {SQLITE_TITLE_TABLE} (rowid, title) VALUES (%s, %s)",
                [(row[0], row[1]) for row in rows],
            )

    def remove(self, document_ids: list[int]) -> None:
        if not document_ids:
            return
        ids = [(document_id,) for document_id in document_ids]
        with connection.cursor() as cursor:
            _delete_sqlite_rows(cursor, ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SQLITE_COUNT_TABLE} ({SQLITE_COUNT_TABLE}) VALUES ('delete-all')"
            )
            cursor.execute(f"DELETE FROM {SQLITE_FTS_TABLE}")
            cursor.execute(f"DELETE FROM {SQLITE_TITLE_TABLE}")

    def remove_orphans(self) -> None:
        documents = SearchDocument._meta.db_table
        with connection.cursor() as cursor:
            # The count table first: its rows are deleted by repeating the full table's tokens.
            cursor.execute(
                f"INSERT INTO {SQLITE_COUNT_TABLE} ({SQLITE_COUNT_TABLE}, rowid, title, body) "
                f"SELECT 'delete', rowid, title, body FROM {SQLITE_FTS_TABLE} "
                f"WHERE rowid NOT IN (SELECT id FROM {documents})"
            )
            for table in (SQLITE_FTS_TABLE, SQLITE_TITLE_TABLE):
                cursor.execute(
                    f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM {documents})"
                )

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
        expression = rules.fts5_expression(query)

        def matching(table: str) -> tuple[str, list[Any]]:
            """FROM … WHERE … of the documents matching in ``table``, filters applied."""
            source = table
            if needs_join:
                source += f" JOIN zaixian_search_searchdocument d ON d.id = {table}.rowid"
            where = " AND ".join([f"{table} MATCH %s", *clauses])
            return f"{source} WHERE {where}", [expression, *params]

        fts, fts_params = matching(SQLITE_FTS_TABLE)
        # Counting and the window's bound need no positions unless a phrase must be checked.
        count_table = SQLITE_COUNT_TABLE if rules.is_position_free(query) else SQLITE_FTS_TABLE
        counted, counted_params = matching(count_table)
        bm25 = f"bm25({SQLITE_FTS_TABLE}, {SQLITE_TITLE_WEIGHT}, 1.0)"
        needed = offset + limit
        with connection.cursor() as cursor:
            # The exact total: a count walks the doclists without scoring.
            cursor.execute(f"SELECT count(*) FROM {counted}", counted_params)
            total = cursor.fetchone()[0]
            if offset >= total:
                return RankedIds(ids=[], total=total)
            if order == "date":
                cursor.execute(
                    f"SELECT {SQLITE_FTS_TABLE}.rowid, 0.0 FROM {fts} "
                    "ORDER BY d.published_at DESC, d.id DESC LIMIT %s OFFSET %s",
                    [*fts_params, limit, offset],
                )
                rows = cursor.fetchall()
            elif total <= RANK_ALL_LIMIT:
                # bm25 in the FTS query itself: scored from the doclists, top rows kept.
                cursor.execute(
                    f"SELECT {SQLITE_FTS_TABLE}.rowid, {bm25} AS score FROM {fts} "
                    f"ORDER BY score, {SQLITE_FTS_TABLE}.rowid DESC LIMIT %s OFFSET %s",
                    [*fts_params, limit, offset],
                )
                rows = cursor.fetchall()
            else:
                titles, title_params = matching(SQLITE_TITLE_TABLE)
                cursor.execute(
                    f"SELECT {SQLITE_TITLE_TABLE}.rowid, bm25({SQLITE_TITLE_TABLE}) AS score "
                    f"FROM {titles} ORDER BY score, {SQLITE_TITLE_TABLE}.rowid DESC LIMIT %s",
                    [*title_params, needed],
                )
                title_rows = cursor.fetchall()
                window_rows: list[tuple[int, float]] = []
                if len(title_rows) < needed:
                    # FTS5 walks doclists in rowid order, so the window's oldest row is found
                    # without scoring; the rowid bound is then pushed into FTS5.
                    cursor.execute(
                        f"SELECT {count_table}.rowid FROM {counted} "
                        f"ORDER BY {count_table}.rowid DESC LIMIT 1 OFFSET %s",
                        [*counted_params, RANK_WINDOW - 1],
                    )
                    oldest = cursor.fetchone()
                    bound = oldest[0] if oldest else 0  # fewer matches than the window
                    cursor.execute(
                        f"SELECT {SQLITE_FTS_TABLE}.rowid, {bm25} AS score FROM {fts} "
                        f"AND {SQLITE_FTS_TABLE}.rowid >= %s "
                        f"ORDER BY score, {SQLITE_FTS_TABLE}.rowid DESC LIMIT %s",
                        [*fts_params, bound, needed + len(title_rows)],
                    )
                    window_rows = cursor.fetchall()
                rows = _merge_tiers(title_rows, window_rows, needed)[offset:]
        return RankedIds(
            ids=[row[0] for row in rows],
            total=total,
            scores={row[0]: -row[1] for row in rows},
        )


class PostgresBackend(SearchBackend):
    """The vectors live in a narrow table of their own (document id, title vector, whole
    vector) with GIN indexes, so counting and ranking never read the documents' wide rows."""

    @staticmethod
    def write_rows(rows: Sequence[tuple[int, str, str]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {POSTGRES_VECTOR_TABLE} (document_id, title_vector, vector) "
                "VALUES (%s, %s::tsvector, %s::tsvector) "
                "ON CONFLICT (document_id) DO UPDATE SET "
                "title_vector = EXCLUDED.title_vector, vector = EXCLUDED.vector",
                [
                    (
                        pk,
                        tsvector_literal(title.split(), []),
                        tsvector_literal(title.split(), body.split()),
                    )
                    for pk, title, body in rows
                ],
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

    def remove_orphans(self) -> None:
        documents = SearchDocument._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {POSTGRES_VECTOR_TABLE} v WHERE NOT EXISTS "
                f"(SELECT 1 FROM {documents} d WHERE d.id = v.document_id)"
            )

    @contextmanager
    def bulk_build(self) -> Iterator[None]:
        """Without the GIN indexes while loading, then built once: one sorted build is several
        times faster than maintaining them row by row. Searches meanwhile are correct but
        slow (no index), so this is for building an index from empty."""
        with connection.cursor() as cursor:
            for name, _column in POSTGRES_GIN_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                # Deferred foreign-key checks must run before an index can be built.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET maintenance_work_mem = '256MB'")
                for name, column in POSTGRES_GIN_INDEXES:
                    cursor.execute(
                        f"CREATE INDEX IF NOT EXISTS {name} ON {POSTGRES_VECTOR_TABLE} "
                        f"USING gin ({column})"
                    )
                # VACUUM marks pages all-visible, so counts skip the heap; it cannot run in a
                # transaction, where fresh statistics are the most that can be had.
                analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
                cursor.execute(f"{analyze} {POSTGRES_VECTOR_TABLE}")

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
        expression = rules.tsquery_expression(query)

        def matching(column: str) -> tuple[str, list[Any]]:
            # The query is built from our own tokens in tsquery syntax, so it is cast, not
            # parsed again: the lexemes are then exactly those of ``tsvector_literal``.
            source = f"{POSTGRES_VECTOR_TABLE} v, CAST(%s AS tsquery) AS q(query)"
            where = [f"v.{column} @@ q.query", *clauses]
            if needs_join:
                source += ", zaixian_search_searchdocument d"
                where.insert(0, "d.id = v.document_id")
            return f"{source} WHERE {' AND '.join(where)}", [expression, *params]

        matches, match_params = matching("vector")
        ts_rank = f"ts_rank('{POSTGRES_RANK_WEIGHTS}', v.vector, q.query)"
        needed = offset + limit
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {matches}", match_params)
            total = cursor.fetchone()[0]
            if offset >= total:
                return RankedIds(ids=[], total=total)
            if order == "date":
                cursor.execute(
                    f"SELECT v.document_id, 0.0 FROM {matches} "
                    # "+ 0": never walk the date index and test each row's vector (which
                    # means reading it from TOAST) until enough match; find the matches first.
                    "ORDER BY d.published_at + interval '0 s' DESC, d.id + 0 DESC "
                    "LIMIT %s OFFSET %s",
                    [*match_params, limit, offset],
                )
                rows = cursor.fetchall()
            elif total <= POSTGRES_RANK_ALL_LIMIT:
                cursor.execute(
                    f"SELECT v.document_id, {ts_rank} AS score FROM {matches} "
                    "ORDER BY score DESC, v.document_id DESC LIMIT %s OFFSET %s",
                    [*match_params, limit, offset],
                )
                rows = cursor.fetchall()
            else:
                titles, title_params = matching("title_vector")
                cursor.execute(
                    f"SELECT v.document_id, ts_rank(v.title_vector, q.query) AS score "
                    f"FROM {titles} ORDER BY score DESC, v.document_id DESC LIMIT %s",
                    [*title_params, needed],
                )
                title_rows = cursor.fetchall()
                window_rows: list[tuple[int, float]] = []
                if len(title_rows) < needed:
                    # The newest RANK_WINDOW matches by id (the vectors stay unread), then
                    # ts_rank reads only theirs.
                    cursor.execute(
                        f"SELECT w.document_id, ts_rank('{POSTGRES_RANK_WEIGHTS}', x.vector, "
                        f"w.query) AS score FROM (SELECT v.document_id, q.query FROM {matches} "
                        # "+ 0" keeps the planner from walking the primary key backwards and
                        # reading each row's vector until enough match (100 ms and more).
                        "ORDER BY v.document_id + 0 DESC LIMIT %s) AS w "
                        f"JOIN {POSTGRES_VECTOR_TABLE} x ON x.document_id = w.document_id "
                        "ORDER BY score DESC, w.document_id DESC LIMIT %s",
                        [*match_params, POSTGRES_RANK_WINDOW, needed + len(title_rows)],
                    )
                    window_rows = cursor.fetchall()
                rows = _merge_tiers(title_rows, window_rows, needed)[offset:]
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
