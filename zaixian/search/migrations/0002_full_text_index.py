"""The full-text index for the database in use: an FTS5 table on SQLite, a tsvector column
with a GIN index on PostgreSQL. Django does not model either, so this is vendor-specific SQL."""

from django.db import migrations

SQLITE_FORWARD = [
    # Title and body hold space-joined jieba words followed by single-character tokens;
    # unicode61 splits only on the spaces for them (CJK characters are token characters).
    'CREATE VIRTUAL TABLE zaixian_search_fts USING fts5('
    'title, body, tokenize = "unicode61 remove_diacritics 0")',
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS zaixian_search_fts"]
POSTGRES_FORWARD = [
    "ALTER TABLE zaixian_search_searchdocument ADD COLUMN search_vector tsvector",
    "CREATE INDEX zaixian_search_vector_gin ON zaixian_search_searchdocument "
    "USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS zaixian_search_vector_gin",
    "ALTER TABLE zaixian_search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD})


def backward(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("zaixian_search", "0001_search_document")]

    operations = [migrations.RunPython(forward, backward)]
