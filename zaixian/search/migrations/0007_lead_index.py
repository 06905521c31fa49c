"""A small full-text index of each document's title and lead (the body's first sentences,
``backends.lead_text``) that relevance ranking reads instead of the whole body: an FTS5 table
on SQLite, a ``lead_vector`` column stored inline (``STORAGE MAIN``, lz4) with its own GIN index
on PostgreSQL. See docs/adr/0004-search-ranking-on-title-and-lead.md.

Filled by segmenting the stored title and lead of every indexed document (about half a
millisecond a document), so no ``rebuild_search_index`` run is needed after upgrading."""

from django.db import migrations

from zaixian.core import text as zh_text
from zaixian.search.backends import lead_text, tsvector_literal

BATCH = 500

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE zaixian_search_fts_lead USING fts5("
    'title, lead, tokenize = "unicode61 remove_diacritics 0")',
]
SQLITE_OPTIMIZE = (
    "INSERT INTO zaixian_search_fts_lead (zaixian_search_fts_lead) VALUES ('optimize')"
)
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS zaixian_search_fts_lead"]
POSTGRES_FORWARD = [
    "ALTER TABLE zaixian_search_vector ADD COLUMN lead_vector tsvector",
    "ALTER TABLE zaixian_search_vector ALTER COLUMN lead_vector SET STORAGE MAIN",
    "ALTER TABLE zaixian_search_vector ALTER COLUMN lead_vector SET COMPRESSION lz4",
    "ALTER TABLE zaixian_search_vector ALTER COLUMN title_vector SET STORAGE MAIN",
]
POSTGRES_GIN_INDEXES = [
    ("zaixian_search_vector_gin", "vector"),
    ("zaixian_search_title_gin", "title_vector"),
    ("zaixian_search_lead_gin", "lead_vector"),
]
"""Every row is rewritten, and a rewritten row gets new entries in every GIN index (about 950
for the whole vector): dropping them and building them once afterwards is much faster on a
large index (the row-by-row way took more than half an hour for 200,000 documents)."""
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS zaixian_search_lead_gin",
    "ALTER TABLE zaixian_search_vector DROP COLUMN IF EXISTS lead_vector",
]
SQLITE_INSERT = "INSERT INTO zaixian_search_fts_lead (rowid, title, lead) VALUES (%s, %s, %s)"
POSTGRES_UPDATE = (
    "UPDATE zaixian_search_vector SET lead_vector = %s::tsvector WHERE document_id = %s"
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
        indexed = "SELECT rowid FROM zaixian_search_fts"
    elif vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
        for name, _column in POSTGRES_GIN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        indexed = "SELECT document_id FROM zaixian_search_vector"
    else:
        return
    SearchDocument = apps.get_model("zaixian_search", "SearchDocument")
    with schema_editor.connection.cursor() as cursor:
        # Only documents that have full-text rows get lead rows, as the writer would do.
        cursor.execute(indexed)
        ids = {row[0] for row in cursor.fetchall()}
        documents = SearchDocument.objects.order_by("pk").values_list("pk", "title", "body")
        rows = []
        for pk, title, body in documents.iterator(chunk_size=BATCH):
            if pk not in ids:
                continue
            title_tokens = zh_text.index_text(title)
            lead_tokens = zh_text.index_text(lead_text(body))
            if vendor == "sqlite":
                rows.append((pk, title_tokens, lead_tokens))
            else:
                rows.append((tsvector_literal(title_tokens.split(), lead_tokens.split()), pk))
            if len(rows) >= BATCH:
                cursor.executemany(SQLITE_INSERT if vendor == "sqlite" else POSTGRES_UPDATE, rows)
                rows = []
        if rows:
            cursor.executemany(SQLITE_INSERT if vendor == "sqlite" else POSTGRES_UPDATE, rows)
        if vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for name, column in POSTGRES_GIN_INDEXES:
                cursor.execute(f"CREATE INDEX {name} ON zaixian_search_vector USING gin ({column})")
        else:
            # One b-tree per table instead of the many segments a bulk fill leaves.
            cursor.execute(SQLITE_OPTIMIZE)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("zaixian_search", "0006_sqlite_count_index")]

    operations = [migrations.RunPython(forward, backward)]
