"""The full-text index behind one interface, chosen by the database vendor: SQLite FTS5
(the embedded default) or PostgreSQL full text with a GIN index.

Both index the same token stream (``zaixian.core.text.index_text``: jieba words, then
character bigrams) and take the same ``ParsedQuery``; only the SQL differs. A search reads the
full-text index alone: the exact total (a count, no scoring), then the ranked page in tiers
(see ``SearchBackend.rank`` and docs/adr/0004-search-ranking-on-title-and-lead.md). Documents
are read only for the page's ten rows, by the caller.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
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
SQLITE_LEAD_TABLE = "zaixian_search_fts_lead"
"""Title and lead (the body's first sentences, ``lead_text``): ranking reads this small table,
whose position lists are a fraction of the full table's (see ``SearchBackend.rank``)."""
SQLITE_COUNT_TABLE = "zaixian_search_fts_count"
"""The same tokens without positions (FTS5 ``detail=none``, contentless): its doclists are a
fraction of the full table's, so the exact total and the ranking window's bound are read from
it whenever the query needs no positions (no phrase of two or more tokens)."""
TERM_BITS_TABLE = "zaixian_search_term_bits"
"""For each common term (in at least ``COMMON_TERM_MIN_SHARE`` of the documents), the
set of documents containing it as a bitmap (bit ``n`` for document id ``n``), kept exact by every
index write. The total of a query whose terms are all common is then the population count of
the bitmaps' AND: microseconds, where FTS5 walks two doclists of tens of thousands of entries
(1–8 ms at 200,000 documents) and PostgreSQL rechecks as many heap rows after its GIN
bitmap scan (tens of milliseconds). Which terms are tracked is decided by ``refresh_term_bits``
(nightly, and after a bulk build); an untracked term simply counts through FTS5."""
COMMON_TERM_MIN_SHARE = 0.02
COMMON_TERM_MIN_DOCS = 1_000
"""A term is tracked when it occurs in this share of the documents and at least this many:
below that FTS5 counts it quickly, and every tracked term costs a bitmap of (highest id / 8)
bytes and a little work on every index write of a document containing it."""
_term_bits_deferred: ContextVar[bool] = ContextVar(
    "zaixian_search_term_bits_deferred", default=False
)
POSTGRES_VECTOR_TABLE = "zaixian_search_vector"
RANK_WINDOW = 200
"""The lead tier ranks at most the newest this many documents with every term in the title and
lead; older ones follow newest first. A pair of common words can have tens of thousands such
documents, and at 200,000 documents FTS5's bm25 cost about 3 µs a row on top of a fixed walk
(1,000 rows: lead tier p95 5.4 ms CPU; 200 rows: 2.6 ms). The same window as PostgreSQL's,
so a query ranks alike on both. The title tier (all terms in the title) is not windowed."""
LEAD_CHARS = 200
"""The lead is the body up to the end of the sentence in which this character falls: where a
news article says what it is about (the inverted pyramid)."""
LEAD_MAX_CHARS = 400
"""…but never longer than this (a body without sentence ends)."""
_SENTENCE_ENDS = frozenset("。！？!?\n")
_TSVECTOR_MAX_POSITION = 16_383
_TSVECTOR_MAX_POSITIONS_PER_LEXEME = 256
POSTGRES_GIN_INDEXES = [
    ("zaixian_search_vector_gin", "vector"),
    ("zaixian_search_title_gin", "title_vector"),
    ("zaixian_search_lead_gin", "lead_vector"),
]
POSTGRES_RANK_WINDOW = RANK_WINDOW
"""PostgreSQL's lead window: ts_rank decompresses each lead vector (inline, lz4) and is several
times slower a row than FTS5's bm25, which is what set the shared window at 200."""
SQLITE_TITLE_WEIGHT = 10.0
POSTGRES_RANK_WEIGHTS = "{0.05, 0.1, 0.2, 1.0}"
"""ts_rank weights for D, C, B (lead or body), A (title): a title match outweighs many in the
lead."""


def lead_text(body: str) -> str:
    """The body's lead: up to the end of the sentence in which character ``LEAD_CHARS`` falls,
    at most ``LEAD_MAX_CHARS``. Neither jieba nor the bigrams cross a sentence end, so the lead's
    tokens are those of its sentences in the whole body."""
    if len(body) <= LEAD_CHARS:
        return body
    for position in range(LEAD_CHARS - 1, min(len(body), LEAD_MAX_CHARS)):
        if body[position] in _SENTENCE_ENDS:
            return body[: position + 1]
    return body[:LEAD_MAX_CHARS]


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


IndexRow = tuple[int, str, str, str]
"""What a backend writes for a document: its id, then the tokens of its title, body and lead."""


def index_texts(*, title: str, body: str) -> tuple[str, str, str]:
    """The token strings a backend stores for a document's title, body and lead."""
    return (
        zh_text.index_text(title),
        zh_text.index_text(body[:MAX_INDEXED_BODY_CHARS]),
        zh_text.index_text(lead_text(body)),
    )


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
    def write_rows(rows: Sequence[IndexRow]) -> None:
        """Write (document id, title, body and lead tokens) rows, replacing existing ones.
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
        """The exact total, then the rows ``offset`` to ``offset + limit`` in this order.

        By date: newest first. By relevance, in three tiers, no document twice:
        1. every term in the title, by score over the title index;
        2. every term in the title and lead, by score over the lead index (the title weighted
           well above the lead), among the newest ``RANK_WINDOW`` such documents;
        3. every other match, newest (highest id) first.
        The body beyond the lead is matched and counted but not scored: that scoring read
        whole position lists of common words and cost several times the targets (ADR 0004).
        Only the tiers needed to fill the page are read."""
        needed = offset + limit
        with connection.cursor() as cursor:
            search = self.prepare(cursor, query, filters=filters, order=order)
            total = search.count()
            if offset >= total:
                return RankedIds(ids=[], total=total)
            if order == "date":
                rows = search.by_date(limit=limit, offset=offset)
            else:
                rows = []
                seen: set[int] = set()
                for tier in (search.title_tier, search.lead_tier, search.newest):
                    if len(rows) >= needed:
                        break
                    # Every row already taken may come again in a later tier.
                    for row in tier(limit=needed + len(rows)):
                        if row[0] not in seen:
                            seen.add(row[0])
                            rows.append(row)
                rows = rows[offset:needed]
        return RankedIds(
            ids=[row[0] for row in rows],
            total=total,
            scores={row[0]: float(row[1]) for row in rows},
        )

    def prepare(
        self, cursor: Any, query: rules.ParsedQuery, *, filters: SearchFilters, order: str
    ) -> _Search:
        raise NotImplementedError

    @staticmethod
    def field_texts(document: SearchDocument) -> tuple[str, str, str]:
        return index_texts(title=document.title, body=document.body)


Row = tuple[int, float]


class _Search:
    """The statements of one search (backend SQL for ``SearchBackend.rank``'s steps)."""

    def __init__(
        self, cursor: Any, query: rules.ParsedQuery, *, filters: SearchFilters, order: str
    ) -> None:
        self.cursor = cursor
        self.query = query
        self.clauses, self.params = filters.where("d")
        self.needs_join = bool(self.clauses) or order == "date"

    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        self.cursor.execute(sql, params)
        return [(row[0], row[1]) for row in self.cursor.fetchall()]

    def count(self) -> int:
        raise NotImplementedError

    def by_date(self, *, limit: int, offset: int) -> list[Row]:
        raise NotImplementedError

    def title_tier(self, *, limit: int) -> list[Row]:
        raise NotImplementedError

    def lead_tier(self, *, limit: int) -> list[Row]:
        raise NotImplementedError

    def newest(self, *, limit: int) -> list[Row]:
        raise NotImplementedError


def _delete_sqlite_rows(cursor: Any, ids: Sequence[tuple[int]]) -> None:
    """Delete documents' rows from the four FTS5 tables. The contentless count table can only
    forget a row by being told its tokens again, which the full table still holds, so it goes
    first (a document without rows is skipped: the SELECT finds nothing)."""
    cursor.executemany(
        f"INSERT INTO {SQLITE_COUNT_TABLE} ({SQLITE_COUNT_TABLE}, rowid, title, body) "
        f"SELECT 'delete', rowid, title, body FROM {SQLITE_FTS_TABLE} WHERE rowid = %s",
        ids,
    )
    for table in (SQLITE_FTS_TABLE, SQLITE_TITLE_TABLE, SQLITE_LEAD_TABLE):
        cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", ids)


class _SQLiteSearch(_Search):
    def __init__(
        self, cursor: Any, query: rules.ParsedQuery, *, filters: SearchFilters, order: str
    ) -> None:
        super().__init__(cursor, query, filters=filters, order=order)
        self.expression = rules.fts5_expression(query)
        # Counting, dates and the newest matches need no positions unless a phrase must be
        # checked: then the position-free table does.
        is_position_free = rules.is_position_free(query)
        self.count_table = SQLITE_COUNT_TABLE if is_position_free else SQLITE_FTS_TABLE

    def matching(self, table: str) -> tuple[str, list[Any]]:
        """FROM … WHERE … of the documents matching in ``table``, filters applied."""
        source = table
        if self.needs_join:
            source += f" JOIN zaixian_search_searchdocument d ON d.id = {table}.rowid"
        where = " AND ".join([f"{table} MATCH %s", *self.clauses])
        return f"{source} WHERE {where}", [self.expression, *self.params]

    def count(self) -> int:
        tokens = rules.conjunction_tokens(self.query)
        if tokens and not self.clauses:
            counted_by_bits = _count_by_term_bits(self.cursor, tokens)
            if counted_by_bits is not None:
                return counted_by_bits
        counted, params = self.matching(self.count_table)
        self.cursor.execute(f"SELECT count(*) FROM {counted}", params)
        return int(self.cursor.fetchone()[0])

    def by_date(self, *, limit: int, offset: int) -> list[Row]:
        table = self.count_table
        counted, params = self.matching(table)
        return self.fetch(
            f"SELECT {table}.rowid, 0.0 FROM {counted} "
            "ORDER BY d.published_at DESC, d.id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )

    def title_tier(self, *, limit: int) -> list[Row]:
        table = SQLITE_TITLE_TABLE
        titles, params = self.matching(table)
        return self.fetch(
            f"SELECT {table}.rowid, -bm25({table}) AS score FROM {titles} "
            f"ORDER BY score DESC, {table}.rowid DESC LIMIT %s",
            [*params, limit],
        )

    def lead_tier(self, *, limit: int) -> list[Row]:
        table = SQLITE_LEAD_TABLE
        leads, params = self.matching(table)
        # FTS5 walks doclists in rowid order, so the window's oldest row is found without
        # scoring; the rowid bound is then pushed into FTS5.
        self.cursor.execute(
            f"SELECT {table}.rowid FROM {leads} ORDER BY {table}.rowid DESC LIMIT 1 OFFSET %s",
            [*params, RANK_WINDOW - 1],
        )
        oldest = self.cursor.fetchone()
        bound = oldest[0] if oldest else 0  # fewer matches than the window
        return self.fetch(
            f"SELECT {table}.rowid, -bm25({table}, {SQLITE_TITLE_WEIGHT}, 1.0) AS score "
            f"FROM {leads} AND {table}.rowid >= %s "
            f"ORDER BY score DESC, {table}.rowid DESC LIMIT %s",
            [*params, bound, limit],
        )

    def newest(self, *, limit: int) -> list[Row]:
        table = self.count_table
        counted, params = self.matching(table)
        return self.fetch(
            f"SELECT {table}.rowid, 0.0 FROM {counted} ORDER BY {table}.rowid DESC LIMIT %s",
            [*params, limit],
        )


def _count_by_term_bits(cursor: Any, tokens: Sequence[str]) -> int | None:
    """The number of documents containing every token, from the tokens' bitmaps; None when
    one of them is not tracked."""
    tokens = tuple(dict.fromkeys(tokens))
    placeholders = ", ".join(["%s"] * len(tokens))
    cursor.execute(
        f"SELECT bits FROM {TERM_BITS_TABLE} WHERE term IN ({placeholders})",
        list(tokens),
    )
    found = cursor.fetchall()
    if len(found) != len(tokens):
        return None
    common = -1  # every bit set
    for (bits,) in found:
        common &= int.from_bytes(bits, "little")
    return common.bit_count()


def _tracked_terms(cursor: Any) -> set[str]:
    cursor.execute(f"SELECT term FROM {TERM_BITS_TABLE}")
    return {row[0] for row in cursor.fetchall()}


def _token_sets(rows: Iterable[tuple[int, str, str]], tracked: set[str]) -> dict[int, set[str]]:
    """Each document's tracked tokens, from its title and body token strings."""
    return {pk: (set(title.split()) | set(body.split())) & tracked for pk, title, body in rows}


def _update_term_bits(
    cursor: Any, tracked: set[str], old: dict[int, set[str]], new: dict[int, set[str]]
) -> None:
    """Set and clear the bits of documents whose tracked tokens changed from ``old`` to
    ``new`` (documents missing from ``new`` were removed). One read and one write per term."""
    changes: dict[str, tuple[list[int], list[int]]] = {}
    for pk in old.keys() | new.keys():
        before, after = old.get(pk, set()), new.get(pk, set())
        for term in after - before:
            changes.setdefault(term, ([], []))[0].append(pk)
        for term in before - after:
            changes.setdefault(term, ([], []))[1].append(pk)
    for term, (added, removed) in changes.items():
        cursor.execute(f"SELECT bits FROM {TERM_BITS_TABLE} WHERE term = %s", [term])
        row = cursor.fetchone()
        if row is None:  # untracked meanwhile
            continue
        bits = bytearray(row[0])
        highest = max(added, default=0)
        if highest // 8 >= len(bits):
            bits.extend(bytes(highest // 8 + 1 - len(bits)))
        for pk in added:
            bits[pk >> 3] |= 1 << (pk & 7)
        for pk in removed:
            if pk >> 3 < len(bits):
                bits[pk >> 3] &= ~(1 << (pk & 7)) & 0xFF
        cursor.execute(
            f"UPDATE {TERM_BITS_TABLE} SET bits = %s WHERE term = %s", [bytes(bits), term]
        )


def _old_token_rows(cursor: Any, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    rows: list[tuple[int, str, str]] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        placeholders = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"SELECT rowid, title, body FROM {SQLITE_FTS_TABLE} WHERE rowid IN ({placeholders})",
            chunk,
        )
        rows += cursor.fetchall()
    return rows


def refresh_term_bits(*, min_share: float | None = None, min_docs: int | None = None) -> int:
    """Track exactly the terms now common enough, rebuilding their bitmaps from the index.
    Returns how many terms are tracked."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT count(*) FROM {SQLITE_FTS_TABLE}")
        else:
            cursor.execute(f"SELECT count(*) FROM {POSTGRES_VECTOR_TABLE}")
        documents = int(cursor.fetchone()[0])
        share = COMMON_TERM_MIN_SHARE if min_share is None else min_share
        threshold = max(
            COMMON_TERM_MIN_DOCS if min_docs is None else min_docs, int(documents * share)
        )
        terms = (
            _common_sqlite_terms(cursor, threshold)
            if connection.vendor == "sqlite"
            else _common_postgres_terms(cursor, threshold)
        )
        cursor.execute(f"DELETE FROM {TERM_BITS_TABLE}")
        for term in terms:
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"SELECT rowid FROM {SQLITE_COUNT_TABLE} WHERE {SQLITE_COUNT_TABLE} MATCH %s",
                    ['"' + term + '"'],
                )
            else:
                cursor.execute(
                    f"SELECT document_id FROM {POSTGRES_VECTOR_TABLE} "
                    "WHERE vector @@ CAST(%s AS tsquery)",
                    [_tsquery_lexeme(term)],
                )
            ids = [row[0] for row in cursor.fetchall()]
            bits = bytearray(max(ids, default=0) // 8 + 1)
            for pk in ids:
                bits[pk >> 3] |= 1 << (pk & 7)
            cursor.execute(
                f"INSERT INTO {TERM_BITS_TABLE} (term, bits) VALUES (%s, %s)",
                [term, bytes(bits)],
            )
    return len(terms)


def _common_sqlite_terms(cursor: Any, threshold: int) -> list[str]:
    cursor.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.zaixian_search_vocab "
        f"USING fts5vocab(main, {SQLITE_COUNT_TABLE}, 'row')"
    )
    cursor.execute("SELECT term FROM temp.zaixian_search_vocab WHERE doc >= %s", [threshold])
    terms = [row[0] for row in cursor.fetchall()]
    cursor.execute("DROP TABLE temp.zaixian_search_vocab")
    return terms


def _common_postgres_terms(cursor: Any, threshold: int) -> list[str]:
    # ts_stat reads every vector once: a nightly job's cost, not a query's.
    cursor.execute(
        f"SELECT word FROM ts_stat('SELECT vector FROM {POSTGRES_VECTOR_TABLE}') WHERE ndoc >= %s",
        [threshold],
    )
    return [row[0] for row in cursor.fetchall()]


def _tsquery_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _old_postgres_token_rows(cursor: Any, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """Documents' indexed tokens as they are before a write (title and body tokens together:
    a bitmap tracks a term anywhere in the document)."""
    cursor.execute(
        "SELECT document_id, '', array_to_string(tsvector_to_array(vector), ' ') "
        f"FROM {POSTGRES_VECTOR_TABLE} WHERE document_id = ANY(%s)",
        [list(ids)],
    )
    return [(row[0], row[1], row[2]) for row in cursor.fetchall()]


@contextmanager
def deferred_term_bits() -> Iterator[None]:
    """Around many index writes (a rebuild, generated articles): nothing is tracked meanwhile
    (totals come from FTS5, exact), and the bitmaps are built once at the end, instead of
    every tracked term's bitmap being rewritten for each batch."""
    if connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TERM_BITS_TABLE}")
    token = _term_bits_deferred.set(True)
    try:
        yield
    finally:
        _term_bits_deferred.reset(token)
        refresh_term_bits()


class SQLiteFTS5Backend(SearchBackend):
    @staticmethod
    def write_rows(rows: Sequence[IndexRow]) -> None:
        if not rows:
            return
        ids = [(row[0],) for row in rows]
        with connection.cursor() as cursor:
            tracked = set() if _term_bits_deferred.get() else _tracked_terms(cursor)
            if tracked:
                old = _token_sets(_old_token_rows(cursor, [row[0] for row in rows]), tracked)
            _delete_sqlite_rows(cursor, ids)
            full_rows = [(pk, title, body) for pk, title, body, _lead in rows]
            cursor.executemany(
                f"INSERT INTO {SQLITE_FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
                full_rows,
            )
            cursor.executemany(
                f"INSERT INTO {SQLITE_COUNT_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
                full_rows,
            )
            cursor.executemany(
                f"INSERT INTO {SQLITE_TITLE_TABLE} (rowid, title) VALUES (%s, %s)",
                [(pk, title) for pk, title, _body, _lead in rows],
            )
            cursor.executemany(
                f"INSERT INTO {SQLITE_LEAD_TABLE} (rowid, title, lead) VALUES (%s, %s, %s)",
                [(pk, title, lead) for pk, title, _body, lead in rows],
            )
            if tracked:
                new = _token_sets(((pk, t, b) for pk, t, b, _lead in rows), tracked)
                _update_term_bits(cursor, tracked, old, new)

    def remove(self, document_ids: list[int]) -> None:
        if not document_ids:
            return
        ids = [(document_id,) for document_id in document_ids]
        with connection.cursor() as cursor:
            tracked = set() if _term_bits_deferred.get() else _tracked_terms(cursor)
            if tracked:
                old = _token_sets(_old_token_rows(cursor, document_ids), tracked)
                _update_term_bits(cursor, tracked, old, {})
            _delete_sqlite_rows(cursor, ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SQLITE_COUNT_TABLE} ({SQLITE_COUNT_TABLE}) VALUES ('delete-all')"
            )
            for table in (SQLITE_FTS_TABLE, SQLITE_TITLE_TABLE, SQLITE_LEAD_TABLE):
                cursor.execute(f"DELETE FROM {table}")
            # Nothing is common in an empty index: counts go to FTS5 until the next refresh.
            cursor.execute(f"DELETE FROM {TERM_BITS_TABLE}")

    @contextmanager
    def bulk_build(self) -> Iterator[None]:
        with deferred_term_bits():
            yield

    def remove_orphans(self) -> None:
        documents = SearchDocument._meta.db_table
        with connection.cursor() as cursor:
            # The count table first: its rows are deleted by repeating the full table's tokens.
            cursor.execute(
                f"INSERT INTO {SQLITE_COUNT_TABLE} ({SQLITE_COUNT_TABLE}, rowid, title, body) "
                f"SELECT 'delete', rowid, title, body FROM {SQLITE_FTS_TABLE} "
                f"WHERE rowid NOT IN (SELECT id FROM {documents})"
            )
            for table in (SQLITE_FTS_TABLE, SQLITE_TITLE_TABLE, SQLITE_LEAD_TABLE):
                cursor.execute(
                    f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM {documents})"
                )
        refresh_term_bits()

    def prepare(
        self, cursor: Any, query: rules.ParsedQuery, *, filters: SearchFilters, order: str
    ) -> _Search:
        return _SQLiteSearch(cursor, query, filters=filters, order=order)


class _PostgresSearch(_Search):
    def __init__(
        self, cursor: Any, query: rules.ParsedQuery, *, filters: SearchFilters, order: str
    ) -> None:
        super().__init__(cursor, query, filters=filters, order=order)
        self.expression = rules.tsquery_expression(query)

    def matching(self, column: str) -> tuple[str, list[Any]]:
        # The query is built from our own tokens in tsquery syntax, so it is cast, not
        # parsed again: the lexemes are then exactly those of ``tsvector_literal``.
        source = f"{POSTGRES_VECTOR_TABLE} v, CAST(%s AS tsquery) AS q(query)"
        where = [f"v.{column} @@ q.query", *self.clauses]
        if self.needs_join:
            source += ", zaixian_search_searchdocument d"
            where.insert(0, "d.id = v.document_id")
        return f"{source} WHERE {' AND '.join(where)}", [self.expression, *self.params]

    def count(self) -> int:
        tokens = rules.conjunction_tokens(self.query)
        if tokens and not self.clauses:
            counted_by_bits = _count_by_term_bits(self.cursor, tokens)
            if counted_by_bits is not None:
                return counted_by_bits
        matches, params = self.matching("vector")
        self.cursor.execute(f"SELECT count(*) FROM {matches}", params)
        return int(self.cursor.fetchone()[0])

    def by_date(self, *, limit: int, offset: int) -> list[Row]:
        matches, params = self.matching("vector")
        return self.fetch(
            f"SELECT v.document_id, 0.0 FROM {matches} "
            # "+ 0": never walk the date index and test each row's vector (which means
            # reading it from TOAST) until enough match; find the matches first.
            "ORDER BY d.published_at + interval '0 s' DESC, d.id + 0 DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )

    def title_tier(self, *, limit: int) -> list[Row]:
        titles, params = self.matching("title_vector")
        return self.fetch(
            f"SELECT v.document_id, ts_rank(v.title_vector, q.query) AS score FROM {titles} "
            "ORDER BY score DESC, v.document_id DESC LIMIT %s",
            [*params, limit],
        )

    def lead_tier(self, *, limit: int) -> list[Row]:
        leads, params = self.matching("lead_vector")
        return self.fetch(
            f"SELECT w.document_id, ts_rank('{POSTGRES_RANK_WEIGHTS}', w.lead_vector, w.query) "
            f"AS score FROM (SELECT v.document_id, v.lead_vector, q.query FROM {leads} "
            # "+ 0" keeps the planner from walking the primary key backwards and testing
            # each row until enough match; the GIN index finds them all first.
            "ORDER BY v.document_id + 0 DESC LIMIT %s) AS w "
            "ORDER BY score DESC, w.document_id DESC LIMIT %s",
            [*params, POSTGRES_RANK_WINDOW, limit],
        )

    def newest(self, *, limit: int) -> list[Row]:
        matches, params = self.matching("vector")
        return self.fetch(
            f"SELECT v.document_id, 0.0 FROM {matches} ORDER BY v.document_id + 0 DESC LIMIT %s",
            [*params, limit],
        )


class PostgresBackend(SearchBackend):
    """The vectors live in a narrow table of their own (document id, whole vector, title
    vector, title-and-lead vector) with GIN indexes, so counting and ranking never read the
    documents' wide rows. The small vectors are stored inline (``STORAGE MAIN``): ranking
    reads no TOAST."""

    @staticmethod
    def write_rows(rows: Sequence[IndexRow]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            tracked = set() if _term_bits_deferred.get() else _tracked_terms(cursor)
            if tracked:
                old = _token_sets(
                    _old_postgres_token_rows(cursor, [row[0] for row in rows]), tracked
                )
            cursor.executemany(
                f"INSERT INTO {POSTGRES_VECTOR_TABLE} "
                "(document_id, title_vector, lead_vector, vector) "
                "VALUES (%s, %s::tsvector, %s::tsvector, %s::tsvector) "
                "ON CONFLICT (document_id) DO UPDATE SET "
                "title_vector = EXCLUDED.title_vector, lead_vector = EXCLUDED.lead_vector, "
                "vector = EXCLUDED.vector",
                [
                    (
                        pk,
                        tsvector_literal(title.split(), []),
                        tsvector_literal(title.split(), lead.split()),
                        tsvector_literal(title.split(), body.split()),
                    )
                    for pk, title, body, lead in rows
                ],
            )
            if tracked:
                new = _token_sets(((pk, t, b) for pk, t, b, _lead in rows), tracked)
                _update_term_bits(cursor, tracked, old, new)

    def remove(self, document_ids: list[int]) -> None:
        if not document_ids:
            return
        with connection.cursor() as cursor:
            tracked = set() if _term_bits_deferred.get() else _tracked_terms(cursor)
            if tracked:
                old = _token_sets(_old_postgres_token_rows(cursor, document_ids), tracked)
                _update_term_bits(cursor, tracked, old, {})
            cursor.execute(
                f"DELETE FROM {POSTGRES_VECTOR_TABLE} WHERE document_id = ANY(%s)",
                [list(document_ids)],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {POSTGRES_VECTOR_TABLE}")
            # Nothing is common in an empty index: counts go to the GIN index until a refresh.
            cursor.execute(f"DELETE FROM {TERM_BITS_TABLE}")

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
        slow (no index), so this is for building an index from empty. The common terms'
        bitmaps are built last, with the indexes' help."""
        with deferred_term_bits(), self._without_gin_indexes():
            yield

    @staticmethod
    @contextmanager
    def _without_gin_indexes() -> Iterator[None]:
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

    def prepare(
        self, cursor: Any, query: rules.ParsedQuery, *, filters: SearchFilters, order: str
    ) -> _Search:
        return _PostgresSearch(cursor, query, filters=filters, order=order)


def get_backend() -> SearchBackend:
    """The backend for the default database connection."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteFTS5Backend()
    raise NotImplementedError(f"Full-text search is not implemented for {connection.vendor}")
