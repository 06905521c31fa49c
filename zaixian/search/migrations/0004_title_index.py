"""A full-text index of titles alone (an FTS5 table on SQLite, a ``title_vector`` column with
its own GIN index on PostgreSQL): when many documents match, the documents with every term in
the title are found from this small index and ranked first (see ``backends.RANK_ALL_LIMIT``).
On PostgreSQL the vectors are also compressed with lz4, which is much faster to decompress
than the default pglz when ranking reads them. Both are filled from the stored titles."""

from django.db import migrations

from zaixian.core import text as zh_text

BATCH = 500

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE zaixian_search_fts_title USING fts5("
    'title, tokenize = "unicode61 remove_diacritics 0")',
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS zaixian_search_fts_title"]
POSTGRES_FORWARD = [
    "ALTER TABLE zaixian_search_vector ADD COLUMN title_vector tsvector",
    "ALTER TABLE zaixian_search_vector ALTER COLUMN vector SET COMPRESSION lz4",
    "CREATE INDEX zaixian_search_title_gin ON zaixian_search_vector USING gin (title_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS zaixian_search_title_gin",
    "ALTER TABLE zaixian_search_vector DROP COLUMN IF EXISTS title_vector",
]
SQLITE_INSERT = "INSERT INTO zaixian_search_fts_title (rowid, title) VALUES (%s, %s)"
POSTGRES_UPDATE = (
    "UPDATE zaixian_search_vector SET title_vector = to_tsvector('simple', %s) "
    "WHERE document_id = %s"
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
    else:
        return
    SearchDocument = apps.get_model("zaixian_search", "SearchDocument")
    documents = SearchDocument.objects.order_by("pk").values_list("pk", "title")
    rows = []
    with schema_editor.connection.cursor() as cursor:
        for pk, title in documents.iterator(chunk_size=BATCH):
            tokens = zh_text.index_text(title)
            rows.append((pk, tokens) if vendor == "sqlite" else (tokens, pk))
            if len(rows) >= BATCH:
                cursor.executemany(SQLITE_INSERT if vendor == "sqlite" else POSTGRES_UPDATE, rows)
                rows = []
        if rows:
            cursor.executemany(SQLITE_INSERT if vendor == "sqlite" else POSTGRES_UPDATE, rows)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("zaixian_search", "0003_bigram_index_narrow_vectors")]

    operations = [migrations.RunPython(forward, backward)]
