"""Character bigrams instead of single characters in the index (see
``zaixian.core.text.bigram_tokens``), and on PostgreSQL the tsvector moves from the documents
table into a narrow table of its own, so counting and ranking never touch the wide rows.

The index is rebuilt from the stored title and body of every document, so no separate
``rebuild_search_index`` run is needed after upgrading."""

from django.db import migrations

from zaixian.core import text as zh_text

MAX_INDEXED_BODY_CHARS = 50_000
BATCH = 500

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS zaixian_search_vector_gin",
    "ALTER TABLE zaixian_search_searchdocument DROP COLUMN IF EXISTS search_vector",
    "CREATE TABLE zaixian_search_vector ("
    " document_id bigint PRIMARY KEY REFERENCES zaixian_search_searchdocument (id)"
    " ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
    " vector tsvector NOT NULL)",
    "CREATE INDEX zaixian_search_vector_gin ON zaixian_search_vector USING gin (vector)",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS zaixian_search_vector",
    "ALTER TABLE zaixian_search_searchdocument ADD COLUMN search_vector tsvector",
    "CREATE INDEX zaixian_search_vector_gin ON zaixian_search_searchdocument "
    "USING gin (search_vector)",
]
SQLITE_INSERT = "INSERT INTO zaixian_search_fts (rowid, title, body) VALUES (%s, %s, %s)"
POSTGRES_INSERT = (
    "INSERT INTO zaixian_search_vector (document_id, vector) VALUES (%s, "
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B'))"
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
        insert = POSTGRES_INSERT
    elif vendor == "sqlite":
        schema_editor.execute("DELETE FROM zaixian_search_fts")
        insert = SQLITE_INSERT
    else:
        return
    SearchDocument = apps.get_model("zaixian_search", "SearchDocument")
    documents = SearchDocument.objects.order_by("pk").values_list("pk", "title", "body")
    rows = []
    with schema_editor.connection.cursor() as cursor:
        for pk, title, body in documents.iterator(chunk_size=BATCH):
            rows.append(
                (
                    pk,
                    zh_text.index_text(title),
                    zh_text.index_text(body[:MAX_INDEXED_BODY_CHARS]),
                )
            )
            if len(rows) >= BATCH:
                cursor.executemany(insert, rows)
                rows = []
        if rows:
            cursor.executemany(insert, rows)


def backward(apps, schema_editor):
    # Going back leaves an empty index in the old layout: run rebuild_search_index.
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DELETE FROM zaixian_search_fts")


class Migration(migrations.Migration):
    dependencies = [("zaixian_search", "0002_full_text_index")]

    operations = [migrations.RunPython(forward, backward)]
